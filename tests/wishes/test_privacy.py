"""Privacy of micro-wishes over HTTP (DESIGN §4), checked on the raw HTML of every response:

* the beneficiary's household, full real name and phone reach the committee and grid workers
  of the unit, and the claiming partner only while it holds the claim (claimed, delivered);
  everybody else sees 王** and the community, and the lists (wall, thank-you wall, partner
  pages, the community home page) show them to nobody but staff;
* care tags (七色暖心签) reach only the committee and grid workers of the unit, on the review
  queue, the wish page and the care-tag page; each such view writes exactly one access-log row
  (viewer, household, context), and nothing else writes any."""
import re
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select

from portal.domain.disclosure import BoardKind
from portal.domain.wishes import CareTag, WishStatus
from portal.extensions import db
from portal.labels import CARE_TAG_LABELS
from portal.models import CareAccess, HouseholdCareTag
from portal.models.base import utcnow
from portal.services import disclosure, wishes
from tests.factories import make_matter
from tests.wishes.test_pages import HX, browser_for, page_of, ui, verified_partner, wish_in

HOUSEHOLD = "1单元101室"  # world.households[0], where the resident lives
NAME = "秀英"             # the resident's real name is 王秀英<script>…; the public form is 王**


def secrets_in(world, html: str) -> list[str]:
    """Which of the beneficiary's contact details a response contains."""
    return [s for s in (HOUSEHOLD, NAME, world.resident.login) if s in html]


def _people(app, world, shop, rival) -> dict:
    """One signed-in client per person (and the public), keyed by a readable name."""
    users = {"public": None, "resident": world.resident, "neighbour": world.representative,
             "other resident": world.other_resident, "other committee": world.other_committee,
             "party org": world.party_org, "admin": world.admin, "partner account": world.partner,
             "claiming partner": shop.user, "other partner": rival.user, "committee": world.committee,
             "grid worker": world.grid_worker}
    return {name: browser_for(app, user) for name, user in users.items()}


STAFF = ("committee", "grid worker")


# Contact details

def test_contact_details_on_the_wish_page_follow_the_claim(app, world):
    shop, rival = verified_partner(world, "华联超市"), verified_partner(world, "爱心药房")
    people = _people(app, world, shop, rival)
    wish = wish_in(world, title="冬天的棉衣")
    url = f"/wishes/{wish.id}"

    def check(state: str, claimer_sees: bool):
        for who, client in people.items():
            html = page_of(client, url)
            expected = who in STAFF or (who == "claiming partner" and claimer_sees)
            if who == "resident":
                continue  # their own wish; not a question of privacy
            if expected:
                assert secrets_in(world, html) == [HOUSEHOLD, NAME, world.resident.login], (state, who)
                assert ui("Contact (not public)") in html, (state, who)
            else:
                assert secrets_in(world, html) == [], (state, who)
                assert ui("Contact (not public)") not in html and "王**" in html, (state, who)

    check("open", claimer_sees=False)
    resp = people["claiming partner"].post(f"/wishes/{wish.id}/moves/claim", headers=HX)
    assert resp.status_code == 200 and wish_status(wish) == WishStatus.claimed
    assert secrets_in(world, resp.get_data(as_text=True)) == [], "the claim card is a public card"
    check("claimed", claimer_sees=True)
    claims = page_of(people["claiming partner"], "/my/claims")
    assert secrets_in(world, claims) == [HOUSEHOLD, NAME, world.resident.login], "the claimer's list has them"
    assert secrets_in(world, page_of(people["other partner"], "/my/claims")) == []
    people["claiming partner"].post(f"/wishes/{wish.id}/moves/deliver", data={"note": "已送到"})
    assert wish_status(wish) == WishStatus.delivered
    check("delivered", claimer_sees=True)
    people["resident"].post(f"/wishes/{wish.id}/moves/confirm", data={"thanks": "谢谢"})
    assert wish_status(wish) == WishStatus.confirmed
    check("confirmed", claimer_sees=False)
    assert secrets_in(world, page_of(people["claiming partner"], "/my/claims")) == []


