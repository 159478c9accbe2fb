"""Demo deliberation (一征三议两公开): party members and residents' representatives, two
solicitation windows with their 金点子, and matters standing at every stage of their procedure,
with assemblies that are voting, passed, and void for want of a quorum.

Everything goes through the services, with ``now=`` / ``today=`` placing each act in the past,
so the windows, meetings, votes and notice periods line up with the real current date: the
timeline is laid out in days before and after today (seeded on 2026-11-22, the older window
ran from mid-August to mid-September and the roof meeting was held around 10 October). The
demo resident 王秀英 (枫林一村) is left with an open vote she has not yet cast.
"""
from datetime import timedelta


from portal.demo.cast import DIANJI_ROOM, HALL, JOINT, _Demo, _md
from portal.demo.places import DemoWorld
from portal.domain.deliberation import MeetingOutcome, PublicationKind
from portal.domain.permissions import Role
from portal.domain.procedures import AssemblyKind, Electorate
from portal.domain.residents import Relation
from portal.models import Suggestion
from portal.services import assemblies, matters, suggestions
from portal.services.units import grant_role


def load(world: DemoWorld) -> None:
    d = _Demo(world)
    _grant_roles(d)
    old = _old_window(d)
    current = _current_window(d)
    _guihua(d)                      # concluded (桂花苑社区 · 丹桂里)
    _roof(d, old)                   # disclose_results (电机厂宿舍)
    _fitness(d, old)                # consult, after a void residents' meeting
    _convention(d, old)             # propose, after a send-back
    _parking(d, old)                # disclose_resolution, secret representatives' vote
    _canteen(d)                     # 四议两公开: resolve, representatives' meeting convened
    _fund(d)                        # 四议两公开: review, party members' meeting convened
    _chargers(d, old)               # resolve, owners' vote open
    _stairwells(d, old)             # resolve, residents' meeting open (王秀英 has not voted)
    _ageing(d, current)             # solicit, two suggestions merged


# -- people in roles --------------------------------------------------------------------------

def _grant_roles(d: _Demo) -> None:
    """12 party members and 10 more residents' representatives in 枫林社区 (周建国 already is one)."""
    community = d.world.units["枫林社区"]
    adults = [p for p in d.living_in("枫林社区") if p.relation != Relation.tenant]
    members = d.sample(adults, 12)
    for person in members:
        grant_role(actor=d.admin, user=person.user, role=Role.party_member, unit=community)
    # Representatives: a few from each compound, two of them also party members.
    reps = members[:2]
    for compound, k in (("枫林一村", 3), ("枫林新苑", 3), ("电机厂宿舍", 2)):
        pool = [p for p in d.living_in(compound) if p not in members]
        reps += d.sample(pool, k)
    for person in reps:
        grant_role(actor=d.admin, user=person.user, role=Role.representative, unit=community)
    d.party_members = [p.user for p in members]
    d.representatives = [d.world.people["rep_fl"]] + [p.user for p in reps]


# -- solicitation windows -----------------------------------------------------------------------

def _old_window(d: _Demo) -> dict[str, Suggestion]:
    """The previous quarter's window (99 to 68 days ago), from which most matters were taken up."""
    w = d.window("枫林社区", d.committee, -99, -68,
                 "围绕小区环境、设施改善和邻里服务，欢迎居民提出“金点子”。征集截止后，社区两委将逐条研究并公开答复。")
    fl, xy, dj = d.living_in("枫林一村"), d.living_in("枫林新苑", owners=True), d.living_in("电机厂宿舍")
    s = {}
    s["roof"] = d.suggest(w, dj[0], "电机厂宿舍屋面漏水，建议做防水保温",
                          "我家住电机厂宿舍顶楼，房子是八十年代建的，屋顶没有保温层，夏天屋里三十七八度，冬天又冷；"
                          "一下大雨顶楼好几户都漏水。建议社区牵头，对三幢楼的屋面统一做防水和保温改造。",
                          -97, seconds=11, seconders=dj)
    s["bike"] = d.suggest(w, xy[0], "电动自行车充电难，楼道飞线充电有隐患",
                          "枫林新苑没有集中充电的地方，不少邻居从楼上拉电线下来充电，还有人把电瓶拎回家充，很危险。"
                          "建议在小区里建电动自行车集中充电棚。", -95, seconds=9, seconders=d.living_in("枫林新苑"))
    s["ev"] = d.suggest(w, xy[1], "建议地面停车位加装新能源汽车充电桩",
                        "小区买新能源车的越来越多，但没有充电桩，只能去外面的公共充电站排队。建议在地面停车场划出一部分"
                        "车位安装充电桩，由有资质的公司建设和运营。", -93, seconds=6, seconders=d.living_in("枫林新苑"))
    s["parking"] = d.suggest(w, fl[1], "枫林支路两侧乱停车，消防车救护车进不来",
                             "枫林一村和电机厂宿舍之间的枫林支路，晚上两边停满了车。上个月有位老人发病，救护车在路口"
                             "进不来，耽误了好几分钟。建议重新划停车位：一侧停车，另一侧留出消防通道。", -90, seconds=7)
    s["fitness"] = d.suggest(w, fl[2], "文化广场健身器材老化，建议更换",
                             "社区文化广场的健身器材用了十多年，漫步机、扭腰器有好几件锈坏了，上周还有老人被夹了手。"
                             "建议更换一批新的，最好增加适合老年人的器材。", -88, seconds=10)
    s["convention"] = d.suggest(w, xy[2], "居民公约该修订了",
                                "现在的居民公约还是2015年订的，文明养犬、高空抛物、电动车进楼这些新问题都没写进去。"
                                "建议修订居民公约，让大家有章可循。", -84, seconds=4)
    s["stairs"] = d.suggest(w, fl[3], "枫林一村楼道墙面脏乱，小广告多",
                            "枫林一村是老小区，没有物业，楼道墙面发黑，贴满了开锁、通下水道的小广告。建议统一粉刷楼道墙面，"
                            "清理小广告，再装个公示栏。", -80, seconds=5, seconders=d.living_in("枫林一村"))
    bars = d.suggest(w, fl[4], "建议统一给低楼层住户安装防盗窗",
                     "一楼二楼经常有小偷光顾，建议社区统一给低楼层住户安装防盗窗。", -76, seconds=1)
    suggestions.decline_suggestion(bars, actor=d.committee,
                                   reason="防盗窗属住户自有设施，且须满足消防逃生要求，社区不宜统一安装。社区民警将于"
                                          "近期入户开展防盗宣传，有需要的住户可咨询社区警务室。", now=d.at(-66, 15))
    return s


