import hashlib
import re
from urllib.parse import SplitResult

import pytest

from videos.providers import (
    PROVIDERS,
    Provider,
    UnsupportedVideoURL,
    VideoRef,
    format_timecode,
    get_provider,
    parse_timecode,
    parse_video_url,
    register,
    supported_providers_text,
)

YT = "dQw4w9WgXcQ"
PLAYLIST = "PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf"
VIMEO = "76979871"
HASH = "8272103f6e"
DM = "x7tgad0"

# PeerTube joins the sentence only with instances allowed (tests/videos/test_more_providers.py).
SUPPORTED = (
    "Paste a link to a YouTube, Vimeo, Dailymotion or Internet Archive video, "
    "to a Bandcamp or SoundCloud track, or to an .mp4, .webm or .ogv file on an https site."
)


def file_id(url):
    return hashlib.sha256(url.encode()).hexdigest()[:16]


# (url, video_id, start_seconds, playlist_id)
YOUTUBE_URLS = [
    (f"https://www.youtube.com/watch?v={YT}", YT, None, None),
    (f"https://youtube.com/watch?v={YT}", YT, None, None),
    (f"http://www.youtube.com/watch?v={YT}", YT, None, None),
    (f"HTTPS://WWW.YOUTUBE.COM/watch?v={YT}", YT, None, None),
    (f"https://m.youtube.com/watch?v={YT}", YT, None, None),
    (f"https://music.youtube.com/watch?v={YT}&si=abc", YT, None, None),
    (f"https://www.youtube.com/watch?feature=share&v={YT}", YT, None, None),
    (f"https://www.youtube.com/watch/?v={YT}", YT, None, None),
    (f"https://www.youtube.com:443/watch?v={YT}", YT, None, None),
    (f"  https://www.youtube.com/watch?v={YT}\n", YT, None, None),
    (f"https://www.youtube.com/watch?v={YT}&t=90", YT, 90, None),
    (f"https://www.youtube.com/watch?v={YT}&t=90s", YT, 90, None),
    (f"https://www.youtube.com/watch?t=1m30s&v={YT}", YT, 90, None),
    (f"https://www.youtube.com/watch?v={YT}&t=1h2m3s", YT, 3723, None),
    (f"https://www.youtube.com/watch?v={YT}&start=42", YT, 42, None),
    (f"https://www.youtube.com/watch?v={YT}#t=1m30s", YT, 90, None),
    (f"https://www.youtube.com/watch?v={YT}&t=0", YT, None, None),
    (f"https://www.youtube.com/watch?v={YT}&t=soon", YT, None, None),
    (f"https://www.youtube.com/watch?v={YT}&list={PLAYLIST}", YT, None, PLAYLIST),
    (f"https://www.youtube.com/watch?list={PLAYLIST}&index=3&v={YT}&t=5", YT, 5, PLAYLIST),
    (f"https://www.youtube.com/watch?v={YT}&list=WL", YT, None, None),
    (f"https://youtu.be/{YT}", YT, None, None),
    (f"https://youtu.be/{YT}?si=Jx7-q2aB&t=42", YT, 42, None),
    (f"youtu.be/{YT}", YT, None, None),
    (f"www.youtube.com/watch?v={YT}", YT, None, None),
    (f"https://www.youtube.com/embed/{YT}", YT, None, None),
    (f"https://www.youtube.com/embed/{YT}?start=30&list={PLAYLIST}", YT, 30, PLAYLIST),
    (f"https://www.youtube-nocookie.com/embed/{YT}?rel=0", YT, None, None),
    (f"https://youtube-nocookie.com/embed/{YT}", YT, None, None),
    (f"https://www.youtube.com/shorts/{YT}", YT, None, None),
    (f"https://youtube.com/shorts/{YT}?feature=share", YT, None, None),
    (f"https://www.youtube.com/live/{YT}?si=abc", YT, None, None),
    (f"https://www.youtube.com/v/{YT}", YT, None, None),
    (f"https://www.youtube.com/e/{YT}", YT, None, None),
    ("https://www.youtube.com/watch?v=a_b-C1d2E3f", "a_b-C1d2E3f", None, None),
    (f"https://www.youtube.com/watch?v={YT}&t=1m40", YT, 100, None),
    (f"https://www.youtube.com/watch?v={YT}&list={PLAYLIST}&t=1m40", YT, 100, PLAYLIST),
    (f"https://www.youtube.com/watch?t=1h2m3&list={PLAYLIST}&v={YT}", YT, 3723, PLAYLIST),
    (f"https://youtu.be/{YT}?t=2m5", YT, 125, None),
    (f"https://m.youtube.com/#/watch?v={YT}", YT, None, None),
    (f"https://m.youtube.com/#/watch?v={YT}&t=1m40", YT, 100, None),
    (f"https://m.youtube.com/details?v={YT}", YT, None, None),
]

