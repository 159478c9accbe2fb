"""Demo disclosure boards (四务公开): 枫林社区's four boards with a quarterly account that was
corrected (with its voucher scan kept), the party organisation's notices, the services and
their hours, a fire-safety notice, objections to the parking resolution whose notice period is
running, and residents' ratings (群众评议) of the two matters that report results.

The deliberation step has already put the matters' resolutions, progress reports and final
reports on the communities' 居务公开 boards; this step adds what the committee and the party
organisation publish by hand. Everything goes through ``portal.services.disclosure`` with
past ``now=`` / ``today=``, laid out in days before today like the deliberation demo.
"""
import struct
import zlib
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.demo.cast import HALL, _Demo, _md
from portal.demo.places import DemoWorld
from portal.domain.disclosure import BoardKind
from portal.domain.permissions import Role
from portal.extensions import db
from portal.models import BoardEntry, EntryRevision, Matter, RoleGrant, Unit
from portal.services import disclosure
from portal.services.disclosure import Upload

QUARTERS = "一二三四"
VOUCHER_NAME = "收支凭证汇总.png"

INCOME = [
    ("上级拨付社区服务群众专项经费", "区民政局第三季度拨付", Decimal("50000.00")),
    ("党组织服务群众经费", "街道党工委拨付", Decimal("20000.00")),
    ("辖区单位共建捐助", "华联超市望江店、望江供电所", Decimal("8000.00")),
]
SPENDING = [
    ("老年助餐补贴", "80岁以上及低保老人助餐补贴，共1,240人次", Decimal("18600.00")),
    ("楼道照明维修", "枫林一村、电机厂宿舍更换声控灯86盏", Decimal("3680.00")),  # 录入有误，应为3,860.00
    ("文化广场活动耗材", "重阳节、广场舞展演活动用品", Decimal("2450.00")),
    ("防汛物资", "沙袋、抽水泵、雨衣雨靴", Decimal("6320.00")),
]
CORRECTED = {"楼道照明维修": Decimal("3860.00")}
OPENING_BALANCE = Decimal("12436.50")
CORRECTION_REASON = "“楼道照明维修”金额录入有误，应为3,860.00元，合计相应更正。"

SERVICES = [
    ("居住证明", "本人身份证、户口簿或房产证明、租赁合同", "即时办结"),
    ("老年优待证", "本人身份证、一寸照片1张（年满60周岁）", "受理后5个工作日"),
    ("低保申请受理", "申请书、家庭成员身份证和户口簿、收入及财产证明", "受理后3个工作日内上报街道"),
    ("残疾人两项补贴", "残疾人证、身份证、银行卡（困难残疾人生活补贴、重度残疾人护理补贴）", "受理后3个工作日内上报街道"),
    ("高龄津贴申领", "本人身份证、银行卡（年满80周岁）", "受理后5个工作日"),
    ("流动人口居住登记", "本人身份证、租赁合同或住所证明", "即时办结"),
    ("计划生育服务证明", "夫妻双方身份证、结婚证、户口簿", "即时办结"),
    ("退役军人优待证初审", "退役证件、身份证、照片", "受理后5个工作日"),
]

ROOF_COMMENTS = {
    5: ["施工队很负责，每天收工都把楼道打扫干净。", "顶楼终于不漏了！前几天下大雨，家里一点没渗。",
        "居民一分钱没出，社区跑了好几趟区里争取资金，感谢。", "保温做上以后屋里明显暖和了。", "", ""],
    4: ["工期比预计长了几天，好在提前打了招呼。", "1幢2幢做完了效果不错，希望3幢抓紧。",
        "施工时楼道灰尘有点大，总体满意。", "落水管换了新的，不再往墙上淌水了。", ""],
    3: ["吊装材料那几天噪音大，早上七点就开工，希望以后注意时间。", "3幢还没完工，等完工了再评。"],
}
WINDOWS_COMMENTS = {
    5: ["新窗户密封好，冬天楼道暖和多了。", "决算比预算还省了四千多，账目公开得清楚。",
        "施工避开了春节，考虑得很周到。", "楼栋长挨家送表决票，这事办得透明。", "", ""],
    4: ["窗户质量不错，就是施工那几天灰比较大。", "整体满意，建议以后每年检查一次限位器。",
        "分摊明细贴出来了，一看就明白。", ""],
    3: ["我们单元有一樘窗户限位器不太好用，已经报修了。", "等的时间有点长，从提建议到装好小半年。"],
}