def _current_window(d: _Demo) -> dict[str, Suggestion]:
    """The window open now (from three weeks ago until three weeks ahead), with its 金点子
    waiting, seconded, declined, withdrawn and taken up."""
    w = d.window("枫林社区", d.committee, -21, 20,
                 "本季度重点征集：老旧小区设施改善、为老服务、邻里矛盾调解和文明实践方面的意见建议。"
                 "每条建议都会在征集结束后两周内得到答复。")
    fl, xy, dj = d.living_in("枫林一村"), d.living_in("枫林新苑"), d.living_in("电机厂宿舍")
    s = {}
    s["clutter"] = d.suggest(w, fl[5], "楼道堆物既占道又有火灾隐患",
                             "枫林一村2幢好几个楼道堆着旧家具、纸箱，还有人把电动车推进楼道，一旦着火逃都逃不出来。"
                             "建议社区组织一次集中清理，以后每月由楼栋长检查一次。", -19, seconds=6)
    s["rails"] = d.suggest(w, dj[1], "老楼楼道加装扶手",
                           "电机厂宿舍和枫林一村都是没有电梯的老楼，楼梯只有一边有扶手，老人上下楼很吃力。"
                           "建议在楼梯靠墙一侧加装扶手，每层平台放一张折叠座椅，走累了可以歇一歇。", -18, seconds=9)
    s["ramp"] = d.suggest(w, fl[6], "单元门口台阶改成无障碍坡道",
                          "坐轮椅、推婴儿车的居民进出单元门很不方便，门口有三级台阶。建议在单元门口加建无障碍坡道，"
                          "并装上扶手。", -16, seconds=3)
    s["lights"] = d.suggest(w, dj[2], "电机厂宿舍路灯坏了好几盏",
                            "电机厂宿舍进门那条路和3幢后面的小路，晚上黑灯瞎火，老人晚上出门容易摔倒。建议修复路灯，"
                            "再增加几盏太阳能庭院灯。", -14, seconds=4)
    s["lockers"] = d.suggest(w, xy[3], "快递柜挪到小区大门口",
                             "枫林新苑的快递柜放在地库入口，老人取快递要走很远，还要穿过车道。建议把快递柜挪到小区大门内侧。",
                             -12, seconds=2, seconders=xy)
    suggestions.decline_suggestion(s["lockers"], actor=d.committee, reason="属物业服务合同范围，已转交物业公司处理。",
                                   now=d.at(-10, 15))
    s["dance"] = d.suggest(w, fl[7], "广场舞音响太响，建议规定时段和音量",
                           "每天晚上文化广场的广场舞音响开得很大，一直跳到九点多，临街住户的孩子没法写作业。"
                           "建议规定广场舞的时间（比如晚上七点到八点半），音量控制在一定分贝以内。", -9, seconds=8)
    s["sorting"] = d.suggest(w, xy[4], "招募垃圾分类督导志愿者",
                             "小区垃圾分类投放点晚上经常混投，建议招募志愿者在投放高峰时段值守督导。", -6, seconds=2)
    suggestions.withdraw_suggestion(s["sorting"], actor=s["sorting"].author, now=d.at(-4, 20))
    return s


# -- matters, oldest first ---------------------------------------------------------------------