# (url, video_id, start_seconds, private_hash)
VIMEO_URLS = [
    (f"https://vimeo.com/{VIMEO}", VIMEO, None, None),
    (f"https://www.vimeo.com/{VIMEO}", VIMEO, None, None),
    (f"http://vimeo.com/{VIMEO}/", VIMEO, None, None),
    (f"vimeo.com/{VIMEO}", VIMEO, None, None),
    (f"https://vimeo.com/{VIMEO}?share=copy", VIMEO, None, None),
    (f"https://vimeo.com/{VIMEO}/{HASH}", VIMEO, None, HASH),
    (f"https://vimeo.com/{VIMEO}?h={HASH}", VIMEO, None, HASH),
    (f"https://player.vimeo.com/video/{VIMEO}", VIMEO, None, None),
    (f"https://player.vimeo.com/video/{VIMEO}?h={HASH}&badge=0", VIMEO, None, HASH),
    (f"https://vimeo.com/channels/staffpicks/{VIMEO}", VIMEO, None, None),
    (f"https://vimeo.com/groups/shortfilms/videos/{VIMEO}", VIMEO, None, None),
    (f"https://vimeo.com/showcase/9876543/video/{VIMEO}", VIMEO, None, None),
    (f"https://vimeo.com/album/2222/video/{VIMEO}", VIMEO, None, None),
    (f"https://vimeo.com/{VIMEO}#t=1m30s", VIMEO, 90, None),
    (f"https://vimeo.com/{VIMEO}#t=90", VIMEO, 90, None),
    (f"https://vimeo.com/{VIMEO}/{HASH}#t=90s", VIMEO, 90, HASH),
    ("https://vimeo.com/1", "1", None, None),
    (f"https://vimeo.com/essayist/review/{VIMEO}/5c2bd4e7a1", VIMEO, None, None),
    (f"https://vimeo.com/user12345/review/{VIMEO}/NOT-a-hash_xyz", VIMEO, None, None),
    (f"https://vimeo.com/manage/{VIMEO}/general", VIMEO, None, None),
    (f"https://vimeo.com/manage/videos/{VIMEO}", VIMEO, None, None),
]

# (url, video_id, start_seconds)
DAILYMOTION_URLS = [
    (f"https://www.dailymotion.com/video/{DM}", DM, None),
    (f"https://dailymotion.com/video/{DM}", DM, None),
    (f"http://www.dailymotion.com/video/{DM}", DM, None),
    (f"https://www.dailymotion.com/video/{DM}_some-title-slug", DM, None),
    (f"https://www.dailymotion.com/video/{DM}?start=90", DM, 90),
    (f"https://www.dailymotion.com/video/{DM}_some-title-slug?start=12", DM, 12),
    (f"https://dai.ly/{DM}", DM, None),
    (f"dai.ly/{DM}", DM, None),
    (f"https://www.dailymotion.com/embed/video/{DM}", DM, None),
    (f"https://www.dailymotion.com/embed/video/{DM}?start=5", DM, 5),
    (f"https://geo.dailymotion.com/player.html?video={DM}", DM, None),
    (f"https://geo.dailymotion.com/player.html?video={DM}&startTime=30", DM, 30),
    (f"https://geo.dailymotion.com/player/xjrxe.html?video={DM}", DM, None),
    ("https://www.dailymotion.com/video/k2Xq8Zo0k", "k2Xq8Zo0k", None),
]

