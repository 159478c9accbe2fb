"""Every route × every role: who gets the page, who is sent to sign in, who is refused.

A new route must be added to ROUTES (test_every_route_is_in_the_matrix fails otherwise), so
nobody can ship a page without deciding who may open it."""
from functools import cached_property

import pytest

from portal.extensions import db
from portal.models import RoleGrant
from tests import factories
from tests.factories import PASSWORD

ROLES = ["anonymous", "newcomer", "resident", "representative", "party_org", "committee",
         "other_committee", "grid_worker", "partner", "admin"]
SIGNED_IN = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)


def _grant_id(w):
    return next(g.id for g in w.partner.grants)


class Deliberation:
    """Deliberation objects for the matrix, each built through the services on first use."""

    def __init__(self, world):
        self.w = world

    @cached_property
    def window(self):
        window = factories.open_window(self.w)
        db.session.commit()
        return window

    @cached_property
    def idea(self):
        idea = factories.make_suggestion(self.w, self.window)
        db.session.commit()
        return idea

    def matter(self, stage, **kwargs):
        return factories.make_matter(self.w, stage, **kwargs)

    @cached_property
    def voting(self):
        from portal.models import Assembly
        matter = self.matter("resolve", voting="voting")
        return db.session.query(Assembly).filter_by(matter_id=matter.id).one()

    @cached_property
    def convened(self):
        from portal.models import Assembly
        matter = self.matter("resolve", voting="convened")
        return db.session.query(Assembly).filter_by(matter_id=matter.id).one()

    @cached_property
    def notice(self):
        """A committee notice on the community's 居务公开 board, open for objections."""
        from portal.domain.disclosure import BoardKind
        from portal.services.disclosure import publish_entry
        entry = publish_entry(self.w.community, BoardKind.affairs, actor=self.w.committee, title="停水通知",
                              body_html="<p>周三停水</p>", category="notice", notice_days=7)
        db.session.commit()
        return entry

    @cached_property
    def attachment(self):
        from portal.domain.disclosure import BoardKind
        from portal.services.disclosure import Upload, latest, publish_entry
        entry = publish_entry(self.w.community, BoardKind.finance, actor=self.w.committee, title="收支公开",
                              body_html="<p>见附件</p>", category="finance",
                              uploads=[Upload("凭证.pdf", b"%PDF-1.4\n%%EOF\n")])
        db.session.commit()
        return latest(entry).attachments[0]

    @cached_property
    def objection(self):
        from portal.services.disclosure import file_objection
        from portal.clock import local_date
        objection = file_objection(self.notice, actor=self.w.resident, body="时间不合适", today=local_date())
        db.session.commit()
        return objection

    @cached_property
    def shop(self):
        """A verified partner serving the community: its own account (the world's partner role
        holder has no profile), so the matrix's "partner" stays an unverified organisation."""
        from portal.domain.wishes import PartnerKind
        from portal.services.wishes import decide_partner, register_partner
        shop = register_partner(factories.make_user("华联超市"), name="华联超市", kind=PartnerKind.business,
                                contact_name="李经理", contact_phone="13911112222", offers_summary="生活用品",
                                units=[self.w.community])
        decide_partner(shop, actor=self.w.committee, verify=True)
        db.session.commit()
        return shop

    @cached_property
    def pending_partner(self):
        from portal.domain.wishes import PartnerKind
        from portal.services.wishes import register_partner
        shop = register_partner(factories.make_user("家政社"), name="望江家政", kind=PartnerKind.business,
                                contact_name="赵经理", contact_phone="13911113333", offers_summary="保洁",
                                units=[self.w.community])
        db.session.commit()
        return shop

    def wish(self, stage="open", photo=False):
        """A wish of the resident, taken to ``stage`` (submitted or open)."""
        from datetime import timedelta

        from portal.domain.wishes import Category
        from portal.services.files import Upload
        from portal.services.wishes import approve_wish, post_wish
        PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
        wish = post_wish(self.w.resident, beneficiary=self.w.resident.resident, title="棉衣", description="冬天的棉衣",
                         category=Category.clothing, value="150", wanted_by=factories.TODAY + timedelta(days=20),
                         today=factories.TODAY, photo=Upload("棉衣.png", PNG) if photo else None)
        if stage == "open":
            approve_wish(wish, actor=self.w.committee)
        db.session.commit()
        return wish

    @cached_property
    def elector(self):
        from portal.services.assemblies import seat_of
        return seat_of(self.voting, self.w.resident)


def _d(w):
    if not hasattr(w, "d"):
        w.d = Deliberation(w)
    return w.d


VOTERS = {"resident", "representative"}  # the verified adult residents of the world's community


