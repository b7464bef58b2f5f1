"""What a reader sees: measure, small screens, dark mode, print, keyboard use, search."""

import pytest
from django.core.management import call_command

from blog import demo
from blog.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ESSAY = f"/posts/{demo.ESSAY['slug']}/"
PAGES = [
    "/",
    ESSAY,
    "/tags/jonathan-glazer/",
    "/tags/jonathan-glazer+1990s/without/film/",
    "/tags/",
    "/archive/",
    "/search/?q=glazer",
    "/authors/ana-reyes/",
    "/videos/",
    "/posts/no-such-essay/",
]

LINE_STATS = """() => {
  const paragraphs = [...document.querySelectorAll(".post-body p")];
  const p = paragraphs.sort((a, b) => b.textContent.length - a.textContent.length)[0];
  const style = getComputedStyle(p);
  const lineHeight = parseFloat(style.lineHeight);
  const lines = Math.round(p.getBoundingClientRect().height / lineHeight);
  return {chars: p.textContent.length, lines, ratio: lineHeight / parseFloat(style.fontSize)};
}"""


@pytest.fixture
def demo_site(db):
    call_command("load_demo", verbosity=0)


def test_desktop_lines_are_a_comfortable_measure(page, live_server, demo_site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + ESSAY)
    stats = page.evaluate(LINE_STATS)
    per_line = stats["chars"] / (stats["lines"] - 0.5)  # the last line is half full on average
    assert 60 <= per_line <= 80, stats
    assert 1.45 <= stats["ratio"] <= 1.8


@pytest.mark.parametrize("width", [320, 375])
def test_nothing_scrolls_sideways_on_small_phones(browser, live_server, demo_site, width):
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    try:
        for path in PAGES:
            page.goto(live_server.url + path)
            too_wide = page.evaluate(
                f"""() => [...document.querySelectorAll("body *")]
                    .filter(e => e.getBoundingClientRect().right > {width} + 0.5)
                    .map(e => e.tagName + "." + e.className)"""
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, too_wide)
    finally:
        context.close()


def test_dark_mode_follows_the_system_setting(browser, live_server, demo_site):
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server.url + ESSAY)
        colours[scheme] = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.body).color]"
        )
        context.close()
    assert colours["light"] != colours["dark"]
    assert colours["dark"][0] == "rgb(21, 20, 18)"  # a dark page with light text
    assert colours["light"][0] == "rgb(253, 252, 249)"


def test_print_shows_the_essay_without_the_chrome(page, live_server, demo_site):
    page.goto(live_server.url + ESSAY)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => [".site-nav", ".site-search", ".post-nav", ".related-posts"]
             .map(s => getComputedStyle(document.querySelector(s)).display)"""
    )
    assert hidden == ["none"] * 4
    assert page.locator(".post-body").is_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, live_server, demo_site):
    page.goto(live_server.url + ESSAY)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("e => e === document.activeElement")
    box = skip.bounding_box()
    assert box["y"] >= 0  # on screen once focused
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_every_link_shows_where_focus_is(page, live_server, demo_site):
    page.goto(live_server.url + ESSAY)
    for _ in range(6):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
        )
        assert outline[0] != "none" and outline[1] >= 2, outline


def test_search_from_the_header(page, live_server, demo_site):
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="Search the essays").fill("moving room")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=moving+room")
    first = page.locator(".post-card").first
    assert "The room that moves" in first.locator("h2").inner_text()
    assert first.locator("mark").count() >= 1
    assert page.requests.third_party == []


def test_narrowing_a_tag_filter_step_by_step(page, live_server, demo_site):
    page.goto(live_server.url + "/tags/jonathan-glazer/")
    page.get_by_role("link", name="Add 1990s: 3 essays").click()
    page.wait_for_url("**/tags/jonathan-glazer+1990s/")
    assert page.locator(".post-card").count() == 3
    page.get_by_role("link", name="Exclude practical effects: 1 essay").click()
    page.wait_for_url("**/tags/jonathan-glazer+1990s/without/practical-effects/")
    assert page.locator(".post-card h2").all_inner_texts() == ["Corridors of “Karmacoma”"]
    page.get_by_role("link", name="Stop excluding tag practical effects").click()
    page.wait_for_url("**/tags/jonathan-glazer+1990s/")


def test_reading_pages_load_nothing_from_third_parties(page, live_server, demo_site):
    assert Post.objects.published().count() == 10
    for path in PAGES:
        page.goto(live_server.url + path)
    assert page.requests.third_party == []