# (url, source_url, start_seconds)
FILE_URLS = [
    ("https://cdn.example.com/essays/cut.mp4", "https://cdn.example.com/essays/cut.mp4", None),
    ("https://cdn.example.com/essays/cut.MP4", "https://cdn.example.com/essays/cut.MP4", None),
    ("https://media.example.org/a.webm", "https://media.example.org/a.webm", None),
    ("https://media.example.org/a.ogv", "https://media.example.org/a.ogv", None),
    ("https://CDN.Example.com/a.mp4", "https://cdn.example.com/a.mp4", None),
    ("https://cdn.example.com/a.mp4?token=abc", "https://cdn.example.com/a.mp4?token=abc", None),
    ("https://cdn.example.com/a.mp4#t=90", "https://cdn.example.com/a.mp4", 90),
    ("https://cdn.example.com/\u00e9.mp4", "https://cdn.example.com/%C3%A9.mp4", None),
    ("https://cdn.example.com:443/a.mp4", "https://cdn.example.com/a.mp4", None),
    ("https://www.youtube.com/static/clip.mp4", "https://www.youtube.com/static/clip.mp4", None),
]

# Clips: (url, provider, start_seconds, end_seconds)
CLIP_URLS = [
    (f"https://www.youtube.com/watch?v={YT}&t=83&end=105", "youtube", 83, 105),
    (f"https://youtu.be/{YT}?t=1m23s&end=1m45s", "youtube", 83, 105),
    (f"https://www.youtube.com/embed/{YT}?start=83&end=105", "youtube", 83, 105),
    (f"https://www.youtube.com/watch?v={YT}#t=1m23s,1m45s", "youtube", 83, 105),
    (f"https://www.youtube.com/watch?v={YT}&end=105", "youtube", None, 105),
    (f"https://www.youtube.com/watch?v={YT}&t=83&end=80", "youtube", 83, None),
    (f"https://www.youtube.com/watch?v={YT}&t=83&end=soon", "youtube", 83, None),
    (f"https://vimeo.com/{VIMEO}#t=1m23s,1m45s", "vimeo", 83, 105),
    (f"https://vimeo.com/{VIMEO}#t=83,105", "vimeo", 83, 105),
    (f"https://vimeo.com/{VIMEO}#t=105,83", "vimeo", 105, None),
    ("https://cdn.example.com/a.mp4#t=10,20", "file", 10, 20),
    ("https://cdn.example.com/a.mp4#t=,20", "file", None, 20),
    ("https://cdn.example.com/a.mp4#t=10,x", "file", 10, None),
]


@pytest.mark.parametrize(("url", "provider", "start", "end"), CLIP_URLS)
def test_clip_urls(url, provider, start, end):
    ref = parse_video_url(url)
    assert (ref.provider, ref.start_seconds, ref.end_seconds) == (provider, start, end)


def test_clip_player_urls_stop_where_they_can():
    youtube = parse_video_url(f"https://youtu.be/{YT}?t=83&end=105")
    assert youtube.player_url() == (
        f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1&start=83&end=105&enablejsapi=1"
    )
    # A plain timecode in the same clip's video plays on: no end unless one is given.
    assert youtube.player_url(start=10, end=20).endswith("start=10&end=20&enablejsapi=1")
    assert youtube.player_url(start=200).endswith("start=200&enablejsapi=1")
    assert youtube.watch_url() == f"https://www.youtube.com/watch?v={YT}&t=83s"
    file = parse_video_url("https://cdn.example.com/a.mp4#t=10,20")
    assert file.player_url() == "https://cdn.example.com/a.mp4#t=10,20"
    assert file.watch_url() == "https://cdn.example.com/a.mp4#t=10"
    # Vimeo has no end parameter: clips.js pauses it through its postMessage API.
    vimeo = parse_video_url(f"https://vimeo.com/{VIMEO}#t=83,105")
    assert vimeo.player_url() == f"https://player.vimeo.com/video/{VIMEO}?dnt=1&autoplay=1#t=83s"


