"""Disclosure boards in Debian's Chromium: the committee's preview follows the text as it is
typed (htmx, no reload) and shows it as it will be published, cleaned; the A4 notice renders
its QR code and prints on one page. No CSP violation on the way."""
import re


from tests.browser.test_htmx_in_chromium import _page, browser, live_server  # noqa: F401  (fixtures)

def test_committee_sees_the_cleaned_preview_while_typing(browser, live_server, world):  # noqa: F811
    page = _page(browser, live_server, world.committee.login)
    page.goto(f"{live_server}/units/{world.community.id}/boards/finance/new")
    page.evaluate("window.notReloaded = true")
    preview = page.locator("#preview")
    placeholder = preview.inner_text()
    page.fill("#title", "三季度收支公开")
    body = page.locator("#body")
    body.click()
    body.press_sequentially("<p>Income <strong>2000</strong> yuan</p><script>alert(1)</script>"
                            "<img src=x onerror=alert(2)>")
    body.press("End")  # a last keyup after the text is complete
    preview.locator("strong").wait_for(timeout=4000)  # the trigger waits 600 ms after the last key
    html = preview.inner_html()
    assert "<strong>2000</strong>" in html and "Income" in html and "yuan" in html
    assert "<script" not in html and "<img" not in html and "onerror" not in html
    assert preview.inner_text() != placeholder
    assert "三季度收支公开" in preview.inner_text(), "the title is previewed too"
    assert page.evaluate("window.notReloaded") is True, "htmx swapped the preview; the page did not reload"
    # Typing on updates the same preview.
    body.press_sequentially("<p>Balance <em>500</em></p>")
    body.press("End")
    preview.locator("em").wait_for(timeout=4000)
    assert "<em>500</em>" in preview.inner_html() and "<strong>2000</strong>" in preview.inner_html()
    assert page.evaluate("window.notReloaded") is True
    assert page.csp_errors == []


def test_committee_publishes_from_the_browser(browser, live_server, world, tmp_path):  # noqa: F811
    """The form itself works under the CSP: title, category, text and a PNG attachment."""
    from tests.disclosure.test_pages import PNG

    picture = tmp_path / "receipt.png"
    picture.write_bytes(PNG)
    page = _page(browser, live_server, world.committee.login)
    page.goto(f"{live_server}/units/{world.community.id}/boards/finance/new")
    page.fill("#title", "十月份收支公开")
    page.select_option("#category", "finance")
    page.fill("#body", "<p>收入 <strong>2000</strong> 元</p><script>alert(1)</script>")
    page.fill("#notice_days", "7")
    page.set_input_files("#attachments", str(picture))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/disclosures/\d+$"))
    assert page.locator("h1").inner_text() == "十月份收支公开"
    assert page.locator(".notice-entry .rich strong").inner_text() == "2000"
    assert page.locator(".notice-entry .rich script").count() == 0
    assert page.locator(".notice-entry a", has_text="receipt.png").count() == 1
    assert page.csp_errors == []


def test_a4_notice_shows_its_qr_code_and_prints_on_one_page(browser, live_server, world):  # noqa: F811
    from portal.domain.disclosure import BoardKind
    from portal.extensions import db
    from portal.services.disclosure import publish_entry

    entry = publish_entry(world.community, BoardKind.affairs, actor=world.committee, title="关于加装电梯的公示",
                          body_html="<p>一号楼加装电梯。</p>", category="notice", notice_days=7)
    db.session.commit()
    page = _page(browser, live_server, world.resident.login)
    page.goto(f"{live_server}/disclosures/{entry.id}/print")
    qr = page.locator("figure.qr svg")
    box = qr.bounding_box()
    assert box and box["width"] > 100 and abs(box["width"] - box["height"]) < 1, "a square QR code of some size"
    assert page.locator("h1").inner_text() == "关于加装电梯的公示"
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, "the notice fits one A4 page"
    assert page.csp_errors == []
