"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

No browser is downloaded: Chromium comes from apt (`apt-get install chromium`). Outside CI
the tests skip, saying why, when it is missing; in CI (`CI` set) they fail instead, so a
broken install step cannot pass as green.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
TIMEOUT_MS = 15_000
# The flags that keep Chromium quiet on a machine without internet (no update checks,
# no sync, no first-run pages); running as root in a container needs --no-sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    # Any name but the live server's resolves to nothing: the pages must work offline.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]


def _unavailable_reason() -> str | None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "browser tests need the playwright package: pip install -r requirements-dev.txt"
    return None


# Outside CI, a machine without Chromium or Playwright leaves the browser tests out (the
# modules could not even be imported without the package) and says so in the summary.
_LEFT_OUT = None if os.environ.get("CI") else _unavailable_reason()
collect_ignore_glob = ["test_*.py"] if _LEFT_OUT else []


@pytest.fixture(scope="module")
def _async_unsafe_allowed():
    # While Playwright's sync API runs, its event loop counts as running in this thread, and
    # Django refuses ORM calls from a thread with a running loop. The test code is plain
    # synchronous code, so the check is lifted, for this module only.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def playwright(_async_unsafe_allowed):
    reason = _unavailable_reason()
    if reason:
        pytest.fail(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    # Module scope, stopped before the next module: once stopped, no loop is left running
    # to trip Django's check in the tests that follow.
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"FAILED-{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def api(playwright, live_server):
    """Plain HTTP calls to the live server, without the browser's cookies."""
    context = playwright.request.new_context(base_url=live_server.url)
    yield context
    context.dispose()


@pytest.fixture(scope="session")
def _artifacts():
    # Each run's screenshots alone: none left over from a step that no longer exists.
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)


@pytest.fixture
def screenshot(page, _artifacts):
    """`screenshot("03-product-added")` saves the whole page under test-artifacts/browser/;
    `element=locator` only that element, `full_page=False` only what the window shows."""

    def save(name: str, *, element=None, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        if element is not None:
            element.screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=full_page)
        return path

    return save


@pytest.fixture
def live_host(live_server) -> str:
    return urlsplit(live_server.url).netloc


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def pytest_terminal_summary(terminalreporter):
    if _LEFT_OUT:
        terminalreporter.write_line(f"Browser tests (e2e/) not run: {_LEFT_OUT}", yellow=True)