# (url, words the message must contain)
HOSTILE_URLS = [
    ("", "Enter a video URL"),
    ("   ", "Enter a video URL"),
    ("https://example.com/" + "a" * 2000, "too long (over 2,000 characters)"),
    ("javascript:alert(1)", "Only http:// and https://"),
    ("JavaScript:alert(document.cookie)//youtu.be/dQw4w9WgXcQ", "Only http:// and https://"),
    ("data:text/html,<script>alert(1)</script>", "Only http:// and https://"),
    (f"ftp://www.youtube.com/watch?v={YT}", "Only http:// and https://"),
    ("file:///etc/passwd.mp4", "Only http:// and https://"),
    (f"//www.youtube.com/watch?v={YT}", "Only http:// and https://"),
    ("//evil.example/a.mp4", "Only http:// and https://"),
    (f"https:www.youtube.com/watch?v={YT}", "Only http:// and https://"),
    (f"https://user:pass@www.youtube.com/watch?v={YT}", "user name or password"),
    (f"https://www.youtube.com@evil.example/watch?v={YT}", "user name or password"),
    (f"https://www.youtube.com:8080/watch?v={YT}", "port number"),
    ("https://vimeo.com:80/76979871", "port number"),
    ("https://cdn.example.com:8443/a.mp4", "port number"),
    (f"https://www.youtube.com/watch?v={YT}\x00", "control characters"),
    (f"https://www.you\ttube.com/watch?v={YT}", "control characters"),
    (f"https://www.youtube.com/watch?v={YT} extra", "spaces"),
    (f"https://www.youtube.com\\@evil.example/watch?v={YT}", "backslashes"),
    (f"https://evil.example\\.youtube.com/watch?v={YT}", "backslashes"),
    ("https://www.youtube.com/watch?v=dQw4w\u200b9WgXcQ", "control characters"),
    (f"https://youtube.com.evil.example/watch?v={YT}", "Not a supported video URL"),
    (f"https://notyoutube.com/watch?v={YT}", "Not a supported video URL"),
    (f"https://youtube.co/watch?v={YT}", "Not a supported video URL"),
    (f"https://www.youtube.com./watch?v={YT}", "Not a supported video URL"),
    (f"https://www.y\u043eutube.com/watch?v={YT}", "Not a supported video URL"),
    (f"https://evil.example/.youtube.com/watch?v={YT}", "Not a supported video URL"),
    (f"https://evil.example/watch?v={YT}", "Not a supported video URL"),
    ("https://evil.example/?u=https://vimeo.com/1", "Not a supported video URL"),
    ("https://vimeo.com.evil.example/76979871", "Not a supported video URL"),
    ("https://evil-vimeo.com/76979871", "Not a supported video URL"),
    ("https://dai.ly.evil.example/x7tgad0", "Not a supported video URL"),
    ("https://[::1]/a.mp4", "Not a supported video URL"),
    ("https://[::1/a.mp4", "Not a supported video URL"),
    ("https://example.com/page.html", "Not a supported video URL"),
    ("not a url", "spaces"),
    ("dQw4w9WgXcQ", "Not a supported video URL"),
    (f"https://www.youtube.com/watch?v={YT[:10]}", "YouTube link does not point to a single video"),
    (f"https://www.youtube.com/watch?v={YT}X", "YouTube link does not point to a single video"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXc!", "YouTube link does not point"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXc%3C", "YouTube link does not point"),
    ("https://www.youtube.com/watch", "YouTube link does not point to a single video"),
    ("https://www.youtube.com/channel/UC38IQsAvIsxxjztdMZQtwHA", "YouTube link does not point"),
    (f"https://youtu.be/{YT}/extra", "YouTube link does not point to a single video"),
    (f"https://www.youtube.com/embed/videoseries?list={PLAYLIST}", "YouTube playlist"),
    (f"https://www.youtube.com/playlist?list={PLAYLIST}", "YouTube playlist"),
    ("https://www.youtube.com/embed/live_stream?channel=UC38IQsAvIsxxjztdMZQtwHA", "YouTube"),
    ("https://vimeo.com/channels/staffpicks", "Vimeo link does not point to a single video"),
    ("https://vimeo.com/user/review/76979871", "Vimeo link does not point to a single video"),
    ("https://vimeo.com/user/review/abc/5c2bd4e7a1", "Vimeo link does not point"),
    ("https://vimeo.com/manage/abc/general", "Vimeo link does not point to a single video"),
    ("https://www.youtube.com/#/watch?v=dQw4w9WgXcQ", "YouTube link does not point"),
    ("https://m.youtube.com/#/channel/UC38IQsAvIsxxjztdMZQtwHA", "YouTube link does not point"),
    ("https://www.youtube.com/details?v=dQw4w9WgXcQ", "YouTube link does not point"),
    ("https://vimeo.com/", "Vimeo link does not point to a single video"),
    ("https://vimeo.com/1234567890123", "Vimeo link does not point to a single video"),
    ("https://vimeo.com/76979871/NOT-A-HASH", "private hash"),
    ("https://vimeo.com/76979871?h=zzzzzzzz", "private hash"),
    ("https://player.vimeo.com/76979871", "Vimeo link does not point to a single video"),
    ("https://vimeo.com/\u0667\u0666\u0669\u0667", "Vimeo link does not point to a single video"),
    ("https://www.dailymotion.com/video/x7", "Dailymotion link does not point"),
    ("https://www.dailymotion.com/video/x7tgad0-bad!", "Dailymotion link does not point"),
    ("https://www.dailymotion.com/playlist/x6hynp", "Dailymotion link does not point"),
    ("https://geo.dailymotion.com/player.html", "Dailymotion link does not point"),
    ("http://cdn.example.com/a.mp4", "served over https"),
    ("https://203.0.113.7/a.mp4", "domain name"),
    ("https://localhost/a.mp4", "domain name"),
    ("https://cdn.example.com/a.mp4.html", "Not a supported video URL"),
    ("https://cdn.example.com/a.mov", "Not a supported video URL"),
    ("https://cdn.example.com/.mp4", "Not a supported video URL"),
]