def test_a_lapsed_claim_takes_the_contact_details_away(app, world):
    shop = verified_partner(world)
    wish = wish_in(world, WishStatus.claimed, partner=shop, now=utcnow() - timedelta(days=15))
    html = page_of(browser_for(app, shop.user), f"/wishes/{wish.id}")
    assert secrets_in(world, html) == [] and wish_status(wish) == WishStatus.open


def test_submitted_wishes_show_contact_details_to_the_unit_staff_only(app, world):
    shop, rival = verified_partner(world, "华联超市"), verified_partner(world, "爱心药房")
    wish = wish_in(world, WishStatus.submitted)
    for who, client in _people(app, world, shop, rival).items():
        resp = client.get(f"/wishes/{wish.id}")
        html = resp.get_data(as_text=True)
        if who in STAFF:
            assert resp.status_code == 200 and secrets_in(world, html) == [HOUSEHOLD, NAME, world.resident.login]
        elif who == "resident":
            assert resp.status_code == 200
        else:
            assert resp.status_code == 404 and secrets_in(world, html) == [], who
    queue = page_of(browser_for(app, world.committee), f"/units/{world.community.id}/wishes/review")
    assert HOUSEHOLD in queue and NAME in queue


def test_the_lists_never_show_contact_details_to_anyone_but_staff(app, world):
    shop, rival = verified_partner(world, "华联超市"), verified_partner(world, "爱心药房")
    made = {status: wish_in(world, status, partner=shop, title=f"心愿{status.value}")
            for status in (WishStatus.open, WishStatus.claimed, WishStatus.delivered, WishStatus.confirmed)}
    wishes.add_offer(shop, actor=shop.user, unit=world.community, title="免费理发", description="")
    db.session.commit()
    c = world.community.id
    lists = ["/", f"/c/{c}", f"/units/{c}/wishes", f"/units/{c}/wishes?status=claimed", f"/units/{c}/thanks",
             f"/units/{c}/partners", f"/partners/{shop.id}", f"/partners/{rival.id}", f"/units/{world.street.id}/wishes",
             f"/units/{world.street.id}/thanks", f"/units/{world.street.id}/partners"]
    for who, client in _people(app, world, shop, rival).items():
        if who in STAFF:
            continue
        for url in lists:
            html = page_of(client, url)
            assert secrets_in(world, html) == [], (who, url)
        partial = page_of(client, f"/units/{c}/wishes", headers=HX)
        assert secrets_in(world, partial) == [] and "王**" in partial, who
    # The lists do show the wishes, anonymised, so the checks above looked at something.
    wall = page_of(browser_for(app), f"/units/{c}/wishes")
    assert all(f'href="/wishes/{w.id}"' in wall for w in made.values()) and wall.count("王**") == 4
    home = page_of(browser_for(app), f"/c/{c}")
    assert f'href="/wishes/{made[WishStatus.open].id}"' in home and "王**" in home


def wish_status(wish) -> WishStatus:
    db.session.expire_all()
    return db.session.get(type(wish), wish.id).status


# Care tags

TAG = CareTag.living_alone


def tag_texts() -> list[str]:
    """Every form the tag could take in a page: the label as shown, the English, the code."""
    with force_locale("en"):
        english = str(CARE_TAG_LABELS[TAG])
    return sorted({ui(CARE_TAG_LABELS[TAG]), english, TAG.value})


def access_log() -> list[tuple[int, int, str]]:
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        select(CareAccess.user_id, CareAccess.household_id, CareAccess.context).order_by(CareAccess.id))]