def _guihua(d: _Demo) -> None:
    """桂花苑社区 · 丹桂里: the maintenance fund replaces the stairwell windows. An owners'
    major matter, passed with ≥ 3/4, published, carried out and concluded."""
    committee = d.committee_gh
    w = d.window("桂花苑社区", committee, -113, -83,
                 "欢迎居民围绕小区设施、环境和服务提出建议，社区居委会将逐条研究答复。")
    dg = d.living_in("丹桂里")
    gh = d.living_in("桂花苑")
    idea = d.suggest(w, dg[0], "丹桂里楼道窗户破损，冬天灌风",
                     "丹桂里三幢楼的楼道窗户大多是老式钢窗，锈蚀变形关不严，好几扇玻璃已经碎了，冬天楼道里灌风，"
                     "下雨还往里飘。建议统一更换成塑钢窗。", -110, seconds=8, seconders=dg)
    other = d.suggest(w, gh[0], "桂花苑东门增设人行道闸",
                      "东门只有车行道，行人要和车抢道。建议增设人行通道闸机。", -100, seconds=3, seconders=gh)
    suggestions.decline_suggestion(other, actor=committee,
                                   reason=f"桂花苑东门改造已列入街道{d.today.year + 1}年老旧小区改造计划，届时一并实施，本次不再单独立项。", now=d.at(-82, 9))
    compound = d.world.units["丹桂里"]
    matter = matters.start_matter(compound, actor=committee, title="丹桂里使用专项维修资金更换楼道窗户",
                                  summary="丹桂里1至3幢共15个楼道的老式钢窗锈蚀破损，拟使用住宅专项维修资金统一更换为"
                                          "断桥铝合金窗。使用维修资金属业主共同决定的重大事项。",
                                  procedure="owners", major=True, now=d.at(-82, 9))
    suggestions.accept_suggestion(idea, actor=committee, matter=matter, now=d.at(-82, 9))
    matters.advance(matter, actor=committee, today=d.day(-82), now=d.at(-82, 10))
    matters.write_proposal(matter, actor=committee, answers=[idea], body_html=(
        "<p>关于使用住宅专项维修资金更换丹桂里楼道窗户的方案：</p>"
        "<ol><li>范围：丹桂里1至3幢全部楼道窗户，共90樘；</li>"
        "<li>标准：断桥铝合金窗框、中空玻璃，带限位器；</li>"
        "<li>费用：经第三方造价审核约12.6万元，从丹桂里住宅专项维修资金中列支，按各户建筑面积分摊；</li>"
        "<li>施工：公开比选施工单位，施工期约20天，避开春节。</li></ol>"), now=d.at(-80, 9))
    matters.advance(matter, actor=committee, today=d.day(-80), now=d.at(-80, 10))
    d.meeting(matter, -76, "<p>会议听取了居委会关于维修资金使用方案的说明，审阅了造价审核报告。</p>"
                           "<ol><li>同意将方案提交丹桂里全体业主表决；</li>"
                           "<li>表决期十天，采用线上表决与书面表决票相结合的方式；</li>"
                           "<li>由楼栋长协助向未注册业主送达书面表决票。</li></ol>",
              attendees="桂花苑社区居委会成员5人、丹桂里楼栋长3人、业主代表4人、物业公司代表1人",
              place="桂花苑社区居委会会议室", actor=committee)
    a = assemblies.convene(matter, actor=committee, kind=AssemblyKind.owners_vote, electorate=Electorate.owners,
                           motion="是否同意使用住宅专项维修资金约12.6万元，将丹桂里1至3幢楼道窗户统一更换为断桥铝合金窗，"
                                  "费用按各户建筑面积分摊？",
                           place="线上表决及书面表决", starts_at=d.at(-70, 9), closes_at=d.at(-60, 18),
                           now=d.at(-74, 10))
    assemblies.open_voting(a, actor=committee, now=d.at(-70, 9))
    owners = d.one_per_household(d.living_in("丹桂里", owners=True))
    seats = {e.household_id: e for e in d.electors(a)}
    online = [p.user for p in d.sample(list(owners.values()), 18)]
    paper = d.sample([e for hh, e in seats.items() if hh not in owners], 7)
    n = len(online) + len(paper)
    d.vote(a, online=online, paper=paper, choices=d.choices(n - 3, 2, 1), start=d.at(-70, 9), end=d.at(-60, 17),
           clerk=committee)
    assemblies.close_voting(a, actor=committee, now=d.at(-60, 17, 30))
    matters.advance(matter, actor=committee, today=d.day(-59), now=d.at(-59, 10))
    matters.publish(matter, actor=committee, kind=PublicationKind.resolution, today=d.day(-59),
                    title="关于丹桂里使用维修资金更换楼道窗户的表决结果公示",
                    body_html=f"<p>丹桂里业主共同决定事项表决已于{_md(d.day(-60))}结束。"
                              f"参与表决业主{a.votes_for + a.votes_against + a.votes_abstain}户（共{a.electorate_count}户），"
                              f"同意{a.votes_for}户，反对{a.votes_against}户，弃权{a.votes_abstain}户；"
                              "同意的业主及其专有部分面积均达到参与表决的四分之三以上，表决通过。</p>"
                              "<p>公示期内如有异议，请向桂花苑社区居委会书面反映。</p>", now=d.at(-59, 10))
    matters.advance(matter, actor=committee, today=d.day(-52), now=d.at(-52, 10))
    matters.publish(matter, actor=committee, kind=PublicationKind.progress, progress=50, today=d.day(-35),
                    title="丹桂里楼道窗户更换进度",
                    body_html="<p>施工单位已完成1幢、2幢共60樘窗户的更换，3幢预计两周内完工。</p>", now=d.at(-35, 10))
    matters.publish(matter, actor=committee, kind=PublicationKind.final, today=d.day(-12),
                    title="丹桂里楼道窗户更换完工公示",
                    body_html="<p>丹桂里1至3幢90樘楼道窗户已全部更换完毕，并经业主代表、物业公司和居委会共同验收合格。</p>"
                              "<p>决算金额12.18万元，比预算节约0.42万元，分摊明细张贴于各单元公示栏。欢迎业主评议。</p>", now=d.at(-12, 10))
    matters.advance(matter, actor=committee, today=d.day(-12), now=d.at(-12, 10))