@pytest.mark.parametrize(("url", "video_id", "start", "playlist_id"), YOUTUBE_URLS)
def test_youtube_urls(url, video_id, start, playlist_id):
    assert parse_video_url(url) == VideoRef(
        "youtube", video_id, start_seconds=start, playlist_id=playlist_id
    )


@pytest.mark.parametrize(("url", "video_id", "start", "private_hash"), VIMEO_URLS)
def test_vimeo_urls(url, video_id, start, private_hash):
    assert parse_video_url(url) == VideoRef(
        "vimeo", video_id, start_seconds=start, private_hash=private_hash
    )


@pytest.mark.parametrize(("url", "video_id", "start"), DAILYMOTION_URLS)
def test_dailymotion_urls(url, video_id, start):
    assert parse_video_url(url) == VideoRef("dailymotion", video_id, start_seconds=start)


@pytest.mark.parametrize(("url", "source_url", "start"), FILE_URLS)
def test_file_urls(url, source_url, start):
    assert parse_video_url(url) == VideoRef(
        "file", file_id(source_url), start_seconds=start, source_url=source_url
    )


@pytest.mark.parametrize(("url", "words"), HOSTILE_URLS)
def test_rejected_urls_say_why_and_what_works(url, words):
    with pytest.raises(UnsupportedVideoURL) as excinfo:
        parse_video_url(url)
    message = str(excinfo.value)
    assert words in message
    assert message.endswith(SUPPORTED[1:]), message


