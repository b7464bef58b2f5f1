"""Browser tests: Debian's chromium driven by Playwright against Django's live server."""

import contextlib
import os
import shutil
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CLOSER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: run `make test` (it installs Debian's chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RequestLog:
    """Every request a page makes; anything not on the live server is recorded and blocked."""

    def __init__(self, page, live_server_url):
        self.local_host = urlsplit(live_server_url).netloc
        self.third_party: list[str] = []
        page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if urlsplit(url).netloc == self.local_host or url.startswith("data:"):
            route.continue_()
        else:
            self.third_party.append(url)
            route.abort()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.requests = RequestLog(page, live_server.url)
    yield page
    for open_page in context.pages:
        # Closing a tab autosaves typed text; not while the test database is being emptied.
        with contextlib.suppress(Exception):  # a page with a dialog open, or already gone
            open_page.evaluate("window.CloserDesk && window.CloserDesk.stopAutosave?.()")
    context.close()