def _roof(d: _Demo, old: dict[str, Suggestion]) -> None:
    """电机厂宿舍 roof insulation: a residents' meeting, one voter per household, held in the
    compound's activity room six weeks ago, passed; the resolution's notice is over and the
    works are 60 % done."""
    compound = d.world.units["电机厂宿舍"]
    matter = matters.start_matter(compound, actor=d.committee, title="电机厂宿舍屋面防水保温改造",
                                  summary="电机厂宿舍建于1986年，三幢楼屋面均无保温层，防水层老化，顶楼多户渗漏。"
                                          "拟申请老旧小区改造资金，对屋面进行防水和保温改造。", now=d.at(-66, 9))
    suggestions.accept_suggestion(old["roof"], actor=d.committee, matter=matter, now=d.at(-66, 9))
    matters.advance(matter, actor=d.committee, today=d.day(-66), now=d.at(-66, 10))
    matters.write_proposal(matter, actor=d.party, answers=[old["roof"]], body_html=(
        f"<p>社区党委提议：将电机厂宿舍屋面防水保温改造列入{d.day(-62).year}年老旧小区改造项目。</p>"
        "<ol><li>拆除原有油毡防水层，铺设SBS改性沥青防水卷材两道；</li>"
        "<li>增设70毫米挤塑聚苯板保温层；</li>"
        "<li>更换全部落水管；</li>"
        "<li>资金来源：区老旧小区改造专项资金，居民不出资。</li></ol>"), now=d.at(-62, 9))
    matters.advance(matter, actor=d.party, today=d.day(-62), now=d.at(-62, 10))
    d.meeting(matter, -55, "<p>会议研究了电机厂宿舍屋面改造提议，听取了设计单位关于施工方案的介绍。</p>"
                           "<ol><li>同意提交居民会议决议，以户为单位表决；</li>"
                           "<li>施工期间顶楼住户的临时防雨措施由施工单位负责；</li>"
                           "<li>请网格员提前逐户通知会议时间。</li></ol>",
              attendees=JOINT + "、电机厂宿舍楼栋长3人")
    a = assemblies.convene(matter, actor=d.committee, kind=AssemblyKind.residents_meeting,
                           electorate=Electorate.households, place=DIANJI_ROOM,
                           motion="是否同意按社区党委提议的方案，对电机厂宿舍1至3幢屋面实施防水保温改造？",
                           starts_at=d.at(-43, 19), closes_at=d.at(-43, 21), now=d.at(-50, 10))
    assemblies.open_voting(a, actor=d.committee, now=d.at(-43, 19))
    households = d.one_per_household([p for p in d.living_in("电机厂宿舍") if p.relation != Relation.tenant]
                                     + d.living_in("电机厂宿舍"))
    seats = {e.household_id: e for e in d.electors(a)}
    online = d.sample(list(households.values()), 8)
    rest = [e for hh, e in seats.items() if hh not in {p.household_id for p in online}]
    in_hall = d.sample(rest, 14)
    paper, present = in_hall[:13], in_hall[13:]
    d.vote(a, online=[p.user for p in online], paper=paper, choices=d.choices(19, 1, 1), start=d.at(-43, 19, 10),
           end=d.at(-43, 20, 30), present=present)
    assemblies.close_voting(a, actor=d.committee, now=d.at(-43, 20, 40))
    matters.advance(matter, actor=d.committee, today=d.day(-42), now=d.at(-42, 10))
    matters.publish(matter, actor=d.committee, kind=PublicationKind.resolution, today=d.day(-41),
                    title="电机厂宿舍屋面防水保温改造居民会议决议公示",
                    body_html=f"<p>{_md(d.day(-43))}晚，电机厂宿舍居民会议在电机厂宿舍活动室召开，"
                              f"应到{a.electorate_count}户，实到{a.attending}户，超过半数，会议有效。</p>"
                              f"<p>表决结果：同意{a.votes_for}户，反对{a.votes_against}户，弃权{a.votes_abstain}户，"
                              "同意户数超过到会户数的半数，决议通过。</p><p>公示期七天，如有异议请向社区居委会反映。</p>", now=d.at(-41, 10))
    matters.advance(matter, actor=d.committee, today=d.day(-34), now=d.at(-34, 10))
    matters.publish(matter, actor=d.committee, kind=PublicationKind.progress, progress=30, today=d.day(-24),
                    title="电机厂宿舍屋面改造进度（一）",
                    body_html="<p>施工单位已进场，1幢屋面旧防水层拆除完毕，正在铺设找平层。</p>", now=d.at(-24, 10))
    matters.publish(matter, actor=d.committee, kind=PublicationKind.progress, progress=60, today=d.day(-5),
                    title="电机厂宿舍屋面改造进度（二）",
                    body_html="<p>1幢、2幢屋面防水和保温层已完工，经闭水试验无渗漏；3幢正在施工，"
                              "预计三周内完工。施工期间请顶楼住户注意关好窗户。</p>", now=d.at(-5, 10))