@pytest.mark.parametrize("value", [None, 42, b"https://youtu.be/dQw4w9WgXcQ", ["x"]])
def test_non_strings_are_rejected(value):
    with pytest.raises(UnsupportedVideoURL):
        parse_video_url(value)


def test_unsupported_video_url_is_a_value_error():
    assert issubclass(UnsupportedVideoURL, ValueError)


def test_generic_message_names_the_providers():
    with pytest.raises(UnsupportedVideoURL) as excinfo:
        parse_video_url("https://example.com/watch?v=dQw4w9WgXcQ")
    assert str(excinfo.value) == (
        "Not a supported video URL: paste a link to a YouTube, Vimeo, Dailymotion or Internet "
        "Archive video, to a Bandcamp or SoundCloud track, or to an .mp4, .webm or .ogv file on "
        "an https site."
    )


def test_supported_providers_text():
    assert supported_providers_text() == SUPPORTED


def test_url_at_the_length_limit_is_accepted():
    url = "https://cdn.example.com/" + "a" * (2000 - len("https://cdn.example.com/.mp4")) + ".mp4"
    assert len(url) == 2000
    assert parse_video_url(url).provider == "file"


def test_file_id_is_stable_across_spellings():
    a = parse_video_url("https://CDN.example.com:443/a.mp4#t=3")
    b = parse_video_url("https://cdn.example.com/a.mp4")
    assert a.video_id == b.video_id
    assert re.fullmatch(r"[0-9a-f]{16}", a.video_id)


# (ref, kwargs, expected embed_url)
EMBED_URLS = [
    (VideoRef("youtube", YT), {}, f"https://www.youtube-nocookie.com/embed/{YT}"),
    (
        VideoRef("youtube", YT),
        {"autoplay": True},
        f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1",
    ),
    (
        VideoRef("youtube", YT, start_seconds=90),
        {},
        f"https://www.youtube-nocookie.com/embed/{YT}?start=90",
    ),
    (
        VideoRef("youtube", YT, start_seconds=90),
        {"start": 12, "autoplay": True},
        f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1&start=12",
    ),
    (
        VideoRef("youtube", YT, playlist_id=PLAYLIST),
        {},
        f"https://www.youtube-nocookie.com/embed/{YT}?list={PLAYLIST}",
    ),
    (VideoRef("vimeo", VIMEO), {}, f"https://player.vimeo.com/video/{VIMEO}?dnt=1"),
    (
        VideoRef("vimeo", VIMEO, private_hash=HASH),
        {"autoplay": True, "start": 90},
        f"https://player.vimeo.com/video/{VIMEO}?dnt=1&h={HASH}&autoplay=1#t=90s",
    ),
    (
        VideoRef("vimeo", VIMEO, start_seconds=30),
        {},
        f"https://player.vimeo.com/video/{VIMEO}?dnt=1#t=30s",
    ),
    (VideoRef("dailymotion", DM), {}, f"https://geo.dailymotion.com/player.html?video={DM}"),
    (
        VideoRef("dailymotion", DM, start_seconds=90),
        {"autoplay": True},
        f"https://geo.dailymotion.com/player.html?video={DM}&startTime=90&autoplay=true",
    ),
    (
        VideoRef("file", "0" * 16, source_url="https://cdn.example.com/a.mp4"),
        {"autoplay": True},
        "https://cdn.example.com/a.mp4",
    ),
    (
        VideoRef("file", "0" * 16, start_seconds=7, source_url="https://cdn.example.com/a.mp4"),
        {},
        "https://cdn.example.com/a.mp4#t=7",
    ),
]


@pytest.mark.parametrize(("ref", "kwargs", "expected"), EMBED_URLS)
def test_embed_url(ref, kwargs, expected):
    assert ref.embed_url(**kwargs) == expected


