"""Transcripts and watch-along in chromium: transcript lines seek the player; the paragraph
quoting what plays is marked; "Follow along" scrolls; the quoted moments play in order."""

import json

import pytest
from django.core.files.base import ContentFile

from videos.models import Video, VideoCaption

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Stands in for each provider's player page, speaking its postMessage protocol as the real one
# does: YouTube sends infoDelivery (currentTime) only once the page said "listening"; Vimeo says
# "ready", then sends timeupdate events once asked with addEventListener; Dailymotion (loaded
# with api=postMessage) sends "event=timeupdate&time=…" unasked. The test moves its clock.
FAKE_PLAYER = """<!doctype html><title>player</title><script>
var kind = location.hostname.indexOf("vimeo") > -1 ? "vimeo"
  : location.hostname.indexOf("dailymotion") > -1 ? "dailymotion" : "youtube";
window.got = []; window.subscribed = kind === "dailymotion";
addEventListener("message", function (e) {
  got.push(e.data);
  var m; try { m = JSON.parse(e.data); } catch (x) { return; }
  if (kind === "youtube" && m.event === "listening") subscribed = true;
  if (kind === "vimeo" && m.method === "addEventListener" && m.value === "timeupdate") subscribed = true;
});
window.report = function (t) {
  if (kind === "youtube") parent.postMessage(JSON.stringify({event: "infoDelivery", id: 1, channel: "widget", info: {currentTime: t}}), "*");
  else if (kind === "vimeo") parent.postMessage(JSON.stringify({event: "timeupdate", data: {seconds: t, percent: t / 300, duration: 300}}), "*");
  else parent.postMessage("event=timeupdate&time=" + t + "&id=player", "*");
};
if (kind === "vimeo") parent.postMessage(JSON.stringify({event: "ready"}), "*");
</script>"""

