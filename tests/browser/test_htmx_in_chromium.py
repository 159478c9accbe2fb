"""htmx in a real browser (Debian's Chromium), under the portal's Content Security Policy:
the committee approves a request in place, a newcomer's household picker cascades, and the
browser reports no CSP violation. Skipped where Chromium or Playwright is missing; CI installs
both (.ci/run)."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None and os.environ.get("PORTAL_REQUIRE_BROWSER"):
    raise RuntimeError("PORTAL_REQUIRE_BROWSER is set but Debian's chromium is not installed")
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                                          "(apt-get install chromium fonts-wqy-microhei)")]

# Flags that keep Chromium quiet on a machine without network (see the env notes).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_server(app, world):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser, base, login):
    """A phone-sized page signed in as ``login``, collecting CSP complaints from the console."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(10_000)
    page.csp_errors = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_errors.append(msg.text))
    page.goto(f"{base}/auth/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)
    return page


def _settled(page, target: str) -> None:
    """Wait until htmx has finished swapping into ``target`` (no settling classes left)."""
    page.locator(f"{target}.htmx-settling, {target} .htmx-added, {target}.htmx-swapping").first.wait_for(
        state="detached")


def test_committee_approves_in_place(browser, live_server, world):
    page = _page(browser, live_server, world.committee.login)
    page.goto(f"{live_server}/residents/units/{world.community.id}/requests")
    page.evaluate("window.notReloaded = true")
    row = page.locator(f"#request-{world.pending.id}")
    row.locator("button", has_text="通过").first.click()
    row.locator(".badge", has_text="已通过").wait_for()
    assert page.evaluate("window.notReloaded") is True, "htmx swapped the row; the page did not reload"
    assert "已通过居民认证" in row.inner_text()
    assert page.csp_errors == []


def test_household_picker_cascades(browser, live_server, world):
    page = _page(browser, live_server, world.other_resident.login)
    page.goto(f"{live_server}/residents/join")
    assert page.locator("#building").count() == 0
    page.select_option("#community", str(world.community.id))
    page.locator("#building").wait_for()
    _settled(page, "#household-picker")  # htmx binds the new select's trigger when the swap settles
    page.select_option("#building", str(world.building.id))
    page.locator("#household option", has_text="1单元401室").wait_for(state="attached")
    assert page.locator("#household option").count() == 5  # the placeholder and four households
    assert page.csp_errors == []
