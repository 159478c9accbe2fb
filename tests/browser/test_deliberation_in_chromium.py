"""Deliberation in Debian's Chromium: a resident seconds a suggestion and votes, each in place
(htmx swaps the row or the ballot box; the page does not reload), a secret vote shows its
receipt, and the matters list filters without a reload. No CSP violation on the way."""
from portal.models import Assembly
from tests.browser.test_htmx_in_chromium import _page, browser, live_server  # noqa: F401  (fixtures)
from tests.factories import make_matter, make_suggestion, open_window


def test_resident_seconds_in_place(browser, live_server, world):  # noqa: F811
    from portal.extensions import db

    idea = make_suggestion(world, open_window(world))
    db.session.commit()
    page = _page(browser, live_server, world.representative.login)
    page.goto(f"{live_server}/solicitations/{idea.solicitation_id}")
    page.evaluate("window.notReloaded = true")
    row = page.locator(f"#suggestion-{idea.id}")
    row.locator("button", has_text="附议").click()
    row.locator("button", has_text="已附议").wait_for()
    assert "1 个附议" in row.inner_text()
    row.locator("button", has_text="已附议").click()
    row.locator(".seconds", has_text="0 个附议").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert page.csp_errors == []


def test_resident_votes_in_place_and_keeps_a_secret_receipt(browser, live_server, world):  # noqa: F811
    from portal.extensions import db

    matter = make_matter(world, "resolve", secret=True, voting="voting")
    assembly = db.session.query(Assembly).filter_by(matter_id=matter.id).one()
    page = _page(browser, live_server, world.resident.login)
    page.goto(f"{live_server}/matters/{matter.id}")
    page.click("text=现在可以投票")
    page.wait_for_url(f"**/assemblies/{assembly.id}")
    page.evaluate("window.notReloaded = true")
    page.check("#choice-for")
    page.click("button:has-text('投票')")
    receipt = page.locator(".receipt-code")
    receipt.wait_for()
    code = receipt.inner_text()
    assert len(code) == 9 and code[4] == "-"
    assert page.evaluate("window.notReloaded") is True, "htmx swapped the ballot box in place"
    # Change the vote with the receipt, still in place.
    page.check("#choice-against")
    page.click("button:has-text('修改我的投票')")
    page.locator(".flash-success").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert page.csp_errors == []


def test_matters_filter_without_reload(browser, live_server, world):  # noqa: F811
    make_matter(world, "propose")
    make_matter(world, "consult")
    page = _page(browser, live_server, world.resident.login)
    page.goto(f"{live_server}/units/{world.community.id}/matters")
    page.evaluate("window.notReloaded = true")
    assert page.locator("#matter-list .row").count() == 2
    page.select_option("#filter-stage", "consult")
    page.locator("#matter-list .row").nth(1).wait_for(state="detached")
    assert page.locator("#matter-list .row").count() == 1
    assert page.evaluate("window.notReloaded") is True
    assert "stage=consult" in page.url, "the filter is in the address, so it can be shared"
    assert page.csp_errors == []