# (ref, start, expected watch_url)
WATCH_URLS = [
    (VideoRef("youtube", YT), None, f"https://www.youtube.com/watch?v={YT}"),
    (VideoRef("youtube", YT), 90, f"https://www.youtube.com/watch?v={YT}&t=90s"),
    (
        VideoRef("youtube", YT, start_seconds=5, playlist_id=PLAYLIST),
        None,
        f"https://www.youtube.com/watch?v={YT}&t=5s&list={PLAYLIST}",
    ),
    (VideoRef("youtube", YT, start_seconds=5), 0, f"https://www.youtube.com/watch?v={YT}"),
    (VideoRef("vimeo", VIMEO), None, f"https://vimeo.com/{VIMEO}"),
    (VideoRef("vimeo", VIMEO, private_hash=HASH), 90, f"https://vimeo.com/{VIMEO}/{HASH}#t=90s"),
    (VideoRef("dailymotion", DM), None, f"https://www.dailymotion.com/video/{DM}"),
    (VideoRef("dailymotion", DM), 90, f"https://www.dailymotion.com/video/{DM}?start=90"),
    (
        VideoRef("file", "0" * 16, source_url="https://cdn.example.com/a.webm"),
        90,
        "https://cdn.example.com/a.webm#t=90",
    ),
]


@pytest.mark.parametrize(("ref", "start", "expected"), WATCH_URLS)
def test_watch_url(ref, start, expected):
    assert ref.watch_url(start=start) == expected


@pytest.mark.parametrize(
    ("ref", "poster_url", "player_kind"),
    [
        (VideoRef("youtube", YT), f"https://i.ytimg.com/vi/{YT}/hqdefault.jpg", "iframe"),
        (VideoRef("vimeo", VIMEO), None, "iframe"),
        (
            VideoRef("dailymotion", DM),
            f"https://www.dailymotion.com/thumbnail/video/{DM}",
            "iframe",
        ),
        (VideoRef("file", "0" * 16, source_url="https://cdn.example.com/a.mp4"), None, "native"),
    ],
)
def test_poster_url_and_player_kind(ref, poster_url, player_kind):
    assert ref.poster_url == poster_url
    assert ref.player_kind == player_kind


def test_key():
    assert VideoRef("vimeo", VIMEO).key == f"vimeo:{VIMEO}"


def test_video_ref_is_frozen():
    ref = VideoRef("youtube", YT)
    with pytest.raises(AttributeError):
        ref.video_id = "x"


def test_round_trip_through_watch_url():
    for url in (
        f"https://youtu.be/{YT}?t=90&list={PLAYLIST}",
        f"https://player.vimeo.com/video/{VIMEO}?h={HASH}#t=90",
        f"https://dai.ly/{DM}?start=90",
    ):
        ref = parse_video_url(url)
        assert parse_video_url(ref.watch_url()) == ref


@pytest.mark.parametrize(
    ("name", "label", "oembed", "origins", "kind"),
    [
        (
            "youtube",
            "YouTube",
            "https://www.youtube.com/oembed",
            ("https://www.youtube-nocookie.com",),
            "iframe",
        ),
        (
            "vimeo",
            "Vimeo",
            "https://vimeo.com/api/oembed.json",
            ("https://player.vimeo.com",),
            "iframe",
        ),
        (
            "dailymotion",
            "Dailymotion",
            "https://www.dailymotion.com/services/oembed",
            ("https://geo.dailymotion.com",),
            "iframe",
        ),
        ("peertube", "PeerTube", "https://{host}/services/oembed", (), "iframe"),
        (
            "archive",
            "Internet Archive",
            "https://archive.org/services/oembed",
            ("https://archive.org",),
            "iframe",
        ),
        ("bandcamp", "Bandcamp", None, ("https://bandcamp.com",), "iframe"),
        (
            "soundcloud",
            "SoundCloud",
            "https://soundcloud.com/oembed",
            ("https://w.soundcloud.com",),
            "iframe",
        ),
        ("file", "Video file", None, (), "native"),
    ],
)
def test_provider_attributes(name, label, oembed, origins, kind):
    provider = get_provider(name)
    assert provider.name == name
    assert provider.label == label
    assert provider.oembed_endpoint == oembed
    assert provider.frame_origins == origins
    assert provider.player_kind == kind