def _fitness(d: _Demo, old: dict[str, Suggestion]) -> None:
    """A residents' meeting of all adults that did not reach its quorum: void, and the matter
    sent back to the joint meeting to choose another way to decide."""
    matter = suggestions.accept_suggestion(old["fitness"], actor=d.committee, title="社区文化广场健身器材更换",
                                           procedure="yizheng_sanyi", now=d.at(-66, 9))
    matters.advance(matter, actor=d.committee, today=d.day(-66), now=d.at(-66, 10))
    matters.write_proposal(matter, actor=d.party, answers=[old["fitness"]], body_html=(
        "<p>提议使用社区公益金更换文化广场老化健身器材：</p>"
        "<ol><li>拆除锈蚀损坏器材12件；</li><li>新增适老化健身器材4件（坐式健身车、太极推手器等）；</li>"
        "<li>器材下方铺设塑胶防护地垫；</li><li>预算约8.6万元。</li></ol>"), now=d.at(-58, 9))
    matters.advance(matter, actor=d.party, today=d.day(-58), now=d.at(-58, 10))
    d.meeting(matter, -45, "<p>会议同意将健身器材更换方案提交居民会议决议，会议在文化广场召开，"
                           "居民可现场表决，也可在议事厅线上表决。</p>")
    a = assemblies.convene(matter, actor=d.committee, kind=AssemblyKind.residents_meeting,
                           electorate=Electorate.adult_residents, place="社区文化广场",
                           motion="是否同意使用社区公益金约8.6万元，更换文化广场老化健身器材12件，并增设适老化健身器材4件？",
                           starts_at=d.at(-28, 9), closes_at=d.at(-28, 11, 30), now=d.at(-40, 10))
    assemblies.open_voting(a, actor=d.committee, now=d.at(-28, 9))
    electors = d.electors(a)
    by_user = {e.user_id: e for e in electors}
    online = [p.user for p in d.sample([p for p in d.living_in("枫林社区") if p.user.id in by_user], 7)]
    rest = [e for e in electors if e.user_id not in {u.id for u in online} | {d.resident.id}]
    in_hall = d.sample(rest, 31)
    paper, present = in_hall[:29], in_hall[29:]
    d.vote(a, online=online, paper=paper, choices=d.choices(31, 3, 2), start=d.at(-28, 9, 5),
           end=d.at(-28, 11), present=present)
    assemblies.close_voting(a, actor=d.committee, now=d.at(-28, 11, 15))
    matters.send_back(matter, actor=d.committee, today=d.day(-26),
                      reason=f"{_md(d.day(-28))}居民会议到会{a.attending}人，未超过有选举权居民{a.electorate_count}人的半数，"
                             "会议无效。经两委研究，退回商议阶段，重新研究决议方式（拟改由居民代表会议决议），"
                             "并补充征求周边住户意见。", now=d.at(-26, 10))


def _convention(d: _Demo, old: dict[str, Suggestion]) -> None:
    """The residents' convention: the committee starts it, the party organisation proposes,
    the joint meeting sends it back (楼栋长 not consulted), a revised proposal is written."""
    community = d.world.units["枫林社区"]
    matter = matters.start_matter(community, actor=d.committee, title="《枫林社区居民公约》（修订草案）",
                                  summary="现行居民公约于2015年制定。本次修订拟增加文明养犬、禁止高空抛物、电动自行车"
                                          "禁止进楼入户、垃圾分类等内容，经居民会议讨论通过后施行。",
                                  procedure="yizheng_sanyi", now=d.at(-66, 9))
    suggestions.accept_suggestion(old["convention"], actor=d.committee, matter=matter, now=d.at(-66, 9))
    matters.advance(matter, actor=d.committee, today=d.day(-66), now=d.at(-66, 10))
    matters.write_proposal(matter, actor=d.party, answers=[old["convention"]], body_html=(
        "<p>《枫林社区居民公约》修订草案（征求意见稿）新增条款：</p>"
        "<ol><li>文明养犬：出门拴绳，及时清理犬只粪便，不在公共区域遛放大型犬；</li>"
        "<li>禁止高空抛物、坠物，阳台外侧不堆放易坠落物品；</li>"
        "<li>电动自行车不进楼道、不入户充电；</li>"
        "<li>按规定分类投放生活垃圾。</li></ol>"), now=d.at(-50, 9))
    matters.advance(matter, actor=d.party, today=d.day(-50), now=d.at(-50, 10))
    d.meeting(matter, -35, "<p>会议逐条讨论了居民公约修订草案。</p>"
                           "<ol><li>与会人员认为新增条款总体可行；</li>"
                           "<li>部分楼栋长反映未收到征求意见稿，老年居民对电动车条款有不同意见；</li>"
                           "<li>决定退回提议阶段，补充征求意见后再议。</li></ol>",
              outcome=MeetingOutcome.send_back, opinions="征求意见不充分，需补充楼栋长意见。")
    matters.write_proposal(matter, actor=d.party, answers=[old["convention"]], body_html=(
        "<p>《枫林社区居民公约》修订草案（第二稿），已吸收楼栋长座谈会的意见：</p>"
        "<ol><li>文明养犬：出门拴绳，及时清理犬只粪便，不在公共区域遛放大型犬；</li>"
        "<li>禁止高空抛物、坠物，阳台外侧不堆放易坠落物品；</li>"
        "<li>电动自行车不进楼道、不入户充电；社区协调在各小区设置集中充电点，为行动不便的老年居民提供代充服务；</li>"
        "<li>按规定分类投放生活垃圾；</li>"
        "<li>新增：邻里纠纷先协商，协商不成可申请社区人民调解委员会调解。</li></ol>"), now=d.at(-66, 9))


