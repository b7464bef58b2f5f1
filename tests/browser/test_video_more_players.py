"""PeerTube, the Internet Archive, SoundCloud and Bandcamp in chromium: nothing before play."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UUID = "9c9de5e8-0a1e-484a-b099-e80766180a6d"


@pytest.mark.parametrize(
    ("url", "player"),
    [
        (
            "https://tube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv",
            f"https://tube.example.org/videos/embed/{UUID}?autoplay=1&p2p=0&peertubeLink=0"
            "&warningTitle=0",
        ),
        (
            "https://archive.org/details/his_girl_friday",
            "https://archive.org/embed/his_girl_friday?autoplay=1",
        ),
        (
            "https://soundcloud.com/forss/flickermood",
            "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fforss%2Fflickermood"
            "&auto_play=true&visual=true&show_comments=false",
        ),
    ],
)
def test_each_player_loads_only_when_pressed(page, live_server, make_post, settings, url, player):
    settings.CLOSER_PEERTUBE_HOSTS = ["tube.example.org"]
    post = make_post(body=f"Before.\n\n{url}\n\nAfter.")
    page.goto(live_server.url + post.get_absolute_url())
    assert page.locator("iframe").count() == 0
    assert page.requests.third_party == []
    page.locator("a.video-facade").click()
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    assert frame.get_attribute("src") == player
    assert frame.get_attribute("referrerpolicy") == "strict-origin-when-cross-origin"


def test_a_bandcamp_track_without_its_player_id_is_a_plain_link(page, live_server, make_post):
    post = make_post(body="https://artist.bandcamp.com/track/some-song")
    page.goto(live_server.url + post.get_absolute_url())
    link = page.get_by_role("link", name="Bandcamp track Listen on Bandcamp")
    assert link.get_attribute("href") == "https://artist.bandcamp.com/track/some-song"
    assert page.locator("a.video-facade").count() == 0
    assert page.requests.third_party == []


def test_a_bandcamp_track_with_its_player_id_has_the_facade(page, live_server, make_post):
    post = make_post(body="https://artist.bandcamp.com/track/some-song")
    video = post.inline_videos.get()
    video.embed_id, video.title = "2807734542", "Some Song"
    video.save()
    page.goto(live_server.url + post.get_absolute_url())
    page.get_by_role("link", name="Play track: Some Song").click()
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    assert frame.get_attribute("src").startswith(
        "https://bandcamp.com/EmbeddedPlayer/track=2807734542/size=large/"
    )