# (endpoint, method, url(world), form data, roles allowed)
ROUTES = [
    ("main.index", "GET", lambda w: "/", None, EVERYONE),
    ("main.community", "GET", lambda w: f"/c/{w.community.id}", None, EVERYONE),
    ("main.switch_locale", "POST", lambda w: "/locale", {"locale": "en", "next": "/"}, EVERYONE),
    ("main.healthz", "GET", lambda w: "/healthz", None, EVERYONE),
    ("auth.register", "GET", lambda w: "/auth/register", None, EVERYONE),
    ("auth.login", "GET", lambda w: "/auth/login", None, EVERYONE),
    ("auth.logout", "POST", lambda w: "/auth/logout", {}, EVERYONE),
    ("auth.account", "GET", lambda w: "/auth/account", None, SIGNED_IN),
    ("auth.password", "GET", lambda w: "/auth/password", None, SIGNED_IN),
    ("residents.join", "GET", lambda w: "/residents/join", None, SIGNED_IN),
    ("residents.withdraw", "POST", lambda w: f"/residents/requests/{w.pending.id}/withdraw", {}, {"newcomer"}),
    ("residents.review", "GET", lambda w: "/residents/review", None, {"committee", "other_committee"}),
    ("residents.queue", "GET", lambda w: f"/residents/units/{w.community.id}/requests", None, {"committee"}),
    ("residents.approve", "POST", lambda w: f"/residents/requests/{w.pending.id}/approve", {}, {"committee"}),
    ("residents.decline", "POST", lambda w: f"/residents/requests/{w.pending.id}/decline", {"reason": "查无此人"},
     {"committee"}),
    ("residents.roster", "GET", lambda w: f"/residents/units/{w.community.id}/residents", None, {"committee"}),
    ("admin.index", "GET", lambda w: "/admin/", None, {"admin"}),
    ("admin.create_root", "POST", lambda w: "/admin/units", {"child-name": "新区", "child-level": "district"},
     {"admin"}),
    ("admin.unit", "GET", lambda w: f"/admin/units/{w.community.id}", None, {"admin"}),
    ("admin.create_child", "POST", lambda w: f"/admin/units/{w.community.id}/children",
     {"child-name": "第九网格", "child-level": "grid"}, {"admin"}),
    ("admin.rename", "POST", lambda w: f"/admin/units/{w.community.id}/rename", {"rename-name": "枫林新社区"},
     {"admin"}),
    ("admin.create_household", "POST", lambda w: f"/admin/units/{w.building.id}/households",
     {"hh-label": "3单元303室", "hh-floor_area": "66.6"}, {"admin"}),
    ("admin.create_grant", "POST", lambda w: f"/admin/units/{w.community.id}/grants",
     {"grant-login": "13800000009", "grant-role": "representative"}, {"admin"}),
    ("admin.revoke", "POST", lambda w: f"/admin/grants/{_grant_id(w)}/revoke", {}, {"admin"}),
    ("admin.audit", "GET", lambda w: "/admin/audit", None, {"admin", "committee", "other_committee"}),
    ("deliberation.index", "GET", lambda w: "/matters", None, EVERYONE),
    ("deliberation.matters", "GET", lambda w: f"/units/{w.community.id}/matters?stage=solicit&year=2026", None,
     EVERYONE),
    ("deliberation.new_matter", "GET", lambda w: f"/units/{w.community.id}/matters/new", None,
     {"committee", "party_org"}),
    ("deliberation.new_matter", "POST", lambda w: f"/units/{w.community.id}/matters/new",
     {"title": "居民公约修订", "procedure": "yizheng_sanyi"}, {"committee", "party_org"}),
    ("deliberation.matter", "GET", lambda w: f"/matters/{_d(w).matter('resolve', voting='voting').id}", None,
     EVERYONE),
    ("deliberation.advance", "POST", lambda w: f"/matters/{_d(w).matter('solicit').id}/advance", {},
     {"committee"}),
    ("deliberation.send_back", "POST", lambda w: f"/matters/{_d(w).matter('propose').id}/send-back",
     {"reason": "方案需补充"}, {"party_org"}),
    ("deliberation.proposal", "POST", lambda w: f"/matters/{_d(w).matter('propose').id}/proposal",
     {"body": "<p>方案</p>"}, {"party_org"}),
    ("deliberation.meeting", "POST", lambda w: f"/matters/{_d(w).matter('consult').id}/meeting",
     {"held_on": "2026-11-20", "place": "会议室", "attendees": "两委", "minutes": "<p>同意</p>", "outcome": "forward"},
     {"committee"}),
    ("deliberation.publish", "POST", lambda w: f"/matters/{_d(w).matter('disclose_resolution').id}/publications",
     {"kind": "resolution", "title": "决议公示", "body": "<p>通过</p>", "notice_days": "7"}, {"committee"}),
    ("deliberation.convene", "POST", lambda w: f"/matters/{_d(w).matter('resolve').id}/assemblies",
     {"kind": "residents_meeting", "electorate": "adult_residents", "motion": "是否同意", "starts_at": "2026-12-01T19:00"},
     {"committee"}),
    ("deliberation.solicitations", "GET", lambda w: f"/units/{w.community.id}/solicitations", None, EVERYONE),
    ("deliberation.solicitations", "POST", lambda w: f"/units/{w.community.id}/solicitations",
     {"title": "征集", "opens_at": "2026-12-01T08:00", "closes_at": "2036-12-20T18:00"}, {"committee"}),
    ("deliberation.solicitation", "GET", lambda w: f"/solicitations/{_d(w).idea.solicitation_id}", None, EVERYONE),
    ("deliberation.suggest", "POST", lambda w: f"/solicitations/{_d(w).window.id}/suggestions",
     {"title": "增设长椅", "body": "广场缺少座椅"}, VOTERS),
    ("deliberation.second", "POST", lambda w: f"/suggestions/{_d(w).idea.id}/second", {}, VOTERS),
    ("deliberation.unsecond", "POST", lambda w: f"/suggestions/{_d(w).idea.id}/unsecond", {}, VOTERS),
    ("deliberation.withdraw_suggestion", "POST", lambda w: f"/suggestions/{_d(w).idea.id}/withdraw", {},
     {"resident"}),
    ("deliberation.accept", "POST", lambda w: f"/suggestions/{_d(w).idea.id}/accept",
     {"matter": "0", "title": "扶手", "procedure": "yizheng_sanyi"}, {"committee"}),
    ("deliberation.decline", "POST", lambda w: f"/suggestions/{_d(w).idea.id}/decline", {"reason": "已转物业"},
     {"committee"}),
    ("deliberation.my_suggestions", "GET", lambda w: "/my/suggestions", None, SIGNED_IN),
    ("deliberation.assembly", "GET", lambda w: f"/assemblies/{_d(w).voting.id}", None, EVERYONE),
    ("deliberation.electorate", "GET", lambda w: f"/assemblies/{_d(w).voting.id}/electorate", None, {"committee"}),
    ("deliberation.open_voting", "POST", lambda w: f"/assemblies/{_d(w).convened.id}/open", {}, {"committee"}),
    ("deliberation.cancel", "POST", lambda w: f"/assemblies/{_d(w).convened.id}/cancel", {"reason": "时间冲突"},
     {"committee"}),
    ("deliberation.close_voting", "POST", lambda w: f"/assemblies/{_d(w).voting.id}/close", {}, {"committee"}),
    ("deliberation.check_in", "POST", lambda w: f"/assemblies/{_d(w).voting.id}/check-in", {}, VOTERS),
    ("deliberation.vote", "POST", lambda w: f"/assemblies/{_d(w).voting.id}/ballot", {"choice": "for"}, VOTERS),
    ("deliberation.presence", "POST",
     lambda w: f"/assemblies/{_d(w).voting.id}/electors/{_d(w).elector.id}/presence", {}, {"committee"}),
    ("deliberation.paper", "POST",
     lambda w: f"/assemblies/{_d(w).voting.id}/electors/{_d(w).elector.id}/paper", {"choice": "against"},
     {"committee"}),
    ("disclosure.boards", "GET", lambda w: f"/units/{w.community.id}/boards", None, EVERYONE),
    ("disclosure.board", "GET", lambda w: f"/units/{w.community.id}/boards/affairs", None, EVERYONE),
    ("disclosure.feed", "GET", lambda w: f"/units/{w.community.id}/boards/affairs/feed.atom", None, EVERYONE),
    ("disclosure.verify", "GET", lambda w: f"/units/{w.community.id}/boards/affairs/verify", None, EVERYONE),
    ("disclosure.new_entry", "GET", lambda w: f"/units/{w.community.id}/boards/finance/new", None, {"committee"}),
    ("disclosure.new_entry", "POST", lambda w: f"/units/{w.community.id}/boards/party/new",
     {"title": "党费收缴", "category": "party", "body": "<p>公示</p>"}, {"committee", "party_org"}),
    ("disclosure.preview", "POST", lambda w: "/disclosures/preview", {"title": "t", "body": "<p>b</p>"},
     {"committee", "other_committee", "party_org"}),
    ("disclosure.entry", "GET", lambda w: f"/disclosures/{_d(w).notice.id}", None, EVERYONE),
    ("disclosure.print_notice", "GET", lambda w: f"/disclosures/{_d(w).notice.id}/print", None, EVERYONE),
    ("disclosure.revise", "GET", lambda w: f"/disclosures/{_d(w).notice.id}/revise", None, {"committee"}),
    ("disclosure.object_to", "POST", lambda w: f"/disclosures/{_d(w).notice.id}/objections",
     {"body": "有异议"}, VOTERS),
    ("disclosure.answer", "POST", lambda w: f"/objections/{_d(w).objection.id}/answer", {"answer": "已调整"},
     {"committee"}),
    ("disclosure.attachment", "GET", lambda w: f"/disclosures/attachments/{_d(w).attachment.id}", None, EVERYONE),
    ("disclosure.rate", "POST", lambda w: f"/matters/{_d(w).matter('disclose_results').id}/rating", {"score": "5"},
     VOTERS),
    ("wishes.wall", "GET", lambda w: f"/units/{w.community.id}/wishes?category=clothing", None, EVERYONE),
    ("wishes.wish", "GET", lambda w: f"/wishes/{_d(w).wish().id}", None, EVERYONE),
    ("wishes.move", "POST", lambda w: f"/wishes/{_d(w).wish().id}/moves/withdraw", {}, {"resident"}),
    ("wishes.new", "GET", lambda w: "/wishes/new", None, {"resident", "representative", "grid_worker"}),
    ("wishes.review", "GET", lambda w: f"/units/{w.community.id}/wishes/review", None, {"committee"}),
    ("wishes.my_wishes", "GET", lambda w: "/my/wishes", None, SIGNED_IN),
    ("wishes.my_claims", "GET", lambda w: "/my/claims", None, SIGNED_IN),
    ("wishes.thanks", "GET", lambda w: f"/units/{w.community.id}/thanks", None, EVERYONE),
    ("wishes.photo", "GET", lambda w: f"/wishes/{_d(w).wish(photo=True).id}/photo/wish", None, EVERYONE),
    ("wishes.register_partner", "GET", lambda w: "/partners/register", None, SIGNED_IN),
    ("wishes.partner", "GET", lambda w: f"/partners/{_d(w).shop.id}", None, EVERYONE),
    ("wishes.decide_partner", "POST", lambda w: f"/partners/{_d(w).pending_partner.id}/decision",
     {"decision": "verify"}, {"committee"}),
    ("wishes.add_offer", "POST", lambda w: f"/partners/{_d(w).shop.id}/offers", {"unit": "0", "title": "理发"}, set()),
    ("wishes.partners", "GET", lambda w: f"/units/{w.community.id}/partners", None, EVERYONE),
    ("wishes.care_tags", "GET", lambda w: f"/households/{w.households[0].id}/care-tags", None,
     {"committee", "grid_worker"}),
]


