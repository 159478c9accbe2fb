"""Micro-wishes in Debian's Chromium: a verified partner claims a wish from the wall and the
card updates in place (htmx swaps it; the page does not reload), the other cards stay as they
were, and a second partner's claim of the same wish is told it was taken. No CSP violation."""
from html import unescape

from portal.domain.wishes import WishStatus
from portal.extensions import db
from portal.labels import WISH_STATUS_LABELS
from portal.models import Wish
from tests.browser.test_htmx_in_chromium import _page, browser, live_server  # noqa: F401  (fixtures)
from tests.wishes.test_pages import ui, verified_partner, wish_in


def text(message, **variables) -> str:
    """A UI string as the browser shows it (unescaped)."""
    return unescape(ui(message, **variables))


def test_a_partner_claims_from_the_wall_in_place(browser, live_server, world):  # noqa: F811
    shop, pharmacy = verified_partner(world, "华联超市"), verified_partner(world, "爱心药房")
    coat, lamp = wish_in(world, title="冬天的棉衣", days=5), wish_in(world, title="一盏台灯", days=9)
    claim = text("Claim this wish")

    wall = f"{live_server}/units/{world.community.id}/wishes"
    late = _page(browser, live_server, pharmacy.user.login)  # its wall is loaded before the claim
    late.goto(wall)
    late.evaluate("window.notReloaded = true")

    page = _page(browser, live_server, shop.user.login)
    page.goto(wall)
    page.evaluate("window.notReloaded = true")
    card = page.locator(f"#wish-{coat.id}")
    assert text(WISH_STATUS_LABELS[WishStatus.open]) in card.inner_text()
    card.locator("button", has_text=claim).click()
    card.locator(".badge", has_text=text(WISH_STATUS_LABELS[WishStatus.claimed])).wait_for()
    assert "华联超市" in card.locator(".badge").inner_text()
    assert text("You have claimed this wish. Please deliver it before the deadline.") in card.inner_text()
    assert card.locator("button", has_text=claim).count() == 0
    assert page.locator(f"#wish-{lamp.id} button", has_text=claim).count() == 1, "the other card is untouched"
    assert page.locator(".wish-card").count() == 2 and page.locator("main h1").count() == 1, "no page nested in the card"
    assert page.evaluate("window.notReloaded") is True, "htmx swapped the card; the page did not reload"
    assert page.csp_errors == []
    db.session.expire_all()
    assert db.session.get(Wish, coat.id).status == WishStatus.claimed
    assert db.session.get(Wish, coat.id).partner_id == shop.id

    # The second partner still sees the button; its claim is told, in place, that it was taken.
    stale = late.locator(f"#wish-{coat.id}")
    stale.locator("button", has_text=claim).click()
    stale.locator(".flash", has_text=text("Another partner has already claimed this wish.")).wait_for()
    assert "华联超市" in stale.locator(".badge").inner_text()
    assert stale.locator("button", has_text=claim).count() == 0
    assert late.evaluate("window.notReloaded") is True and late.csp_errors == []
    db.session.expire_all()
    assert db.session.get(Wish, coat.id).partner_id == shop.id