def test_registry_order_and_unknown_provider():
    assert list(PROVIDERS) == [
        "youtube",
        "vimeo",
        "dailymotion",
        "peertube",
        "archive",
        "bandcamp",
        "soundcloud",
        "file",
    ]
    with pytest.raises(KeyError):
        get_provider("myspace")


def test_hosts_are_exact_lower_case_names():
    for provider in PROVIDERS.values():
        for host in provider.hosts:
            assert host == host.lower()
            assert re.fullmatch(r"[a-z0-9.-]+", host)


def test_registering_a_duplicate_name_fails():
    with pytest.raises(ValueError):

        @register
        class AnotherYouTube(Provider):
            name = "youtube"
            label = "YouTube again"


@pytest.fixture
def tinytube():
    """Register a throwaway provider for one test, then remove it."""

    @register
    class TinyTube(Provider):
        name = "tinytube"
        label = "TinyTube"
        hosts = frozenset({"tiny.example.org"})
        frame_origins = ("https://tiny.example.org",)

        def parse(self, url: SplitResult) -> VideoRef | None:
            match = re.fullmatch(r"/w/([A-Za-z0-9]{22})", url.path)
            if match is None:
                raise self.not_a_video()
            return VideoRef(self.name, match[1])

        def embed_url(self, ref, *, autoplay=False, start=None):
            return f"https://tiny.example.org/videos/embed/{ref.video_id}"

        def watch_url(self, ref, *, start=None):
            return f"https://tiny.example.org/w/{ref.video_id}"

    yield PROVIDERS["tinytube"]
    del PROVIDERS["tinytube"]


def test_one_class_is_enough_to_add_a_provider(tinytube):
    video_id = "9c9de5e8d0e24e0b8bb4e6"
    ref = parse_video_url(f"tiny.example.org/w/{video_id}")
    assert ref == VideoRef("tinytube", video_id)
    assert ref.embed_url() == f"https://tiny.example.org/videos/embed/{video_id}"
    assert ref.watch_url() == f"https://tiny.example.org/w/{video_id}"
    assert ref.poster_url is None
    assert ref.player_kind == "iframe"
    assert "Internet Archive or TinyTube video" in supported_providers_text()
    with pytest.raises(UnsupportedVideoURL, match="TinyTube link does not point"):
        parse_video_url("https://tiny.example.org/about")


def test_fake_provider_is_gone_afterwards():
    assert "tinytube" not in PROVIDERS
    assert "TinyTube" not in supported_providers_text()


TIMECODES = [
    ("0", 0),
    ("90", 90),
    ("90s", 90),
    ("1m", 60),
    ("1m30s", 90),
    ("1M30S", 90),
    ("2h", 7200),
    ("1h2m3s", 3723),
    ("1h3s", 3603),
    ("1m40", 100),
    ("1h2m3", 3723),
    ("0m5", 5),
    ("1m75", None),
    ("1m400", None),
    ("1:30", 90),
    ("0:05", 5),
    ("90:00", 5400),
    ("1:02:03", 3723),
    (" 1:30 ", 90),
    ("", None),
    ("s", None),
    ("abc", None),
    ("-5", None),
    ("1.5", None),
    ("1:5", None),
    ("1:60", None),
    ("1:75:00", None),
    ("1:2:3", None),
    ("1s2m", None),
    ("\u0661\u0662", None),
    ("1" * 20, None),
]


@pytest.mark.parametrize(("text", "seconds"), TIMECODES)
def test_parse_timecode(text, seconds):
    assert parse_timecode(text) == seconds


def test_parse_timecode_rejects_non_strings():
    assert parse_timecode(None) is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (5, "0:05"), (90, "1:30"), (599, "9:59"), (3600, "1:00:00"), (3723, "1:02:03")],
)
def test_format_timecode(seconds, text):
    assert format_timecode(seconds) == text
    assert parse_timecode(text) == seconds


def test_format_timecode_rejects_negative_seconds():
    with pytest.raises(ValueError):
        format_timecode(-1)