def test_every_route_is_in_the_matrix(app):
    covered = {endpoint for endpoint, *_ in ROUTES}
    routed = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routed - covered == set(), "add these routes to the permission matrix"
    assert covered - routed == set(), "the matrix names routes that do not exist"


@pytest.mark.parametrize("endpoint,method,url,data,allowed", ROUTES, ids=[f"{r[0]}-{r[1]}" for r in ROUTES])
def test_permission_matrix(app, world, endpoint, method, url, data, allowed):
    """Each role in turn, with a client of its own; refusals first, so that an allowed role's
    successful POST (an approval, a revocation) cannot change what a later role is refused."""
    targets = {}
    for role in sorted(ROLES, key=lambda r: r in allowed):
        client = app.test_client()
        if role != "anonymous":
            login = getattr(world, role).login
            assert client.post("/auth/login", data={"login": login, "password": PASSWORD}).status_code == 302, role
        target = targets.setdefault(endpoint, url(world))  # built once, before the first request
        resp = client.get(target) if method == "GET" else client.post(target, data=data)
        location = resp.headers.get("Location", "")
        assert resp.status_code < 500, role
        if role in allowed:
            assert resp.status_code not in (401, 403), f"{role} should be let in"
            assert "/auth/login" not in location or endpoint == "auth.logout", role
        elif role == "anonymous":
            assert resp.status_code == 302 and "/auth/login" in location, "anonymous visitors are asked to sign in"
        else:
            assert resp.status_code == 403, f"{role} should be refused"
            assert "无权操作" in resp.get_data(as_text=True), role


def test_refused_requests_change_nothing(client, auth, world):
    """A refused grant or approval leaves the database as it was."""
    auth.login(world.other_committee)
    assert client.post(f"/residents/requests/{world.pending.id}/approve").status_code == 403
    assert client.post(f"/admin/units/{world.community.id}/grants",
                       data={"grant-login": "13800000009", "grant-role": "committee"}).status_code == 403
    from portal.domain.residents import VerificationStatus
    from portal.extensions import db
    db.session.refresh(world.pending)
    assert world.pending.status == VerificationStatus.pending
    assert db.session.query(RoleGrant).filter_by(user_id=world.newcomer.id).count() == 0