def test_care_tags_reach_only_the_unit_staff_and_every_view_is_logged(app, world):
    shop, rival = verified_partner(world, "华联超市"), verified_partner(world, "爱心药房")
    people = _people(app, world, shop, rival)
    tagged, untagged = world.households[0], world.households[1]
    made = {status: wish_in(world, status, partner=shop, title=f"心愿{status.value}")
            for status in (WishStatus.submitted, WishStatus.open, WishStatus.claimed, WishStatus.delivered,
                           WishStatus.confirmed)}
    neighbours = wish_in(world, WishStatus.submitted, beneficiary=world.representative, title="邻居的心愿")
    neighbours_open = wish_in(world, WishStatus.open, beneficiary=world.representative, title="邻居的公开心愿")
    entry = disclosure.publish_entry(world.community, BoardKind.affairs, actor=world.committee, title="公告",
                                     body_html="<p>公告</p>", category="notice")
    matter = make_matter(world, "propose")
    db.session.commit()
    label = ui(CARE_TAG_LABELS[TAG])
    committee, grid = people["committee"], people["grid worker"]
    c = world.community.id

    # The committee tags the household; the change itself is logged once, as the committee's.
    resp = committee.post(f"/households/{tagged.id}/care-tags", data={"tags": [TAG.value], "note": "子女在外地"})
    assert resp.status_code == 302
    assert [t.tag for t in db.session.scalars(select(HouseholdCareTag))] == [TAG]
    assert [(user, household) for user, household, _context in access_log()] == [(world.committee.id, tagged.id)]

    # Staff views of the tagged household: the label shows, and each writes exactly one row.
    staff_views = [
        (committee, world.committee, f"/households/{tagged.id}/care-tags", "care_tags"),
        (grid, world.grid_worker, f"/households/{tagged.id}/care-tags", "care_tags"),
        (committee, world.committee, f"/units/{c}/wishes/review", "wish_review"),
        (committee, world.committee, f"/wishes/{made[WishStatus.submitted].id}", "wish_page"),
        (committee, world.committee, f"/wishes/{made[WishStatus.claimed].id}", "wish_page"),
        (grid, world.grid_worker, f"/wishes/{made[WishStatus.open].id}", "wish_page"),
        (grid, world.grid_worker, f"/wishes/{made[WishStatus.confirmed].id}", "wish_page"),
    ]
    for client, user, url, context in staff_views:
        before = access_log()
        html = page_of(client, url)
        assert label in html, url
        assert access_log() == before + [(user.id, tagged.id, context)], url
    queue = page_of(committee, f"/units/{c}/wishes/review")
    assert queue.count(label) == 1, "the tag goes with the tagged household's wish only"
    assert queue.index("心愿submitted") < queue.index("邻居的心愿"), "cared-for households come first"

    # Staff views of untagged households, and staff pages that are not about a household: no
    # label, no row.
    before = access_log()
    for client in (committee, grid):  # the form lists every tag, none of them checked
        html = page_of(client, f"/households/{untagged.id}/care-tags")
        assert "checked" not in html
    for client, url in [(committee, f"/wishes/{neighbours.id}"), (grid, f"/wishes/{neighbours_open.id}"),
                        (committee, f"/units/{c}/wishes"), (committee, f"/units/{c}/thanks"), (committee, f"/c/{c}"),
                        (committee, f"/units/{c}/partners"), (committee, f"/partners/{shop.id}"),
                        (grid, f"/units/{c}/wishes"), (grid, "/my/wishes"), (grid, f"/c/{c}")]:
        html = page_of(client, url)
        assert not [t for t in tag_texts() if t in html], url
    assert grid.get(f"/units/{c}/wishes/review").status_code == 403, "the queue is the committee's"
    assert access_log() == before

    # Everybody else: never the tag, on any page or response, and no row.
    public_wishes = [made[s] for s in (WishStatus.open, WishStatus.claimed, WishStatus.delivered,
                                       WishStatus.confirmed)]
    pages = (["/", f"/c/{c}", f"/units/{c}/wishes", f"/units/{c}/wishes?status=claimed", f"/units/{c}/thanks",
              f"/units/{c}/partners", f"/partners/{shop.id}", f"/units/{world.street.id}/wishes",
              f"/units/{c}/boards", f"/units/{c}/boards/affairs", f"/disclosures/{entry.id}", f"/units/{c}/matters",
              f"/matters/{matter.id}"] + [f"/wishes/{w.id}" for w in public_wishes])
    extra = {"resident": ["/my/wishes", f"/wishes/{made[WishStatus.submitted].id}", "/auth/account"],
             "claiming partner": ["/my/claims", "/auth/account"], "other partner": ["/my/claims"],
             "neighbour": ["/my/wishes", f"/wishes/{neighbours.id}"]}
    before = access_log()
    for who, client in people.items():
        if who in STAFF:
            continue
        responses = [client.get(url) for url in pages + extra.get(who, [])]
        responses.append(client.get(f"/units/{c}/wishes", headers=HX))
        for url in (f"/households/{tagged.id}/care-tags", f"/units/{c}/wishes/review"):
            refused = client.get(url)
            assert refused.status_code == (302 if who == "public" else 403), (who, url)
            responses.append(refused)
        refused = client.post(f"/households/{tagged.id}/care-tags", data={"tags": []})
        assert refused.status_code == (302 if who == "public" else 403), who
        responses.append(refused)
        for resp in responses:
            html = resp.get_data(as_text=True)
            assert resp.status_code in (200, 302, 403), (who, resp.request.path, resp.status_code)
            assert not [t for t in tag_texts() if t in html], (who, resp.request.path)
    # The claiming partner sees the household's contact details while it holds the claim, but
    # not its tags.
    held = page_of(people["claiming partner"], f"/wishes/{made[WishStatus.claimed].id}")
    assert HOUSEHOLD in held and not [t for t in tag_texts() if t in held]
    # A partner's claim answered by htmx carries no tag either.
    resp = people["other partner"].post(f"/wishes/{neighbours_open.id}/moves/claim", headers=HX)
    assert resp.status_code == 200 and not [t for t in tag_texts() if t in resp.get_data(as_text=True)]
    assert access_log() == before, "refused and public views write nothing"
    assert [t.tag for t in db.session.scalars(select(HouseholdCareTag))] == [TAG], "nobody else changed them"

    # The other community's committee sees its own queue, without this community's tags.
    html = page_of(people["other committee"], f"/units/{world.other_community.id}/wishes/review")
    assert not [t for t in tag_texts() if t in html]
    assert access_log() == before