# -- a small real image ------------------------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def voucher_png(width: int = 40, height: int = 20) -> bytes:
    """A tiny bar chart of the quarter's income (green) and spending (blue) as a valid PNG
    (8-bit RGB), made with zlib and struct only."""
    white, grey, green, blue = (255, 255, 255), (160, 160, 160), (46, 139, 87), (52, 101, 164)
    amounts = [a for _, _, a in INCOME] + [CORRECTED.get(n, a) for n, _, a in SPENDING]
    top = max(amounts)
    bars = []
    for i, amount in enumerate(amounts):
        left = 2 + i * 5
        bars.append((left, left + 3, max(1, round((height - 4) * amount / top)), green if i < len(INCOME) else blue))
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0 (None)
        for x in range(width):
            colour = white
            if x in (0, width - 1) or y in (0, height - 1):
                colour = grey
            for lo, hi, h, c in bars:
                if lo <= x < hi and height - 2 - h <= y < height - 2:
                    colour = c
            row += bytes(colour)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _png_chunk(b"IEND", b""))


# -- helpers -----------------------------------------------------------------------------------

def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _previous_quarter(day: date) -> tuple[int, int]:
    """(year, quarter 1-4) of the quarter before the one ``day`` falls in."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = first - timedelta(days=1)
    return last.year, (last.month - 1) // 3 + 1


def _accounts_html(year: int, quarter: int, corrected: bool) -> str:
    spending = [(n, note, CORRECTED.get(n, a) if corrected else a) for n, note, a in SPENDING]
    income_total = sum(a for _, _, a in INCOME)
    spending_total = sum(a for _, _, a in spending)
    closing = OPENING_BALANCE + income_total - spending_total
    rows = ["<tr><th>类别</th><th>项目</th><th>说明</th><th>金额（元）</th></tr>"]
    for i, (name, note, amount) in enumerate(INCOME):
        head = f'<td rowspan="{len(INCOME) + 1}">收入</td>' if i == 0 else ""
        rows.append(f"<tr>{head}<td>{name}</td><td>{note}</td><td>{_yuan(amount)}</td></tr>")
    rows.append(f'<tr><td colspan="2"><strong>收入合计</strong></td><td><strong>{_yuan(income_total)}</strong></td></tr>')
    for i, (name, note, amount) in enumerate(spending):
        head = f'<td rowspan="{len(spending) + 1}">支出</td>' if i == 0 else ""
        rows.append(f"<tr>{head}<td>{name}</td><td>{note}</td><td>{_yuan(amount)}</td></tr>")
    rows.append(f'<tr><td colspan="2"><strong>支出合计</strong></td><td><strong>{_yuan(spending_total)}</strong></td></tr>')
    months = f"{3 * quarter - 2}月1日至{3 * quarter}月{30 if quarter in (2, 3) else 31}日"
    return (f"<p>根据居务公开有关规定，现将枫林社区{year}年第{QUARTERS[quarter - 1]}季度（{months}）"
            "居务收支情况公开如下：</p>"
            f"<table><thead>{rows[0]}</thead><tbody>{''.join(rows[1:])}</tbody></table>"
            f"<p>期初余额{_yuan(OPENING_BALANCE)}元，本季度收入{_yuan(income_total)}元，支出{_yuan(spending_total)}元，"
            f"期末余额{_yuan(closing)}元。</p>"
            "<p>以上收支已经社区居务监督委员会审核，原始凭证存社区居委会备查，凭证汇总见附件。"
            "公示期七天，居民如有疑问，可到社区党群服务中心一楼查阅凭证或向居务监督委员会反映。</p>")


def _party_members(unit: Unit) -> set[int]:
    return set(db.session.scalars(select(RoleGrant.user_id).where(RoleGrant.role == Role.party_member,
                                                                     RoleGrant.unit_id == unit.id)))


def load(world: DemoWorld) -> None:
    d = _Demo(world)
    fl = world.units["枫林社区"]
    _service(d, fl)                 # 服务公开, a month ago
    _finance(d, fl)                 # 财务公开: the quarter's account, corrected three days later
    _party(d, fl)                   # 党务公开: dues, and the admission notice (notice over)
    _fire_notice(d, fl)             # 居务公开: the committee's own notice, yesterday
    _objections(d)                  # on the parking resolution, in its notice period
    _ratings(d)                     # 群众评议 of the roof (results) and the 丹桂里 windows (concluded)


def _service(d: _Demo, fl: Unit) -> None:
    rows = "".join(f"<tr><td>{i}</td><td>{name}</td><td>{papers}</td><td>{limit}</td></tr>"
                   for i, (name, papers, limit) in enumerate(SERVICES, start=1))
    disclosure.publish_entry(fl, BoardKind.service, actor=d.committee, title="社区服务事项及办理时限", category="service",
                             body_html=(
                                 "<p>枫林社区党群服务中心实行“一窗受理、全科服务”，以下事项可在一楼综合服务窗口办理：</p>"
                                 "<table><thead><tr><th>序号</th><th>服务事项</th><th>所需材料</th><th>办理时限</th></tr>"
                                 f"</thead><tbody>{rows}</tbody></table>"
                                 "<h4>服务时间</h4><ul>"
                                 "<li>周一至周五：上午8:30—12:00，下午14:00—17:30（夏令时14:30—18:00）；</li>"
                                 "<li>周六上午9:00—12:00轮值，受理居住证明、老年优待证等即办事项；</li>"
                                 "<li>法定节假日按街道通知安排值班。</li></ul>"
                                 "<p>行动不便的老人、残疾人可预约网格员上门代办。服务地址：枫林路18号社区党群服务中心。"
                                 "服务热线：0571-8765 4321。</p>"),
                             now=d.at(-32, 9))


def _finance(d: _Demo, fl: Unit) -> None:
    year, quarter = _previous_quarter(d.day(-20))
    title = f"{year}年第{QUARTERS[quarter - 1]}季度社区居务收支公开"
    entry = disclosure.publish_entry(fl, BoardKind.finance, actor=d.committee, title=title, category="finance",
                                     body_html=_accounts_html(year, quarter, corrected=False), notice_days=7,
                                     uploads=[Upload(VOUCHER_NAME, voucher_png())], now=d.at(-20, 9, 30))
    disclosure.revise_entry(entry, actor=d.committee, title=title, category="finance", reason=CORRECTION_REASON,
                            body_html=("<p><strong>更正说明：</strong>" + CORRECTION_REASON + "</p>"
                                       + _accounts_html(year, quarter, corrected=True)),
                            keep_attachments=True, now=d.at(-17, 15, 10))


def _party(d: _Demo, fl: Unit) -> None:
    members = _party_members(fl)
    pool = [p for p in d.living_in("枫林社区") if p.user.id not in members and p.user.id != d.resident.id]
    candidates = d.sample(pool, 2)
    year = d.day(-12).year
    disclosure.publish_entry(fl, BoardKind.party, actor=d.party, title=f"{year}年度党费收缴情况", category="party",
                             body_html=(
                                 f"<p>截至{year}年9月30日，枫林社区党委下设3个党支部，共有党员{len(members) + 53}名"
                                 "（其中离退休党员31名、流动党员4名）。</p>"
                                 "<table><thead><tr><th>党支部</th><th>党员人数</th><th>应缴（元）</th>"
                                 "<th>实缴（元）</th></tr></thead><tbody>"
                                 "<tr><td>第一党支部（枫林一村）</td><td>24</td><td>5,184.00</td><td>5,184.00</td></tr>"
                                 "<tr><td>第二党支部（枫林新苑）</td><td>22</td><td>7,920.00</td><td>7,920.00</td></tr>"
                                 f"<tr><td>第三党支部（电机厂宿舍）</td><td>{len(members) + 7}</td><td>2,268.00</td>"
                                 "<td>2,268.00</td></tr></tbody></table>"
                                 "<p>党费按月足额收缴，全部上缴街道党工委，无挪用、截留。党员如对本人党费基数有疑问，"
                                 "请与所在支部组织委员联系。</p>"),
                             now=d.at(-12, 10))
    names = "、".join(p.user.display_name for p in candidates)
    compounds = ("枫林一村", "枫林新苑", "电机厂宿舍")
    home = {p.user.id: next(c for c in compounds if p.path.startswith(d.world.units[c].path)) for p in candidates}
    disclosure.publish_entry(fl, BoardKind.party, actor=d.party, title="关于发展党员的公示", category="party",
                             notice_days=7, body_html=(
                                 f"<p>经支部委员会审查，拟将{names}同志列为预备党员接收对象，"
                                 "提交支部党员大会讨论。现将有关情况公示如下：</p><ol>"
                                 + "".join(f"<li>{p.user.display_name}，居住在{home[p.user.id]}，"
                                           f"{year - 5 + i}年提出入党申请，{year - 1}年确定为发展对象，"
                                           "已参加街道党工委组织的集中培训并考试合格；</li>"
                                           for i, p in enumerate(candidates))
                                 + "</ol><p>公示期七天。党员和群众对公示对象有意见，可通过来信、来电或来访"
                                   f"向社区党委反映（地址：{HALL}；电话：0571-8765 4300）。"
                                   "反映问题应实事求是，以真实姓名反映的优先核查。</p>"),
                             now=d.at(-9, 9))


def _fire_notice(d: _Demo, fl: Unit) -> None:
    disclosure.publish_entry(fl, BoardKind.affairs, actor=d.committee, title="冬季防火安全告知书", category="notice",
                             body_html=(
                                 "<p>各位居民朋友：</p><p>冬季天干物燥，用火用电增多，是火灾高发季节。"
                                 "为保障大家生命财产安全，请注意以下事项：</p><ol>"
                                 "<li>电动自行车不进楼道、不入户充电，请到小区集中充电点充电；</li>"
                                 "<li>取暖器、电热毯不要长时间通电，人走断电，不在取暖器上烘烤衣物；</li>"
                                 "<li>楼道内不堆放纸箱、旧家具等杂物，保持消防通道畅通；</li>"
                                 "<li>使用燃气后关好阀门，发现燃气泄漏不要开关电器，立即开窗并到室外拨打报修电话；</li>"
                                 "<li>家中老人、孩子不要玩火，独居老人请留意家中电线是否老化。</li></ol>"
                                 f"<p>社区将于{_md(d.day(3))}至{_md(d.day(10))}组织网格员和消防志愿者逐楼排查，"
                                 "请大家支持配合。发现火情请立即拨打119。</p><p>枫林社区居民委员会</p>"),
                             now=d.at(-1, 9))


def _objections(d: _Demo) -> None:
    """One objection answered, one waiting, on the parking resolution (notice still running)."""
    entry = db.session.scalar(select(BoardEntry).join(Matter, Matter.id == BoardEntry.matter_id)
                              .join(EntryRevision, EntryRevision.entry_id == BoardEntry.id)
                              .where(Matter.title == "枫林支路停车位划线调整", EntryRevision.category == "resolution")
                              .order_by(BoardEntry.id.desc()).limit(1))
    ends = disclosure.latest(entry).notice_ends_on
    first_day, second_day = d.day(-2), d.day(-1)
    assert ends is not None and second_day <= ends, "the parking resolution's notice period is running"
    fl_yicun = [p for p in d.living_in("枫林一村") if p.user.id != d.resident.id]
    dianji = d.living_in("电机厂宿舍")
    first, second = d.sample(fl_yicun, 1)[0], d.sample(dianji, 1)[0]
    objection = disclosure.file_objection(entry, actor=first.user, today=first_day, now=d.at(-2, 20, 15), body=(
        "我家住枫林一村北门边上，西侧全线划禁停线以后，晚上回来根本找不到车位，东侧42个车位两个小区怎么够分？"
        "另外西侧禁停以后消防车到底从哪边进，方案里没说清楚。"))
    disclosure.answer_objection(objection, actor=d.committee, now=d.at(-1, 10, 30), answer=(
        "感谢您的意见。划线方案已预留消防通道：西侧施划黄色禁停线后，路面净宽不少于4米，消防车、救护车从枫林路"
        "路口直接驶入，方案经交警中队和消防救援站现场确认。车位不足的问题，社区已与华联超市望江店协商，"
        "夜间（19:00至次日7:00）开放其后侧停车场约30个车位供居民免费停放，停车证发放办法将另行公示。"))
    disclosure.file_objection(entry, actor=second.user, today=second_day, now=d.at(-1, 19, 40), body=(
        "电机厂宿舍老人多，东门口正好划了三个车位，以后救护车、搬家车停不了。"
        "建议东门两侧各留5米不划车位，作为临时上下客区。"))


def _ratings(d: _Demo) -> None:
    for title, compound, comments, n in (("电机厂宿舍屋面防水保温改造", "电机厂宿舍", ROOF_COMMENTS, 12),
                                         ("丹桂里使用专项维修资金更换楼道窗户", "丹桂里", WINDOWS_COMMENTS, 10)):
        matter = db.session.scalar(select(Matter).where(Matter.title == title))
        assert disclosure.may_rate(matter), f"{title} reports its results"
        raters = d.sample(list(d.one_per_household(d.living_in(compound)).values()), n)
        scores = [5] * (n // 2) + [4] * (n - n // 2 - 2) + [3] * 2
        d.rng.shuffle(scores)
        pools = {k: list(v) for k, v in comments.items()}
        moments = d.times(n, d.at(-20, 8), d.at(-1, 21))
        for person, score, when in zip(raters, scores, moments, strict=True):
            pool = pools[score]
            comment = pool.pop(d.rng.randrange(len(pool))) if pool else ""
            disclosure.rate_result(matter, actor=person.user, score=score, comment=comment, now=when)


