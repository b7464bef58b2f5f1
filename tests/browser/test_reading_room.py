"""The reading room in chromium: the table of contents, the docking player, the header search."""

import pytest

from tests.browser.test_video_timecodes import fake_player

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILLER = "\n\n".join(f"Paragraph {n} of the long middle, " + "words " * 60 for n in range(30))
LONG_ESSAY = (
    "https://youtu.be/dQw4w9WgXcQ\n\n"
    "## The room\n\nIt starts at [0:05].\n\n"
    f"## The middle\n\n{FILLER}\n\n"
    "## The turn\n\nAnd at [1:23] the room turns; by [2:05] it is back.\n"
)


def in_viewport(page, selector):
    return page.evaluate(
        """s => { const b = document.querySelector(s).getBoundingClientRect();
                  return b.top >= 0 && b.bottom <= innerHeight && b.height > 0; }""",
        selector,
    )


def docked(page):
    return page.locator("figure.video.is-docked").count() == 1


class TestTableOfContents:
    def test_a_contents_entry_lands_on_its_heading(self, page, live_server, make_post):
        post = make_post(body=LONG_ESSAY)
        page.goto(live_server.url + post.get_absolute_url())
        page.locator(".toc").get_by_role("link", name="The turn").click()
        page.wait_for_url("**#the-turn")
        assert in_viewport(page, "#the-turn")
        assert (
            page.evaluate("document.querySelector('#the-turn').getBoundingClientRect().top") < 100
        )

    def test_on_a_phone_the_contents_fold_and_open(self, browser, live_server, make_post):
        post = make_post(body=LONG_ESSAY)
        context = browser.new_context(viewport={"width": 390, "height": 800})
        page = context.new_page()
        page.goto(live_server.url + post.get_absolute_url())
        entry = page.locator(".toc").get_by_role("link", name="The turn")
        assert not entry.is_visible()
        page.locator(".toc summary").click()
        entry.click()
        page.wait_for_url("**#the-turn")
        assert in_viewport(page, "#the-turn")
        context.close()


class TestDockingPlayer:
    def follow_far_timecode(self, page, live_server, make_post):
        post = make_post(body=LONG_ESSAY)
        post.inline_videos.update(title="Virtual Insanity")
        page.goto(live_server.url + post.get_absolute_url())
        fake_player(page, "https://www.youtube-nocookie.com/**")
        link = page.locator(".post-body a.timecode", has_text="1:23")
        link.scroll_into_view_if_needed()
        assert not in_viewport(page, "figure.video")
        link.click()
        page.locator("iframe.video-player").wait_for()
        page.wait_for_selector("figure.video.is-docked")
        # The dock slides in (0.18 s, unless the reader asks for reduced motion): measure where
        # it comes to rest, as the reader sees it, not a frame of the slide.
        page.locator("figure.video.is-docked").evaluate(
            "el => Promise.all(el.getAnimations().map(a => a.finished))"
        )
        return link

    def test_a_timecode_far_below_the_player_docks_it(self, page, live_server, make_post):
        link = self.follow_far_timecode(page, live_server, make_post)
        assert in_viewport(page, "figure.video.is-docked")
        box = link.bounding_box()
        assert 0 <= box["y"] <= 900  # we stayed at the text
        frame = page.locator("figure.is-docked iframe.video-player")
        assert "start=83" in frame.get_attribute("src")
        box = page.locator("figure.is-docked").bounding_box()
        assert box["width"] < 400 and box["x"] > 600  # a small player in the corner
        assert page.locator(".video-dock-title").text_content() == "Virtual Insanity"
        # A second timecode seeks the docked player: still one player, still docked.
        page.locator(".post-body a.timecode", has_text="2:05").click()
        assert docked(page) and page.locator("iframe").count() == 1
        assert link.is_visible()
        assert page.requests.third_party == []

    def test_the_close_button_undocks(self, page, live_server, make_post):
        link = self.follow_far_timecode(page, live_server, make_post)
        page.get_by_role("button", name="Close the small player").click()
        page.wait_for_selector("figure.video.is-docked", state="detached")
        assert page.locator(".video-dock-spacer").count() == 0
        assert page.locator("iframe.video-player").count() == 1  # the video is back in place
        # Focus goes back to the timecode the reader followed.
        assert page.evaluate("document.activeElement.textContent") == link.text_content()

    def test_escape_undocks(self, page, live_server, make_post):
        self.follow_far_timecode(page, live_server, make_post)
        page.keyboard.press("Escape")
        page.wait_for_selector("figure.video.is-docked", state="detached")

    def test_the_close_button_works_from_the_keyboard(self, page, live_server, make_post):
        self.follow_far_timecode(page, live_server, make_post)
        page.get_by_role("button", name="Close the small player").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("figure.video.is-docked", state="detached")

    def test_scrolling_back_to_the_player_undocks_it(self, page, live_server, make_post):
        self.follow_far_timecode(page, live_server, make_post)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_selector("figure.video.is-docked", state="detached")
        assert in_viewport(page, "figure.video")
        assert page.locator("iframe.video-player").count() == 1

    def test_a_timecode_near_the_player_does_not_dock(self, page, live_server, make_post):
        post = make_post(body=LONG_ESSAY)
        page.goto(live_server.url + post.get_absolute_url())
        fake_player(page, "https://www.youtube-nocookie.com/**")
        page.locator(".post-body a.timecode", has_text="0:05").click()
        page.locator("iframe.video-player").wait_for()
        assert not docked(page)

    def test_on_a_phone_the_dock_is_a_thin_bar_at_the_bottom(self, browser, live_server, make_post):
        context = browser.new_context(viewport={"width": 390, "height": 800})
        page = context.new_page()
        self.follow_far_timecode(page, live_server, make_post)
        box = page.locator("figure.is-docked").bounding_box()
        assert box["x"] == 0 and box["width"] == 390
        assert box["y"] + box["height"] == pytest.approx(800, abs=1)
        assert box["height"] < 100
        context.close()

    def test_without_javascript_a_timecode_deep_links(self, browser, live_server, make_post):
        post = make_post(body=LONG_ESSAY)
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(live_server.url + post.get_absolute_url())
        link = page.locator(".post-body a.timecode", has_text="1:23")
        assert link.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=83s"
        context.close()


class TestHeaderSearch:
    def test_on_a_phone_the_icon_opens_the_field(self, browser, live_server, make_post):
        make_post()
        context = browser.new_context(viewport={"width": 390, "height": 800})
        page = context.new_page()
        page.goto(live_server.url + "/")
        field = page.locator("#site-search-q")
        assert not field.is_visible()
        page.get_by_role("button", name="Search the essays").click()
        assert field.is_visible()
        assert page.evaluate("document.activeElement.id") == "site-search-q"
        field.fill("room")
        field.press("Enter")
        page.wait_for_url("**/search/?q=room")
        context.close()

    def test_without_javascript_the_icon_goes_to_the_search_page(self, browser, live_server):
        context = browser.new_context(
            viewport={"width": 390, "height": 800}, java_script_enabled=False
        )
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Search the essays").click()
        page.wait_for_url("**/search/")
        assert page.locator("#search-q").is_visible()
        context.close()

    def test_on_a_desktop_the_field_is_in_the_header(self, page, live_server):
        page.goto(live_server.url + "/")
        assert page.locator("#site-search-q").is_visible()
        assert not page.locator(".site-search-open").is_visible()
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < 160  # name, tagline, search on one row; the nav below
