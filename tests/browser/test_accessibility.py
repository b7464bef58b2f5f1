"""Every page type has zero axe-core violations, in light and in dark mode, on phone and desktop.

axe is served from the test server's own origin (a Playwright route), so the strict CSP stays on
while it runs; any CSP violation or script error on a page fails the test too.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from blog import demo
from blog.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__axe__/axe.min.js"

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def reader_pages() -> dict[str, str]:
    call_command("load_demo", verbosity=0)
    essay = Post.objects.get(slug=demo.ESSAY["slug"])
    video = Post.objects.published().shown_videos().first()
    return {
        "home": "/",
        "post": essay.get_absolute_url(),
        "tag": "/tags/jonathan-glazer/",
        "multi-tag": "/tags/jonathan-glazer+1990s/without/film/",
        "tag index": "/tags/",
        "archive index": "/archive/",
        "archive month": f"/{essay.published_at:%Y/%m}/",
        "search": "/search/?q=glazer",
        "author": essay.author.profile.get_absolute_url(),
        "videos index": "/videos/",
        "video": video.get_absolute_url(),
        "404": "/posts/no-such-essay/",
    }


def open_checked_page(browser, live_server, *, color_scheme, width):
    """Return a page that serves axe locally and records third-party requests and CSP errors."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=color_scheme
    )
    page = context.new_page()
    page.problems = []
    local = urlsplit(live_server.url).netloc

    def route(route):
        url = route.request.url
        if urlsplit(url).path == AXE_PATH:
            route.fulfill(path=str(AXE), content_type="application/javascript")
        elif urlsplit(url).netloc == local or url.startswith("data:"):
            route.continue_()
        else:
            page.problems.append(f"third-party request: {url}")
            route.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda message: message.type == "error"
        and page.problems.append(f"console: {message.text}"),
    )
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    return context, page


@pytest.mark.parametrize(
    "color_scheme,width", [("light", 1280), ("dark", 1280), ("light", 375), ("dark", 375)]
)
def test_no_axe_violations_on_any_page_type(browser, live_server, color_scheme, width):
    pages = reader_pages()
    context, page = open_checked_page(browser, live_server, color_scheme=color_scheme, width=width)
    found = {}
    try:
        for name, path in pages.items():
            page.problems.clear()
            page.goto(live_server.url + path)
            page.add_script_tag(url=live_server.url + AXE_PATH)
            violations = page.evaluate(RUN_AXE)
            # a 404 page logs its own status as a console error; that is not a problem
            problems = [p for p in page.problems if "404 (Not Found)" not in p]
            if violations or problems:
                found[f"{name} ({path})"] = violations + problems
    finally:
        context.close()
    assert found == {}, "\n".join(f"{page}: {issues}" for page, issues in found.items())


def test_the_checks_do_catch_problems(browser, live_server, db):
    """Axe finds a missing alt text, and an inline script blocked by the CSP is reported."""
    context, page = open_checked_page(browser, live_server, color_scheme="light", width=1280)
    try:
        page.goto(live_server.url + "/")
        page.evaluate(
            """() => {
              document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="/x.png">');
              const script = document.createElement("script");
              script.textContent = "window.inlineRan = true";
              document.body.append(script);
            }"""
        )
        page.add_script_tag(url=live_server.url + AXE_PATH)
        violations = page.evaluate(RUN_AXE)
        assert "image-alt" in {v["id"] for v in violations}
        assert page.evaluate("window.inlineRan") is None
        assert any("Content Security Policy" in p for p in page.problems)
    finally:
        context.close()