def test_the_grid_worker_sets_care_tags_too(app, world):
    grid = browser_for(app, world.grid_worker)
    household = world.households[2]
    form = page_of(grid, f"/households/{household.id}/care-tags")
    assert f'value="{CareTag.low_income.value}"' in form
    resp = grid.post(f"/households/{household.id}/care-tags",
                     data={"tags": [CareTag.low_income.value, CareTag.disability.value]})
    assert resp.status_code == 302
    html = page_of(grid, f"/households/{household.id}/care-tags")
    assert ui("The care tags are saved.") in html
    checked = [re.search(r'value="(\w+)"', i).group(1) for i in re.findall(r"<input ([^>]*)>", html)
               if 'name="tags"' in i and re.search(r"\bchecked\b", i)]
    assert sorted(checked) == sorted([CareTag.low_income.value, CareTag.disability.value])
    log = access_log()
    assert [(user, where) for user, where, _context in log] == [(world.grid_worker.id, household.id)] * 2
    assert log[-1][2] == "care_tags", "the change, then the view of the page"
    # Another building's household is not theirs.
    assert grid.get(f"/households/{world.other_household.id}/care-tags").status_code == 403


def test_the_audit_log_does_not_leak_care_tags(app, world):
    """The admin reads the audit log of every unit; care tags must not reach it."""
    committee = browser_for(app, world.committee)
    committee.post(f"/households/{world.households[0].id}/care-tags", data={"tags": [TAG.value]})
    assert [t.tag for t in db.session.scalars(select(HouseholdCareTag))] == [TAG]
    for user in (world.admin, world.committee):
        html = page_of(browser_for(app, user), "/admin/audit")
        assert not [t for t in tag_texts() if t in html], user.login
