import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_play_swaps_in_the_privacy_enhanced_player_at_the_start_time(page, live_server, make_post):
    post = make_post(
        title="Facade test",
        body="Before.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s\n\nAfter.",
    )
    video = post.inline_videos.get()
    video.title = "Never gonna"
    video.save()
    page.goto(live_server.url + post.get_absolute_url())

    assert page.locator("iframe").count() == 0
    assert page.requests.third_party == []  # nothing third-party before the click

    play = page.get_by_role("link", name="Play video: Never gonna")
    play.focus()
    page.keyboard.press("Enter")  # keyboard operable, like a click
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    assert (
        frame.get_attribute("src")
        == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=90&enablejsapi=1"
    )
    assert frame.get_attribute("title") == "Never gonna"
    assert frame.get_attribute("referrerpolicy") == "strict-origin-when-cross-origin"
    assert "autoplay" in frame.get_attribute("allow")
    assert any("youtube-nocookie.com" in url for url in page.requests.third_party)


def test_vimeo_facade_click(page, live_server, make_post):
    post = make_post(body="https://vimeo.com/76979871/8272103f6e#t=30s")
    page.goto(live_server.url + post.get_absolute_url())
    page.locator("a.video-facade").click()
    src = page.locator("iframe.video-player").get_attribute("src")
    assert src.startswith("https://player.vimeo.com/video/76979871?dnt=1&h=8272103f6e&autoplay=1")
    assert src.endswith("#t=30s")


def test_without_javascript_the_facade_is_a_link_to_the_video(browser, live_server, make_post):
    post = make_post(body="https://youtu.be/dQw4w9WgXcQ?t=15")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    link = page.locator("a.video-facade")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=15s"
    assert page.locator("iframe").count() == 0
    context.close()