def _parking(d: _Demo, old: dict[str, Suggestion]) -> None:
    """Parking lines on 枫林支路: a secret representatives' vote passed; the resolution was
    published three days ago and its notice period is running."""
    matter = suggestions.accept_suggestion(old["parking"], actor=d.committee, title="枫林支路停车位划线调整",
                                           procedure="yizheng_sanyi", secret_ballot=True, now=d.at(-66, 9))
    matters.advance(matter, actor=d.committee, today=d.day(-66), now=d.at(-66, 10))
    matters.write_proposal(matter, actor=d.party, answers=[old["parking"]], body_html=(
        "<p>提议对枫林支路（枫林一村北门至电机厂宿舍东门段，约320米）停车位重新划线：</p>"
        "<ol><li>道路东侧划设停车位42个，西侧全线施划黄色禁停线，保留4米消防通道；</li>"
        "<li>夜间停车优先满足两个小区居民，由社区发放停车证；</li>"
        "<li>划线费用由街道城管科承担。</li></ol>"
        "<p>因涉及部分居民切身利益，建议采用无记名投票。</p>"), now=d.at(-40, 9))
    matters.advance(matter, actor=d.party, today=d.day(-40), now=d.at(-40, 10))
    d.meeting(matter, -25, "<p>会议听取了交警中队和街道城管科意见，同意将划线方案提交居民代表会议，以无记名投票方式决议。</p>",
              attendees=JOINT + "、交警中队民警1人、街道城管科1人")
    a = assemblies.convene(matter, actor=d.committee, kind=AssemblyKind.representatives_meeting,
                           electorate=Electorate.representatives, place=HALL,
                           motion="是否同意枫林支路东侧划设停车位42个、西侧施划禁停线并保留消防通道的调整方案？",
                           starts_at=d.at(-10, 19), closes_at=d.at(-10, 21), now=d.at(-17, 10))
    assemblies.open_voting(a, actor=d.committee, now=d.at(-10, 19))
    electors = d.electors(a)
    attending = d.sample(d.representatives, 9)
    online, paper = attending[:7], [e for e in electors if e.user_id in {u.id for u in attending[7:]}]
    d.vote(a, online=online, paper=paper, choices=d.choices(7, 1, 1), start=d.at(-10, 19, 20), end=d.at(-10, 20, 20))
    assemblies.close_voting(a, actor=d.committee, now=d.at(-10, 20, 30))
    matters.advance(matter, actor=d.committee, today=d.day(-4), now=d.at(-4, 10))
    matters.publish(matter, actor=d.committee, kind=PublicationKind.resolution, today=d.day(-3),
                    title="枫林支路停车位划线调整决议公示",
                    body_html=f"<p>{_md(d.day(-10))}居民代表会议以无记名投票方式表决枫林支路停车位划线调整方案。"
                              f"应到代表{a.electorate_count}人，实到{a.attending}人；同意{a.votes_for}票，"
                              f"反对{a.votes_against}票，弃权{a.votes_abstain}票，决议通过。</p>"
                              "<p>投票凭证及对应选择已在议事厅公开，代表可自行核对。公示期内如有异议，请向社区居委会提出，"
                              "社区将逐条公开答复。</p>", now=d.at(-3, 10))


