"""Demo micro-wishes (微心愿) and community partners (社区合伙人): a supermarket, a barber and a
hospital volunteer team verified by the committees with their offers (资源清单), a housekeeping
service waiting for verification, thirty wishes in every state over the last two months, and
care tags (七色暖心签) on nine households of 枫林社区.

Everything goes through ``portal.services.wishes`` with past ``now=`` / ``today=``, laid out in
days before today like the deliberation demo. Among the wishes: drafts, some waiting for review
(several from tagged households, so the review queue shows priorities), declined with a
reason, withdrawn, open, claimed (two due in a day or two, one already past its deadline so that
``flask wishes expire`` has something to do), delivered, confirmed with thanks, one whose
problem was reported and put right, one released by a partner, and one whose first claim
lapsed (the barber's record shows it). Grid worker 陈海燕 posts several wishes for elderly
residents of 枫林一村 (代办). The demo resident 王秀英 has one open wish of her own.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.demo.cast import _Demo
from portal.demo.places import DemoWorld
from portal.domain.permissions import Role
from portal.domain.residents import age_on
from portal.domain.wishes import CareTag, Category, PartnerKind
from portal.extensions import db
from portal.models import Household, Partner, Resident, User, Wish
from portal.services import wishes
from portal.services.accounts import register_user
from portal.services.units import grant_role

FL, GH = "枫林社区", "桂花苑社区"

# key: (login or None for an existing demo account, name, kind, contact, phone, summary, communities,
#       deciding committee or None to leave it waiting, offers [(community, title, description)])
PARTNERS = {
    "hl": (None, "华联超市望江店", PartnerKind.business, "刘建新", "0571-86012345",
           "粮油米面、日用百货；店内维修部可上门维修小家电、更换水龙头和灯具。", (FL, GH), "committee_fl", [
               (FL, "低保、残疾人家庭生活用品九折",
                "凭社区开具的证明，在店内购买米面油、洗护用品等生活用品享受九折优惠。"),
               (FL, "每月20小时家电维修",
                ("店内维修部每月拿出20小时，为社区困难老人免费上门维修小家电、更换水龙头和灯泡，只收配件成本价。"
                 "请通过网格员预约。")),
               (GH, "生活用品九折",
                "凭社区开具的证明，低保、残疾人家庭在店内购买生活用品享受九折优惠。"),
           ]),
    "barber": ("13800000010", "老街坊理发店", PartnerKind.business, "何春生", "0571-86023456",
               "枫林路32号，开了二十多年的老店。为辖区老人免费理发，行动不便的可以上门。", (FL,), "committee_fl", [
                   (FL, "每周三上午为70岁以上老人免费理发",
                    "每周三上午8:00—11:30，70岁以上老人凭身份证到店免费理发（洗、剪、吹）。"),
                   (FL, "行动不便老人上门理发",
                    "卧床或行动不便的老人，可由家属或网格员预约，每周三下午上门理发，不收费。"),
               ]),
    "hospital": ("13800000011", "市第三人民医院志愿服务队", PartnerKind.public_unit, "林慧敏（护理部）",
                 "0571-87654000", "医护人员志愿服务：社区义诊、上门测血压血糖、健康讲座、陪同就医。", (FL, GH),
                 "committee_gh", [
                     (FL, "每周二社区义诊、上门测血压",
                      ("每周二上午9:00—11:00在枫林社区党群服务中心一楼义诊，内科、眼科轮流坐诊；"
                       "行动不便的老人可预约上门测血压、血糖。")),
                     (GH, "每周二社区义诊、上门测血压",
                      "每周二下午14:00—16:00在桂花苑社区服务站义诊；行动不便的老人可预约上门测血压、血糖。"),
                     (FL, "独居高龄老人陪同就医",
                      "独居、高龄老人到市三院就诊，可提前两天预约志愿者陪同挂号、缴费、取药。"),
                 ]),
    "housekeeping": ("13800000012", "望江家政服务社", PartnerKind.social_org, "周凤英", "0571-86034567",
                     "家政服务社，可为困难老人提供每月一次免费上门保洁、擦窗，节前大扫除。", (FL, GH), None, []),
}

# Care tags on households without a wish: (compound, ages, tags, note).
OTHER_TAGS = [
    ("枫林新苑", (62, 90), {CareTag.veteran}, "1979年入伍，参加过边境作战，享受优抚待遇。"),
]


@dataclass
class W:
    """One demo wish and what happens to it. ``who``: (youngest, oldest, living alone) of the
    beneficiary, or "resident" for 王秀英. Steps are (move, day offset, ...) in order."""

    place: str
    who: tuple | str
    title: str
    category: Category
    value: str
    text: str
    posted: int
    wanted: int
    steps: tuple = ()
    by_grid: bool = False
    draft: bool = False
    tags: frozenset = frozenset()
    tag_note: str = ""


ELDER, ELDER_ALONE, PARENT, ADULT = (65, 95, False), (68, 95, True), (28, 48, False), (30, 75, False)

WISHES = [
    # -- confirmed ---------------------------------------------------------------------------
    W("电机厂宿舍", PARENT, "给孩子买一件冬天穿的棉衣", Category.clothing, "159.00",
      "孩子上五年级，去年的棉衣袖子短了一截，今年冬天还没有厚衣服。家里就我一个人打零工，想请爱心人士帮忙买一件棉衣，"
      "孩子身高145厘米，穿150码。", -56, -30,
      (("approve", -55), ("claim", "hl", -52),
       ("deliver", -48, "按150码准备了两件让孩子试穿，留下了合身的藏青色棉衣，另送了一副手套。"),
       ("confirm", -47, "谢谢华联超市的叔叔阿姨，棉衣很暖和！")),
      tags=frozenset({CareTag.low_income}), tag_note="单亲家庭，享受城市低保，每年复核。"),
    W("枫林一村", ELDER_ALONE, "助听器电池（A13型）一年用量", Category.health, "68.00",
      "老人{age}岁，一个人住，戴助听器多年，用的是A13型电池，一板6粒用不了一个月，附近药店买不到，子女在外地。"
      "网格员走访时了解到，代为提出心愿。", -53, -35,
      (("approve", -52), ("claim", "hospital", -50),
       ("deliver", -45, "志愿者买了10板A13电池送到家中，并帮老人清理了助听器耳塞、调好了音量。"),
       ("confirm", -44, "老人说现在看电视、打电话都听得清了，让我一定转达对医院志愿者的谢意。")),
      by_grid=True, tags=frozenset({CareTag.living_alone, CareTag.disability}),
      tag_note="独居，听力残疾二级，子女在外地，网格员每周电话问候一次。"),
    W("电机厂宿舍", PARENT, "台灯一盏（孩子写作业用）", Category.study, "129.00",
      "家里只有屋顶一盏吸顶灯，孩子晚上在折叠桌上写作业，光线暗，眼睛离本子越来越近。想要一盏护眼台灯，能调亮度就行。",
      -54, -25,
      (("approve", -53), ("claim", "barber", -51), ("lapse",), ("claim", "hl", -35),
       ("deliver", -33, "送去一盏LED护眼台灯（三档调光），店员帮着装在书桌边，教孩子怎么调亮度。"),
       ("confirm", -32, "台灯很亮，孩子说写作业眼睛不累了。谢谢大家！"))),
    W("枫林一村", ELDER, "更换卫生间漏水的水龙头", Category.repair, "85.00",
      "卫生间洗手池的水龙头关不严，一直滴水，下面的三角阀也锈了，水费一个月多了二十多块。老人{age}岁，腿脚不便，"
      "不会修也不知道找谁修。", -36, -20,
      (("approve", -35), ("claim", "hl", -34),
       ("deliver", -31, "维修部师傅上门更换了新水龙头。"),
       ("problem", -30, "换了新龙头以后，下面接口处还是往下渗水，地上一直是湿的，老人怕滑倒。"),
       ("deliver", -28, "师傅第二次上门，发现是三角阀老化，一并更换了三角阀和进水软管，缠好生料带，试水半小时无渗漏。"),
       ("confirm", -27, "这次彻底不漏了，师傅跑了两趟，一分钱没收，老人连声道谢。")),
      by_grid=True),
    W("枫林一村", ELDER_ALONE, "理一次发（行动不便，希望上门）", Category.other, "30.00",
      "老人{age}岁，去年摔了一跤后很少下楼，头发已经两个多月没理了。希望有理发师傅能上门理一次发。", -25, -14,
      (("approve", -24), ("claim", "barber", -23),
       ("deliver", -20, "周三上午关店后上门理发，顺便帮老人修了修胡子、剪了指甲。"),
       ("confirm", -19, "老人照了半天镜子，说好久没这么精神了。谢谢老街坊理发店的何师傅！")),
      by_grid=True, tags=frozenset({CareTag.living_alone}), tag_note="独居，行动不便，很少下楼。"),
    W("丹桂里", ELDER, "米面油一份", Category.daily, "120.00",
      "老伴住院两个月，家里开销大，想请爱心单位帮忙送一份米面油（大米10斤、面粉5斤、食用油一桶）。", -44, -30,
      (("approve", -43), ("claim", "hl", -41),
       ("deliver", -39, "送去大米10斤、面粉5斤、花生油5升，店员帮着搬进厨房。"),
       ("confirm", -38, "东西送到家门口，还帮着搬进了厨房，谢谢华联超市！"))),
    # -- delivered, waiting for confirmation --------------------------------------------------
    W("电机厂宿舍", ELDER, "一副老花镜", Category.health, "45.00",
      "原来的老花镜腿断了，用胶布缠着戴，看报纸、看药盒上的小字很吃力。想配一副老花镜，大概250度。", -12, 10,
      (("approve", -11), ("claim", "hospital", -9),
       ("deliver", -2, "志愿者陪同老人到医院眼科免费验光，双眼均为+2.50，配好老花镜送到家中。"))),
    W("枫林一村", ELDER, "轮椅坐垫（防褥疮）", Category.health, "89.50",
      "老人中风后一直坐轮椅，每天要坐六七个小时，原来的海绵坐垫已经压塌，尾骨处发红。想要一个防褥疮的气垫坐垫。",
      -22, 5,
      (("approve", -21), ("claim", "hl", -20),
       ("release", -18, "店里没有医用防褥疮坐垫，已联系市三院志愿服务队，请他们认领。"),
       ("claim", "hospital", -17),
       ("deliver", -3, "送去防褥疮充气坐垫一个，志愿者现场演示了充气和清洁方法，提醒家属每两小时帮老人挪动一次身体。")),
      by_grid=True, tags=frozenset({CareTag.disability}), tag_note="中风后肢体残疾，持残疾人证（肢体二级）。"),
    W("枫林新苑", PARENT, "一套初中数学辅导书", Category.study, "96.80",
      "孩子今年上初二，数学成绩跟不上，想要一套和人教版教材同步的讲解书和练习册（八年级上下册）。", -10, 20,
      (("approve", -9), ("claim", "hl", -6),
       ("deliver", -1, "在书店订购了八年级数学同步讲解和练习册各两本，今天送到家，附上了购书小票。"))),
    # -- claimed -------------------------------------------------------------------------------
    W("电机厂宿舍", ELDER_ALONE, "陪同去医院复查", Category.companionship, "50.00",
      "上个月做了白内障手术，医生让这个月底去复查。子女在外地，自己一个人不敢去医院，挂号、排队、缴费都不会在手机上弄。"
      "希望有人陪同去一趟，往返打车费约50元。", -16, 3,
      (("approve", -15), ("claim", "hospital", -13)),  # due tomorrow
      tags=frozenset({CareTag.living_alone}), tag_note="独居，子女在外地，白内障术后。"),
    W("枫林一村", (58, 92, False), "电饭煲一个（旧的坏了）", Category.daily, "199.00",
      "家里的电饭煲用了十几年，内胆涂层掉了，最近插上电也不加热，现在每天用锅在煤气灶上煮饭，老人常常忘了关火。"
      "希望换一个简单好用的电饭煲，按键越少越好。", -14, 7,
      (("approve", -13), ("claim", "hl", -12)),  # due the day after tomorrow
      by_grid=True),
    W("电机厂宿舍", ELDER, "冬天盖的厚棉被一床", Category.clothing, "168.00",
      "家里的被子盖了二十多年，已经板结不暖和了。电机厂宿舍的房子没有保温，冬天屋里很冷，想要一床厚实的棉被（1.5米床）。",
      -18, 2,
      (("approve", -17), ("claim", "hl", -15))),  # its claim ran out yesterday: lapses when read
    W("桂花苑", ELDER, "上门测血压并讲解用药", Category.health, "30.00",
      "高血压吃了三种药，最近早上起来头晕，分不清哪种药饭前吃、哪种饭后吃。希望有医生或护士上门帮忙测一测血压，"
      "讲讲怎么吃药。", -6, 14,
      (("approve", -5), ("claim", "hospital", -4))),
    W("枫林新苑", (45, 65, False), "给卧床的父亲上门理发", Category.other, "35.00",
      "父亲卧床一年多，去理发店不方便。想请理发师傅上门帮他理个发，我们在家配合。", -4, 10,
      (("approve", -3), ("claim", "barber", -2))),
    # -- open ----------------------------------------------------------------------------------
    W("枫林一村", "resident", "一台收音机（听越剧用）", Category.daily, "79.90",
      "家里的老收音机坏了，平时最爱听越剧和天气预报。想要一台能插卡、字大按键大的收音机。", -7, 25,
      (("approve", -6),)),
    W("枫林一村", ELDER, "浴室防滑垫和洗澡凳", Category.daily, "138.00",
      "卫生间是瓷砖地，洗澡时容易滑倒，老人{age}岁了，上个月在浴室差点摔倒。想要一块防滑垫和一张带扶手的洗澡凳。",
      -9, 20, (("approve", -8),), by_grid=True),
    W("电机厂宿舍", (55, 90, False), "家门口装一个感应夜灯", Category.repair, "39.90",
      "楼道的灯时好时坏，晚上回家开门要摸黑找钥匙孔。想在家门口装一个人体感应的充电小夜灯。", -8, 20,
      (("approve", -7),)),
    W("枫林新苑", PARENT, "英语点读笔（孩子学英语用）", Category.study, "229.00",
      "孩子上三年级，刚开始学英语，家里大人都不会英语发音，辅导不了。想要一支能配人教版课本用的点读笔。", -11, 30,
      (("approve", -10),)),
    W("桂花苑", ELDER, "保温饭盒一个（去助餐点打饭用）", Category.daily, "59.00",
      "每天中午去社区助餐点打饭带回家吃，走回来饭菜都凉了。想要一个三层的不锈钢保温饭盒。", -5, 15,
      (("approve", -4),)),
    W("电机厂宿舍", ELDER, "一双加绒的老人棉鞋", Category.clothing, "89.00",
      "脚上的棉鞋穿了好几个冬天，鞋底磨平了，下雨天走路打滑。想要一双防滑、加绒、魔术贴的老人棉鞋，41码。", -3, 20,
      (("approve", -2),)),
    # -- submitted, waiting for the committee --------------------------------------------------
    W("枫林一村", ELDER_ALONE, "电子血压计一台", Category.health, "169.00",
      "老人{age}岁，独自居住，有高血压，医生让每天早晚各量一次血压，但家里没有血压计，每次都要走到社区卫生服务站去量。"
      "希望有一台上臂式电子血压计，屏幕字要大。", -2, 21,
      by_grid=True, tags=frozenset({CareTag.living_alone, CareTag.low_income}),
      tag_note="独居，高血压，享受低保。"),
    W("电机厂宿舍", PARENT, "孩子的冬季校服外套", Category.clothing, "180.00",
      "孩子上初一，学校统一订冬季校服外套，180元一件。我去年下岗，现在还在找工作，家里手头紧，希望有爱心人士帮忙。",
      -1, 14, tags=frozenset({CareTag.low_income, CareTag.reemployment}),
      tag_note="去年下岗，登记为就业困难人员，已推荐参加街道职业技能培训。"),
    W("枫林新苑", (45, 80, False), "更换漏风的窗户密封条", Category.repair, "60.00",
      "我是肢体残疾人，坐轮椅，卧室的窗户密封条老化开裂，一刮风就往里灌风，冬天屋里很冷。自己够不着也干不了，"
      "想请人帮忙换一下密封条。", -3, 15,
      tags=frozenset({CareTag.disability}), tag_note="肢体残疾，使用轮椅。"),
    W("丹桂里", ELDER, "带凳子的四脚拐杖", Category.health, "75.00",
      "腿脚越来越不利索，去菜场走一段就要歇一歇。想要一根带折叠凳子的四脚拐杖，走累了可以坐一下。", -1, 14),
    # -- declined ------------------------------------------------------------------------------
    W("电机厂宿舍", (35, 60, False), "补交拖欠的水电费和取暖费", Category.other, "486.00",
      "家里人生病住院，这几个月的水电费一直没交，已经收到催缴通知。想请人帮忙交一下，一共486元。", -30, -20,
      (("decline", -28, ("超出微心愿范围，已转介民政救助：网格员已上门登记，协助申请临时救助；"
                         "社区已与供电所沟通，救助到位前暂缓停电。")),)),
    W("枫林新苑", (60, 80, False), "一部新款智能手机", Category.other, "499.00",
      "原来的手机屏幕太小，字看不清，想换一部新款的大屏智能手机。", -20, -5,
      (("decline", -19, ("微心愿优先帮助困难群众的基本生活需要，购买新款手机不在帮扶范围内。"
                         "如想学习用手机挂号、视频通话，欢迎报名社区每周四下午的“银龄数字课堂”。")),)),
    # -- withdrawn -----------------------------------------------------------------------------
    W("枫林一村", (40, 72, False), "修一辆自行车（刹车失灵）", Category.repair, "40.00",
      "每天骑车去菜场买菜，最近后刹车失灵，链条也老掉，想请人帮忙修一修。", -27, -15,
      (("withdraw", -26),)),  # the son came home and mended it
    W("枫林新苑", (60, 85, False), "陪同去医保中心办理异地就医备案", Category.transport, "20.00",
      "想去儿子那边过冬，要先办异地就医备案，不知道要带什么材料，一个人去怕办不好。希望有人陪同去一趟医保中心。",
      -24, -10, (("approve", -23), ("withdraw", -21))),  # done it online with the son's help
    # -- drafts --------------------------------------------------------------------------------
    W("枫林一村", ELDER, "助行器一个（带轮子）", Category.health, "230.00",
      "老人{age}岁，走路不稳，医生建议用带轮子的助行器。尺寸和款式还要和家属确认，确认后再提交。", -1, 20,
      by_grid=True, draft=True),
    W("电机厂宿舍", (62, 88, False), "热水袋两个", Category.daily, "45.00",
      "屋里冷，晚上睡觉脚一直是凉的。想要两个灌热水的热水袋（不用充电，怕不安全）。", -2, 30, draft=True),
]


class _Wishes:
    def __init__(self, world: DemoWorld):
        self.d = d = _Demo(world)
        self.world = world
        self.grid = world.people["grid_fl1"]
        self.committees = {FL: world.people["committee_fl"], GH: world.people["committee_gh"]}
        self.residents = {r.user_id: r for r in db.session.scalars(select(Resident))}
        self.sizes = Counter(r.household_id for r in self.residents.values())
        self.used: set[int] = {self.residents[u.id].household_id for u in world.people.values()
                               if u.id in self.residents}
        self.partners: dict[str, Partner] = {}
        self.today = d.today

    # -- time ------------------------------------------------------------------------------
    def moment(self, offset: int, after: datetime | None) -> datetime:
        """A time of day ``offset`` days from today, later than ``after``, never after now."""
        d = self.d
        when = d.at(offset, d.rng.randint(8, 19), d.rng.randint(0, 59))
        if after is not None and when <= after:
            when = after + timedelta(minutes=d.rng.randint(20, 90))
        return min(when, d.now - timedelta(minutes=1))

    # -- people ----------------------------------------------------------------------------
    def community(self, place: str) -> str:
        path = self.world.units[place].path
        return next(c for c in (FL, GH) if path.startswith(self.world.units[c].path))

    def pick(self, place: str, young: int, old: int, alone: bool) -> Resident:
        """A verified resident of ``place`` aged ``young``..``old`` (living alone if asked) from
        a household with no wish yet; the criteria are relaxed if nobody fits."""
        people = [self.residents[p.user.id] for p in self.d.living_in(place)]
        fits = [
            lambda r: young <= age_on(r.birth_date, self.today) <= old and (not alone or self.sizes[r.household_id] == 1),
            lambda r: young <= age_on(r.birth_date, self.today) <= old,
            lambda r: age_on(r.birth_date, self.today) >= min(young, 30),
        ]
        for fit in fits:
            pool = [r for r in people if r.household_id not in self.used and fit(r)]
            if pool:
                chosen = self.d.rng.choice(pool)
                self.used.add(chosen.household_id)
                return chosen
        raise AssertionError(f"nobody left to pick in {place}")

    def tagger(self, household: Household) -> User:
        """The grid worker in her own grid (枫林一村), the committee elsewhere in 枫林社区."""
        return self.grid if self.world.units["枫林一村"].contains(household.building) else self.committees[FL]

    # -- partners ----------------------------------------------------------------------------
    def load_partners(self) -> None:
        admin, hl = self.world.people["admin"], self.world.people["partner_hl"]
        for key, (login, name, kind, contact, phone, summary, communities, decider, offers) in PARTNERS.items():
            if login is None:
                user = hl
            else:
                user = register_user(login=login, display_name=name, password="", password_hash=hl.password_hash)
                self.world.people[f"partner_{key}"] = user
            partner = wishes.register_partner(user, name=name, kind=kind, contact_name=contact, contact_phone=phone,
                                              offers_summary=summary, units=[self.world.units[c] for c in communities],
                                              now=self.d.at(-70, 10))
            self.partners[key] = partner
            if decider is None:
                continue  # waiting for the committee
            wishes.decide_partner(partner, actor=self.world.people[decider], verify=True, now=self.d.at(-68, 15))
            if login is not None:
                scope = self.world.units[communities[0] if len(communities) == 1 else "望江街道"]
                grant_role(actor=admin, user=user, role=Role.partner, unit=scope)
            for community, title, description in offers:
                wishes.add_offer(partner, actor=user, unit=self.world.units[community], title=title,
                                 description=description, now=self.d.at(-67, 9))

    # -- wishes ------------------------------------------------------------------------------
    def load_wish(self, spec: W) -> Wish:
        if spec.who == "resident":
            beneficiary = self.residents[self.world.people["resident"].id]
        else:
            beneficiary = self.pick(spec.place, *spec.who)
        community = self.community(spec.place)
        committee = self.committees[community]
        holder = self.grid if spec.by_grid else beneficiary.user
        when = self.moment(spec.posted, None)
        text = spec.text.format(age=age_on(beneficiary.birth_date, self.d.day(spec.posted)))
        wish = wishes.post_wish(holder, beneficiary=beneficiary, title=spec.title, description=text,
                                category=spec.category, value=spec.value, wanted_by=self.d.day(spec.wanted),
                                today=self.d.day(spec.posted), submit=not spec.draft, now=when)
        for move, *args in spec.steps:
            if move == "lapse":
                when = wish.claim_deadline + timedelta(minutes=self.d.rng.randint(5, 50))
                assert wishes.expire_claims(now=when) == 1, "only this claim has run out by then"
                continue
            if move == "claim":
                key, offset = args
                when = self.moment(offset, when)
                wishes.claim_wish(wish, actor=self.partners[key].user, now=when)
                continue
            offset, *rest = args
            when = self.moment(offset, when)
            note = rest[0] if rest else ""
            if move == "approve":
                wishes.approve_wish(wish, actor=committee, now=when)
            elif move == "decline":
                wishes.decline_wish(wish, actor=committee, reason=note, now=when)
            elif move == "withdraw":
                wishes.withdraw_wish(wish, actor=holder, now=when)
            elif move == "release":
                wishes.release_wish(wish, actor=wish.partner.user, reason=note, now=when)
            elif move == "deliver":
                wishes.deliver_wish(wish, actor=wish.partner.user, note=note, now=when)
            elif move == "problem":
                wishes.report_problem(wish, actor=holder, note=note, now=when)
            elif move == "confirm":
                wishes.confirm_wish(wish, actor=holder, thanks=note, now=when)
            else:
                raise ValueError(move)
        if spec.tags:
            household = beneficiary.household
            wishes.set_care_tags(household, actor=self.tagger(household), tags=set(spec.tags), note=spec.tag_note,
                                 now=self.d.at(-75, 11))
        return wish

    def load_other_tags(self) -> None:
        for place, (young, old), tags, note in OTHER_TAGS:
            household = self.pick(place, young, old, False).household
            wishes.set_care_tags(household, actor=self.tagger(household), tags=set(tags), note=note,
                                 now=self.d.at(-75, 11))


def load(world: DemoWorld) -> None:
    w = _Wishes(world)
    w.load_partners()
    for spec in WISHES:
        w.load_wish(spec)
    w.load_other_tags()