PLAYERS = {
    "youtube": ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/**"),
    "vimeo": ("https://vimeo.com/76979871", "https://player.vimeo.com/**"),
    "dailymotion": ("https://dai.ly/x7tgad0", "https://geo.dailymotion.com/**"),
}

ESSAY = (
    "{url}\n\n"
    "The song opens on an empty room [0:10].\n\n"
    "Then the set is revealed [1:00-1:20], one wall at a time.\n\n"
    "The chorus comes back at [2:00], and nothing has moved."
)


def fake_players(page):
    for _, pattern in PLAYERS.values():
        page.route(
            pattern,
            lambda route: route.fulfill(status=200, content_type="text/html", body=FAKE_PLAYER),
        )


def player(page, host):
    """Return the fake player's frame once it is subscribed to report its time."""
    page.wait_for_function(
        f"[...document.querySelectorAll('iframe')].some(f => f.src.includes('{host}'))"
    )
    frame = page.locator(f"iframe.video-player[src*='{host}']").element_handle().content_frame()
    frame.wait_for_function("window.subscribed === true")
    return frame


def plays_at(frame, seconds):
    frame.evaluate(f"report({seconds})")


def marked(page) -> list[str]:
    return page.locator(".post-body .watchalong-now").all_inner_texts()


def wait_marked(page, text):
    page.wait_for_function(
        "text => [...document.querySelectorAll('.post-body .watchalong-now')]"
        ".some(e => e.innerText.includes(text))",
        arg=text,
    )


def got(frame):
    return [json.loads(m) for m in frame.evaluate("window.got")]


def wait_for_message(frame, message):
    text = json.dumps(message, separators=(",", ":"))
    frame.wait_for_function(f"window.got.some(m => JSON.stringify(JSON.parse(m)) === {text!r})")


def test_a_transcript_line_plays_the_video_from_there_then_seeks(page, live_server, make_post):
    post = make_post(body="https://youtu.be/dQw4w9WgXcQ\n\nAn essay about a song.")
    Video.objects.update(transcript="[0:12] We're no strangers\n[1:05] You know the rules")
    page.goto(live_server.url + post.get_absolute_url())
    assert page.requests.third_party == []
    transcript = page.locator("details.video-transcript-text")
    assert not transcript.locator("li").first.is_visible()  # collapsed until asked for
    transcript.locator("summary").click()
    fake_players(page)
    transcript.get_by_role("link", name="0:12").click()
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    assert "start=12" in frame.get_attribute("src")
    youtube = player(page, "youtube-nocookie.com")
    transcript.get_by_role("link", name="1:05").click()
    wait_for_message(youtube, {"event": "command", "func": "seekTo", "args": [65, True]})
    assert page.locator("iframe").count() == 1
    # The line being spoken is marked as the video plays.
    plays_at(youtube, 70)
    page.wait_for_function(
        "document.querySelector('.video-transcript-lines .watchalong-now')"
        "?.innerText.includes('You know the rules')"
    )


@pytest.mark.parametrize("provider", ["youtube", "vimeo", "dailymotion"])
def test_the_paragraph_quoting_the_moment_playing_is_marked(page, live_server, make_post, provider):
    url, _ = PLAYERS[provider]
    post = make_post(body=ESSAY.format(url=url))
    page.goto(live_server.url + post.get_absolute_url())
    assert marked(page) == []
    fake_players(page)
    page.locator("a.video-facade").click()
    frame = player(page, page.locator("iframe.video-player").get_attribute("src").split("/")[2])
    plays_at(frame, 12)
    wait_marked(page, "empty room")
    plays_at(frame, 65)  # inside the clip 1:00–1:20
    wait_marked(page, "set is revealed")
    plays_at(frame, 95)  # after the clip, before 2:00: still the latest moment before it
    plays_at(frame, 130)
    wait_marked(page, "chorus comes back")
    assert len(marked(page)) == 1
    plays_at(frame, 3)  # before any quoted moment: nothing is marked
    page.wait_for_function("() => !document.querySelector('.post-body .watchalong-now')")


def test_a_message_from_elsewhere_marks_nothing(page, live_server, make_post):
    post = make_post(body=ESSAY.format(url=PLAYERS["vimeo"][0]))
    page.goto(live_server.url + post.get_absolute_url())
    fake_players(page)
    page.locator("a.video-facade").click()
    frame = player(page, "player.vimeo.com")
    page.evaluate("postMessage(JSON.stringify({event: 'timeupdate', data: {seconds: 65}}), '*')")
    plays_at(frame, 12)  # the player's own report comes after the forged one
    wait_marked(page, "empty room")
    assert len(marked(page)) == 1


def test_a_video_file_is_followed_by_its_own_timeupdate(page, live_server, make_post):
    post = make_post(body=ESSAY.format(url="https://media.example.org/essay.mp4"))
    page.goto(live_server.url + post.get_absolute_url())
    page.locator("a.video-facade").click()
    page.locator("video.video-player").wait_for()
    # No media loads here (third parties are blocked): stand in for the element's clock.
    page.evaluate(
        "() => { const v = document.querySelector('video.video-player');"
        " Object.defineProperty(v, 'currentTime', {value: 65, configurable: true});"
        " v.dispatchEvent(new Event('timeupdate')); }"
    )
    wait_marked(page, "set is revealed")


def test_follow_along_scrolls_the_essay_with_the_video(page, live_server, make_post):
    filler = "\n\n".join(f"Paragraph {n} of the argument, at some length." for n in range(40))
    post = make_post(
        body=f"https://youtu.be/dQw4w9WgXcQ\n\nAt [0:10] the room is empty.\n\n{filler}\n\n"
        "Far below, at [2:00], the chorus."
    )
    page.goto(live_server.url + post.get_absolute_url())
    follow = page.get_by_role("button", name="Follow along")
    assert follow.get_attribute("aria-pressed") == "false"
    follow.click()
    assert follow.get_attribute("aria-pressed") == "true"
    fake_players(page)
    page.locator("a.video-facade").click()
    frame = player(page, "youtube-nocookie.com")
    far = page.locator(".post-body p", has_text="the chorus")
    assert not far.is_visible() or far.bounding_box()["y"] > 900
    plays_at(frame, 125)
    page.wait_for_function(
        "() => { const r = [...document.querySelectorAll('.post-body p')]"
        ".find(p => p.innerText.includes('the chorus')).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    # The playing video stays in view above the text.
    box = page.locator("figure.video").bounding_box()
    assert box["y"] >= 0 and box["y"] < 100
    # A reader who scrolls takes the page back.
    page.mouse.wheel(0, -300)
    page.wait_for_function(
        "() => document.querySelector('.watchalong-follow').getAttribute('aria-pressed') === 'false'"
    )


def test_play_the_quoted_moments_plays_each_clip_in_order(page, live_server, make_post):
    post = make_post(
        body="https://youtu.be/dQw4w9WgXcQ\n\nFirst [0:10-0:20], a moment [0:30], "
        "then [1:00-1:05].\n\nhttps://vimeo.com/76979871\n\nAnd elsewhere [2:00-2:10]."
    )
    page.goto(live_server.url + post.get_absolute_url())
    fake_players(page)
    page.get_by_role("button", name="Play the 3 quoted moments").click()
    play = page.locator("button.watchalong-play")
    frame = page.locator("figure.video").first.locator("iframe.video-player")
    frame.wait_for()
    assert "start=10&end=20" in frame.get_attribute("src")
    youtube = player(page, "youtube-nocookie.com")
    assert play.inner_text() == "Stop the quoted moments"
    plays_at(youtube, 15)
    wait_marked(page, "First")
    plays_at(youtube, 20)  # YouTube stops at `end` by itself: the next clip, same video
    wait_for_message(youtube, {"event": "command", "func": "seekTo", "args": [60, True]})
    wait_for_message(youtube, {"event": "command", "func": "playVideo", "args": []})
    plays_at(youtube, 20.2)  # a report from before the seek does not skip the clip
    plays_at(youtube, 61)
    plays_at(youtube, 65.1)
    # clips.js pauses it at 1:05, and the Vimeo clip starts in its own player.
    wait_for_message(youtube, {"event": "command", "func": "pauseVideo", "args": []})
    vimeo = player(page, "player.vimeo.com")
    assert page.locator("iframe.video-player").nth(1).get_attribute("src").endswith("#t=120s")
    seeks = [m for m in got(youtube) if m.get("func") == "seekTo"]
    assert seeks == [{"event": "command", "func": "seekTo", "args": [60, True]}]
    plays_at(vimeo, 121)
    wait_marked(page, "elsewhere")
    plays_at(vimeo, 130.1)
    wait_for_message(vimeo, {"method": "pause"})
    page.wait_for_function(
        "document.querySelector('.watchalong-play').innerText === 'Play the 3 quoted moments'"
    )


def test_a_file_video_gets_its_caption_tracks(page, live_server, make_post):
    post = make_post(body="https://media.example.org/essay.mp4")
    VideoCaption.objects.create(
        video=Video.objects.get(),
        language="fr",
        file=ContentFile(b"WEBVTT\n\n00:01.000 --> 00:02.000\nBonjour\n", name="fr.vtt"),
    )
    page.goto(live_server.url + post.get_absolute_url())
    page.locator("a.video-facade").click()
    track = page.locator("video.video-player track")
    track.wait_for(state="attached")
    assert (track.get_attribute("kind"), track.get_attribute("srclang")) == ("captions", "fr")
    assert track.get_attribute("label") == "Français"
    response = page.request.get(live_server.url + track.get_attribute("src"))
    assert response.ok and response.text().startswith("WEBVTT")