def _canteen(d: _Demo) -> None:
    """四议两公开: the vacant rooms become a canteen for older residents. The party members'
    meeting passed it; the representatives' meeting is convened for next week."""
    community = d.world.units["枫林社区"]
    matter = matters.start_matter(community, actor=d.party, title="社区闲置用房改建为老年食堂",
                                  summary="社区党群服务中心东侧原社区卫生站用房（约180平方米）闲置两年。拟改建为老年食堂，"
                                          "引入专业餐饮企业运营，为60岁以上老人提供助餐服务。",
                                  procedure="siyi_liangkai", now=d.at(-41, 9))
    matters.write_proposal(matter, actor=d.party, answers=[], body_html=(
        "<p>社区党委提议：将原社区卫生站闲置用房改建为“枫林长者食堂”。</p>"
        "<ol><li>改建费用约35万元，申请区民政局助餐点建设补助；</li>"
        "<li>公开招募餐饮企业运营，每餐一荤两素一汤，老人价12元；</li>"
        "<li>80岁以上及低保、特困老人另享补贴；</li>"
        "<li>为行动不便的老人提供送餐上门。</li></ol>"), now=d.at(-41, 9))
    matters.advance(matter, actor=d.party, today=d.day(-41), now=d.at(-41, 10))
    d.meeting(matter, -33, "<p>两委联席会议对提议进行了商议。</p>"
                           "<ol><li>同意改建方案，提请党员大会审议；</li>"
                           "<li>运营企业须具备餐饮许可和食品安全管理制度；</li>"
                           "<li>食堂价格须经居民代表会议确定。</li></ol>",
              attendees="社区两委成员7人")
    review = assemblies.convene(matter, actor=d.committee, kind=AssemblyKind.party_members_meeting,
                                electorate=Electorate.party_members, place=HALL,
                                motion="审议社区党委关于将闲置用房改建为老年食堂的提议，是否同意提交居民代表会议决议？",
                                starts_at=d.at(-20, 14, 30), closes_at=d.at(-20, 17), now=d.at(-27, 10))
    assemblies.open_voting(review, actor=d.committee, now=d.at(-20, 14, 30))
    electors = d.electors(review)
    attending = d.sample(d.party_members, 10)
    online = attending[:6]
    paper = [e for e in electors if e.user_id in {u.id for u in attending[6:]}]
    d.vote(review, online=online, paper=paper, choices=d.choices(9, 0, 1), start=d.at(-20, 15),
           end=d.at(-20, 16, 20))
    assemblies.close_voting(review, actor=d.committee, now=d.at(-20, 16, 30))
    matters.advance(matter, actor=d.committee, today=d.day(-19), now=d.at(-19, 10))
    assemblies.convene(matter, actor=d.committee, kind=AssemblyKind.representatives_meeting,
                       electorate=Electorate.representatives, place=HALL,
                       motion="是否同意将社区闲置用房改建为老年食堂，并按提议的运营方式和助餐价格实施？",
                       starts_at=d.at(4, 19), closes_at=d.at(4, 21), now=d.at(-2, 10))


def _fund(d: _Demo) -> None:
    """四议两公开 at the review: the party members' meeting on next year's service fund."""
    community = d.world.units["枫林社区"]
    matter = matters.start_matter(community, actor=d.party, title=f"{d.today.year + 1}年度社区服务群众专项经费使用方案",
                                  summary=f"{d.today.year + 1}年度社区服务群众专项经费预计20万元，拟用于为老服务、青少年托管、"
                                          "小区微更新和志愿服务激励。",
                                  procedure="siyi_liangkai", now=d.at(-11, 9))
    matters.write_proposal(matter, actor=d.party, answers=[], body_html=(
        f"<p>{d.today.year + 1}年度社区服务群众专项经费（20万元）使用方案：</p>"
        "<table><thead><tr><th>项目</th><th>金额（万元）</th></tr></thead><tbody>"
        "<tr><td>为老服务（助餐补贴、上门探访）</td><td>7</td></tr>"
        "<tr><td>“四点半课堂”暑期托管</td><td>3</td></tr>"
        "<tr><td>小区微更新（座椅、晾衣架、花坛）</td><td>6</td></tr>"
        "<tr><td>志愿服务积分兑换</td><td>2</td></tr>"
        "<tr><td>预留</td><td>2</td></tr></tbody></table>"), now=d.at(-11, 9))
    matters.advance(matter, actor=d.party, today=d.day(-11), now=d.at(-11, 10))
    d.meeting(matter, -6, "<p>会议对经费使用方案进行了商议，同意提请党员大会审议，并建议将“小区微更新”项目"
                          "从本季度金点子中选取。</p>", attendees="社区两委成员7人")
    assemblies.convene(matter, actor=d.committee, kind=AssemblyKind.party_members_meeting,
                       electorate=Electorate.party_members, place=HALL,
                       motion=f"审议{d.today.year + 1}年度社区服务群众专项经费使用方案，是否同意提交居民代表会议决议？",
                       starts_at=d.at(3, 14, 30), closes_at=d.at(3, 17), now=d.at(-1, 16))


