"""The reading room's new page states through axe and the HTML checker: the contents opened on
a phone, the header search opened, the player docked (light and dark, phone and desktop)."""

import pytest
from django.core.management import call_command

from blog import demo
from blog.models import Post
from tests.browser.test_accessibility import AXE_PATH, open_checked_page
from tests.browser.test_reading_room import LONG_ESSAY
from tests.browser.test_video_timecodes import fake_player
from tests.quality.conftest import validate_html  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# As test_accessibility's, but not into the player frame (a stand-in page without axe).
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"], iframes: false});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def check(page, live_server, found, name):
    page.add_script_tag(url=live_server.url + AXE_PATH)
    violations = page.evaluate(RUN_AXE)
    if violations or page.problems:
        found[name] = violations + page.problems
    page.problems.clear()


def open_states(page, live_server, width, essay, long_essay):
    """Yield (name, page) in each new state."""
    page.goto(live_server.url + essay)
    if width < 700:
        page.locator(".toc summary").click()
        assert page.locator(".toc-list a").first.is_visible()
    yield "essay with its contents open"
    page.goto(live_server.url + "/")
    if width < 700:
        page.locator(".site-search-open").click()
    assert page.locator("#site-search-q").is_visible()
    yield "header search open"
    fake_player(page, "https://www.youtube-nocookie.com/**")
    page.goto(live_server.url + long_essay)
    link = page.locator(".post-body a.timecode", has_text="1:23")
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_selector("figure.video.is-docked")
    yield "player docked"


@pytest.mark.parametrize(
    "color_scheme,width", [("light", 1280), ("dark", 1280), ("light", 375), ("dark", 375)]
)
def test_new_states_pass_axe_and_the_html_checker(
    browser,
    live_server,
    make_post,
    validate_html,  # noqa: F811 (the fixture imported above)
    tmp_path,
    color_scheme,
    width,  # noqa: F811
):
    call_command("load_demo", verbosity=0)
    essay = Post.objects.get(slug=demo.ESSAY["slug"]).get_absolute_url()
    long_essay = make_post(title="A long essay", body=LONG_ESSAY).get_absolute_url()
    context, page = open_checked_page(browser, live_server, color_scheme=color_scheme, width=width)
    found, documents = {}, {}
    try:
        for name in open_states(page, live_server, width, essay, long_essay):
            documents[name] = page.content()  # the DOM as scripts left it
            check(page, live_server, found, name)
    finally:
        context.close()
    assert len(documents) == 3
    assert found == {}, "\n".join(f"{name}: {issues}" for name, issues in found.items())
    if color_scheme == "light":  # the markup does not change with the colours
        errors = {name: e for name, e in validate_html(documents, tmp_path).items() if e}
        assert errors == {}, errors
