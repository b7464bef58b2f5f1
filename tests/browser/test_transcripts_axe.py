"""An essay with transcripts and watch-along controls (open, following, a passage marked) passes
axe-core in light and dark, on desktop and phone, and its live DOM is valid HTML."""

import pytest
from test_accessibility import AXE_PATH, RUN_AXE, open_checked_page
from test_video_transcripts import FAKE_PLAYER, player, plays_at, wait_marked

from tests.quality.conftest import validate_html  # noqa: F401 (the fixture)
from tests.quality.test_transcripts_html import transcript_essay

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "color_scheme,width", [("light", 1280), ("dark", 1280), ("light", 375), ("dark", 375)]
)
def test_an_essay_watched_along_has_no_axe_violations(
    browser, live_server, make_post, color_scheme, width
):
    post, youtube = transcript_essay(make_post)
    context, page = open_checked_page(browser, live_server, color_scheme=color_scheme, width=width)
    try:
        page.goto(live_server.url + post.get_absolute_url())
        for details in page.locator("details.video-transcript-text").all():
            details.locator("summary").click()
        page.route(
            "https://www.youtube-nocookie.com/**",
            lambda route: route.fulfill(status=200, content_type="text/html", body=FAKE_PLAYER),
        )
        page.get_by_role("button", name="Follow along").click()
        page.locator("a.video-facade").first.click()
        plays_at(player(page, "youtube-nocookie.com"), 45)
        wait_marked(page, "the set at")
        page.add_script_tag(url=live_server.url + AXE_PATH)
        violations = page.evaluate(RUN_AXE)
        assert violations + page.problems == []
    finally:
        context.close()


def test_the_page_after_watch_along_is_valid_html(
    browser,
    live_server,
    make_post,
    validate_html,  # noqa: F811 (the fixture imported above)
    tmp_path,
):
    post, _ = transcript_essay(make_post)
    context, page = open_checked_page(browser, live_server, color_scheme="light", width=1280)
    try:
        page.goto(live_server.url + post.get_absolute_url())
        page.locator(".watchalong").wait_for()
        live = "<!doctype html>" + page.evaluate("document.documentElement.outerHTML")
    finally:
        context.close()
    errors = validate_html({"live": live}, tmp_path)
    assert errors == {"live": []}