def _chargers(d: _Demo, old: dict[str, Suggestion]) -> None:
    """枫林新苑 chargers: an owners' vote (major: it puts common parts to commercial use),
    open for twelve days and closing in five, with about half of the flats voted."""
    compound = d.world.units["枫林新苑"]
    matter = matters.start_matter(compound, actor=d.committee, title="枫林新苑电动自行车及新能源汽车充电设施建设",
                                  summary="在枫林新苑建设电动自行车集中充电棚2处、地面新能源汽车充电桩12个，由有资质的企业"
                                          "投资建设和运营。利用共有部分从事经营活动，须经业主共同决定（重大事项）。",
                                  procedure="owners", major=True, now=d.at(-66, 9))
    for key in ("bike", "ev"):
        suggestions.accept_suggestion(old[key], actor=d.committee, matter=matter, now=d.at(-66, 9))
    matters.advance(matter, actor=d.committee, today=d.day(-66), now=d.at(-66, 10))
    matters.write_proposal(matter, actor=d.party, answers=[old["bike"], old["ev"]], body_html=(
        "<p>枫林新苑充电设施建设方案：</p>"
        "<ol><li>在1幢、3幢北侧绿化带边建设电动自行车充电棚2处，共80个充电口，扫码计费，每度电0.8元；</li>"
        "<li>在地面停车场西侧划设新能源汽车充电车位12个，安装7千瓦交流充电桩；</li>"
        "<li>由运营企业投资建设并负责消防设施和日常维护，场地使用费归全体业主共有，纳入公共收益；</li>"
        "<li>充电棚配备烟感报警和自动喷淋，接入小区消防控制室。</li></ol>"), now=d.at(-55, 9))
    matters.advance(matter, actor=d.party, today=d.day(-55), now=d.at(-55, 10))
    d.meeting(matter, -40, "<p>会议听取了供电公司关于小区配电容量的评估意见和消防部门意见。</p>"
                           "<ol><li>同意将方案提交枫林新苑全体业主表决；</li>"
                           "<li>表决期十二天，业主可在议事厅线上表决，也可向楼栋长领取书面表决票；</li>"
                           "<li>属利用共有部分从事经营活动，按重大事项的四分之三规则计票。</li></ol>",
              attendees=JOINT + "、枫林新苑业主代表3人、物业公司代表1人、供电公司客户经理1人")
    a = assemblies.convene(matter, actor=d.committee, kind=AssemblyKind.owners_vote, electorate=Electorate.owners,
                           motion="是否同意由有资质的企业在枫林新苑投资建设电动自行车充电棚2处和新能源汽车充电桩12个，"
                                  "场地使用费纳入业主共有收益？",
                           place="线上表决及书面表决", starts_at=d.at(-7, 9), closes_at=d.at(5, 18), now=d.at(-12, 10))
    assemblies.open_voting(a, actor=d.committee, now=d.at(-7, 9))
    owners = d.one_per_household(d.living_in("枫林新苑", owners=True))
    seats = {e.household_id: e for e in d.electors(a)}
    online = [p.user for p in d.sample(list(owners.values()), 26)]
    staff = {u.resident.household_id for u in d.world.people.values() if u.resident is not None}
    paper = d.sample([e for hh, e in seats.items() if hh not in owners and hh not in staff], 5)
    n = len(online) + len(paper)
    d.vote(a, online=online, paper=paper, choices=d.choices(n - 5, 3, 2), start=d.at(-7, 9),
           end=d.now - timedelta(hours=1))


def _stairwells(d: _Demo, old: dict[str, Suggestion]) -> None:
    """枫林一村 stairwells: an online residents' meeting of all adults of the compound, open
    now. The demo resident 王秀英 lives here and has not voted yet."""
    compound = d.world.units["枫林一村"]
    matter = matters.start_matter(compound, actor=d.committee, title="枫林一村楼道墙面粉刷及小广告清理",
                                  summary="枫林一村无物业管理，楼道墙面污损、小广告多。拟统一粉刷18个楼道墙面，"
                                          "清理小广告并在每个单元门口设置公示栏。", now=d.at(-66, 9))
    suggestions.accept_suggestion(old["stairs"], actor=d.committee, matter=matter, now=d.at(-66, 9))
    matters.advance(matter, actor=d.committee, today=d.day(-66), now=d.at(-66, 10))
    matters.write_proposal(matter, actor=d.party, answers=[old["stairs"]], body_html=(
        "<p>提议：</p><ol><li>由社区组织，对枫林一村1至3幢楼道墙面铲除旧涂层后刷防霉乳胶漆；</li>"
        "<li>清理小广告，每个单元门口设置便民公示栏，小广告统一张贴在公示栏内；</li>"
        "<li>费用约2.3万元，从社区公益金列支；</li>"
        "<li>组织党员志愿者每月巡查一次。</li></ol>"), now=d.at(-30, 9))
    matters.advance(matter, actor=d.party, today=d.day(-30), now=d.at(-30, 10))
    d.meeting(matter, -16, "<p>会议同意将方案提交枫林一村居民会议表决，采用线上表决方式，表决期六天；"
                           "不会使用手机的老人由网格员上门协助。</p>", attendees=JOINT + "、枫林一村楼栋长3人")
    a = assemblies.convene(matter, actor=d.committee, kind=AssemblyKind.residents_meeting,
                           electorate=Electorate.adult_residents, place="议事厅线上表决",
                           motion="是否同意由社区统一组织粉刷枫林一村1至3幢楼道墙面，清理小广告并设置便民公示栏？",
                           starts_at=d.at(-2, 8), closes_at=d.at(3, 20), now=d.at(-9, 10))
    assemblies.open_voting(a, actor=d.committee, now=d.at(-2, 8))
    voters = [p.user for p in d.sample(d.living_in("枫林一村"), 13)]
    d.vote(a, online=voters, paper=[], choices=d.choices(11, 1, 1), start=d.at(-2, 8), end=d.now - timedelta(hours=2))


def _ageing(d: _Demo, current: dict[str, Suggestion]) -> None:
    """A matter still collecting: two suggestions of the open window merged into one."""
    matter = suggestions.accept_suggestion(current["rails"], actor=d.committee,
                                           title="老旧楼栋适老化改造（楼道扶手、单元门坡道）", procedure="yizheng_sanyi",
                                           now=d.at(-8, 10))
    suggestions.accept_suggestion(current["ramp"], actor=d.committee, matter=matter, now=d.at(-8, 11))
