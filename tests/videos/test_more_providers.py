"""PeerTube, the Internet Archive, Bandcamp and SoundCloud: URL tables, players, oEmbed.

Each provider gets the same treatment as the first three: what it accepts, what it refuses
(with the reason and the sentence naming what works), the player and page it builds, and its
details fetched from a real local server standing in for the provider.
"""

import hashlib
import re

import pytest
from fake_provider import bytes_answer, image_bytes, json_answer, send, status_answer
from page_checks import third_party_loads

from videos.embed import render_video
from videos.models import Health, Video
from videos.oembed import OEmbedError, fetch_oembed, has_details_source
from videos.providers import (
    UnsupportedVideoURL,
    VideoRef,
    get_provider,
    parse_video_url,
    supported_providers_text,
)
from videos.providers.peertube import allowed_hosts, uuid_from_short
from videos.services import (
    video_check_health,
    video_get_or_create_from_url,
    video_refresh_metadata,
)

UUID = "9c9de5e8-0a1e-484a-b099-e80766180a6d"
SHORT = "kkGMgK9ZtnKfYAgnEtQxbv"  # the same video, as PeerTube's /w/ links write it
TUBE = "https://tube.example.org"


def page_id(url):
    return hashlib.sha256(url.encode()).hexdigest()[:16]


# --- PeerTube -------------------------------------------------------------------------------

# (url, start, end)
PEERTUBE_URLS = [
    (f"{TUBE}/w/{SHORT}", None, None),
    (f"{TUBE}/w/{UUID}", None, None),
    (f"{TUBE}/videos/watch/{UUID}", None, None),
    (f"{TUBE}/videos/watch/{SHORT}", None, None),
    (f"{TUBE}/videos/embed/{UUID}", None, None),
    (f"{TUBE}/w/{SHORT}/", None, None),
    (f"http://tube.example.org/w/{SHORT}", None, None),
    (f"HTTPS://TUBE.EXAMPLE.ORG/w/{SHORT}", None, None),
    (f"tube.example.org/w/{SHORT}", None, None),
    (f"{TUBE}/w/{SHORT}?start=1m23s", 83, None),
    (f"{TUBE}/w/{SHORT}?start=83", 83, None),
    (f"{TUBE}/w/{SHORT}?start=1m23s&stop=1m45s", 83, 105),
    (f"{TUBE}/videos/embed/{UUID}?start=10&stop=5", 10, None),
    (f"{TUBE}/w/{SHORT}?t=90", 90, None),
]


@pytest.mark.parametrize(("url", "start", "end"), PEERTUBE_URLS)
def test_peertube_urls_on_an_allowed_instance(peertube, url, start, end):
    assert parse_video_url(url) == VideoRef(
        "peertube",
        UUID,
        start_seconds=start,
        end_seconds=end,
        source_url=f"{TUBE}/w/{UUID}",
    )


def test_peertube_short_uuids_are_base58_uuids():
    assert uuid_from_short(SHORT) == UUID
    assert uuid_from_short("1") == "00000000-0000-0000-0000-000000000000"
    # More than 128 bits is no UUID at all.
    assert uuid_from_short("z" * 22) is None


# (url, words the message must contain)
PEERTUBE_HOSTILE = [
    (f"https://other.example.org/w/{SHORT}", "Not a supported video URL"),
    (f"https://tube.example.org.evil.example/w/{SHORT}", "Not a supported video URL"),
    (f"https://eviltube.example.org/w/{SHORT}", "Not a supported video URL"),
    (f"https://evil.example/?u={TUBE}/w/{SHORT}", "Not a supported video URL"),
    (f"https://evil.example/{TUBE}/w/{SHORT}", "Not a supported video URL"),
    (f"https://tube.example.org:8443/w/{SHORT}", "port number"),
    (f"https://user@tube.example.org/w/{SHORT}", "user name or password"),
    (f"{TUBE}/w/{SHORT}0", "PeerTube link does not point to a single video"),
    (f"{TUBE}/w/{SHORT[:-1]}l", "PeerTube link does not point"),  # "l" is not base58
    (f"{TUBE}/w/{'z' * 22}", "PeerTube link does not point"),
    (f"{TUBE}/w/{UUID.upper()}", "PeerTube link does not point"),
    (f"{TUBE}/w/{UUID}x", "PeerTube link does not point"),
    (f"{TUBE}/w/../../admin", "PeerTube link does not point"),
    (f"{TUBE}/w/p/{SHORT}", "PeerTube playlist"),
    (f"{TUBE}/videos/watch/playlist/{UUID}", "PeerTube playlist"),
    (f"{TUBE}/c/some_channel/videos", "PeerTube link does not point"),
    (f"{TUBE}/", "PeerTube link does not point"),
    (f"{TUBE}/w/{SHORT}/extra", "PeerTube link does not point"),
]


@pytest.mark.parametrize(("url", "words"), PEERTUBE_HOSTILE)
def test_peertube_refuses(peertube, url, words):
    with pytest.raises(UnsupportedVideoURL) as excinfo:
        parse_video_url(url)
    assert words in str(excinfo.value)
    assert str(excinfo.value).endswith("on an https site.")


def test_peertube_accepts_no_instance_unless_the_operator_allows_it(settings):
    settings.CLOSER_PEERTUBE_HOSTS = []
    with pytest.raises(UnsupportedVideoURL, match="Not a supported video URL"):
        parse_video_url(f"{TUBE}/w/{SHORT}")
    assert "PeerTube" not in supported_providers_text()
    settings.CLOSER_PEERTUBE_HOSTS = ["tube.example.org"]
    assert parse_video_url(f"{TUBE}/w/{SHORT}").provider == "peertube"
    assert supported_providers_text().startswith(
        "Paste a link to a YouTube, Vimeo, Dailymotion, PeerTube or Internet Archive video, "
        "to a Bandcamp or SoundCloud track, or to"
    )


@pytest.mark.parametrize(
    "value", ["https://tube.example.org", "tube.example.org:443", "*.example.org", "tube", "a b"]
)
def test_peertube_hosts_must_be_plain_host_names(value):
    with pytest.raises(ValueError, match="is not a host name"):
        allowed_hosts([value])
    assert allowed_hosts([" Tube.Example.org "]) == {"tube.example.org"}


def test_peertube_players_are_private_and_stop_by_themselves(peertube):
    ref = parse_video_url(f"{TUBE}/w/{SHORT}?start=83&stop=105")
    assert ref.embed_url() == (
        f"{TUBE}/videos/embed/{UUID}?start=83&p2p=0&peertubeLink=0&warningTitle=0"
    )
    # p2p=0 keeps the reader's address from other viewers; stop= ends the clip.
    assert ref.player_url() == (
        f"{TUBE}/videos/embed/{UUID}?start=83&autoplay=1&p2p=0&peertubeLink=0&warningTitle=0"
        "&stop=105"
    )
    assert ref.watch_url() == f"{TUBE}/w/{UUID}?start=83"
    assert ref.watch_url(start=0) == f"{TUBE}/w/{UUID}"
    assert parse_video_url(ref.watch_url()) == parse_video_url(f"{TUBE}/w/{UUID}?start=83")
    assert get_provider("peertube").oembed_url(ref) == f"{TUBE}/services/oembed"
    assert get_provider("peertube").poster_hosts_for(ref) == {"tube.example.org"}


# --- The Internet Archive -------------------------------------------------------------------

ARCHIVE_URLS = [
    ("https://archive.org/details/Night_of_the_Living_Dead", "Night_of_the_Living_Dead"),
    ("https://www.archive.org/details/Night_of_the_Living_Dead/", "Night_of_the_Living_Dead"),
    ("archive.org/details/nasa-apollo-11.1969", "nasa-apollo-11.1969"),
    ("https://archive.org/embed/his_girl_friday", "his_girl_friday"),
    ("http://archive.org/details/his_girl_friday?autoplay=1", "his_girl_friday"),
    ("https://archive.org/details/" + "a" * 64, "a" * 64),
]


@pytest.mark.parametrize(("url", "identifier"), ARCHIVE_URLS)
def test_archive_urls(url, identifier):
    assert parse_video_url(url) == VideoRef("archive", identifier)


ARCHIVE_HOSTILE = [
    ("https://archive.org/details/", "Internet Archive link does not point to a single video"),
    ("https://archive.org/details/.", "Internet Archive link does not point"),
    ("https://archive.org/details/a..b", "Internet Archive link does not point"),
    ("https://archive.org/details/-dash", "Internet Archive link does not point"),
    ("https://archive.org/details/@someone", "Internet Archive link does not point"),
    ("https://archive.org/details/a%2F..%2Fb", "Internet Archive link does not point"),
    ("https://archive.org/details/" + "a" * 65, "Internet Archive link does not point"),
    ("https://archive.org/details/item/file.ogg", "Internet Archive link does not point"),
    ("https://archive.org/search?query=film", "Internet Archive link does not point"),
    ("https://web.archive.org/web/2020/https://youtu.be/dQw4w9WgXcQ", "Not a supported"),
    ("https://archive.org.evil.example/details/film", "Not a supported video URL"),
    ("https://evil.example/archive.org/details/film", "Not a supported video URL"),
    ("https://archive.org:8080/details/film", "port number"),
]


@pytest.mark.parametrize(("url", "words"), ARCHIVE_HOSTILE)
def test_archive_refuses(url, words):
    with pytest.raises(UnsupportedVideoURL) as excinfo:
        parse_video_url(url)
    assert words in str(excinfo.value)


def test_a_file_in_an_archive_item_plays_as_a_file():
    assert parse_video_url("https://archive.org/details/item/file.mp4").provider == "file"


def test_archive_player_page_and_poster():
    ref = parse_video_url("https://archive.org/details/his_girl_friday")
    assert ref.embed_url() == "https://archive.org/embed/his_girl_friday"
    assert ref.player_url() == "https://archive.org/embed/his_girl_friday?autoplay=1"
    assert ref.watch_url() == "https://archive.org/details/his_girl_friday"
    assert ref.poster_url == "https://archive.org/services/img/his_girl_friday"


# --- SoundCloud -----------------------------------------------------------------------------

FLICKERMOOD = "https://soundcloud.com/forss/flickermood"

# (url, start, secret token)
SOUNDCLOUD_URLS = [
    (FLICKERMOOD, None, None),
    ("https://www.soundcloud.com/forss/flickermood", None, None),
    ("https://m.soundcloud.com/forss/flickermood", None, None),
    ("https://soundcloud.com/Forss/FlickerMood/", None, None),
    ("soundcloud.com/forss/flickermood?si=abc&utm_source=clipboard", None, None),
    ("https://soundcloud.com/forss/flickermood#t=1:05", 65, None),
    ("https://soundcloud.com/forss/flickermood#t=65", 65, None),
    ("https://soundcloud.com/forss/flickermood/s-AbCd1234", None, "s-AbCd1234"),
]


@pytest.mark.parametrize(("url", "start", "token"), SOUNDCLOUD_URLS)
def test_soundcloud_urls(url, start, token):
    assert parse_video_url(url) == VideoRef(
        "soundcloud",
        page_id(FLICKERMOOD),
        start_seconds=start,
        private_hash=token,
        source_url=FLICKERMOOD,
    )


SOUNDCLOUD_HOSTILE = [
    ("https://soundcloud.com/forss", "SoundCloud link does not point to a single track"),
    ("https://soundcloud.com/forss/sets", "SoundCloud link does not point"),
    ("https://soundcloud.com/forss/sets/soulhack", "SoundCloud playlist"),
    ("https://soundcloud.com/forss/likes", "SoundCloud link does not point"),
    ("https://soundcloud.com/forss/tracks", "SoundCloud link does not point"),
    ("https://soundcloud.com/discover/sets/charts-top", "SoundCloud"),
    ("https://soundcloud.com/search/sounds", "SoundCloud link does not point"),
    ("https://soundcloud.com/forss/flicker%3Cmood", "SoundCloud link does not point"),
    ("https://soundcloud.com/forss/flickermood/s-!!", "SoundCloud link does not point"),
    ("https://soundcloud.com/forss/flickermood/extra", "SoundCloud link does not point"),
    ("https://on.soundcloud.com/abc123", "Not a supported video URL"),
    ("https://soundcloud.com.evil.example/forss/flickermood", "Not a supported video URL"),
    ("https://evil.example/?u=https://soundcloud.com/forss/flickermood", "Not a supported"),
    ("https://w.soundcloud.com/player/?url=https://evil.example/", "Not a supported video URL"),
]


@pytest.mark.parametrize(("url", "words"), SOUNDCLOUD_HOSTILE)
def test_soundcloud_refuses(url, words):
    with pytest.raises(UnsupportedVideoURL) as excinfo:
        parse_video_url(url)
    assert words in str(excinfo.value)


def test_soundcloud_widget_and_page():
    ref = parse_video_url("https://soundcloud.com/forss/flickermood#t=1:05")
    assert ref.player_url() == (
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fforss%2Fflickermood"
        "&auto_play=true&visual=true&show_comments=false"
    )
    assert ref.watch_url() == "https://soundcloud.com/forss/flickermood#t=1:05"
    secret = parse_video_url("https://soundcloud.com/forss/flickermood/s-AbCd1234")
    assert "flickermood%2Fs-AbCd1234" in secret.embed_url()
    assert secret.watch_url() == "https://soundcloud.com/forss/flickermood/s-AbCd1234"


# --- Bandcamp -------------------------------------------------------------------------------

TRACK = "https://artist.bandcamp.com/track/some-song"

BANDCAMP_URLS = [
    (TRACK, TRACK),
    ("http://artist.bandcamp.com/track/some-song", TRACK),
    ("https://ARTIST.bandcamp.com/track/some-song/", TRACK),
    ("artist.bandcamp.com/track/some-song?from=embed", TRACK),
    (
        "https://artist.bandcamp.com/album/the-record",
        "https://artist.bandcamp.com/album/the-record",
    ),
    ("https://my-band2.bandcamp.com/track/x", "https://my-band2.bandcamp.com/track/x"),
]


@pytest.mark.parametrize(("url", "page"), BANDCAMP_URLS)
def test_bandcamp_urls(url, page):
    ref = parse_video_url(url)
    assert ref == VideoRef("bandcamp", page_id(page), source_url=page)
    # No player until the background fetch has read the numeric id from the page.
    assert not ref.playable and ref.embed_url() == "" and ref.watch_url() == page


BANDCAMP_HOSTILE = [
    ("https://artist.bandcamp.com/", "Bandcamp link does not point to a single track"),
    ("https://artist.bandcamp.com/music", "Bandcamp link does not point"),
    ("https://artist.bandcamp.com/track/", "Bandcamp link does not point"),
    ("https://artist.bandcamp.com/track/Some_Song", "Bandcamp link does not point"),
    ("https://artist.bandcamp.com/track/a/b", "Bandcamp link does not point"),
    ("https://bandcamp.com/track/some-song", "Not a supported video URL"),
    ("https://www.bandcamp.com/track/some-song", "Not a supported video URL"),
    ("https://daily.bandcamp.com/track/some-song", "Not a supported video URL"),
    ("https://a.b.bandcamp.com/track/some-song", "Not a supported video URL"),
    ("https://-artist.bandcamp.com/track/some-song", "Not a supported video URL"),
    ("https://artist.bandcamp.com.evil.example/track/x", "Not a supported video URL"),
    ("https://artistbandcamp.com/track/x", "Not a supported video URL"),
    ("https://evil.example/artist.bandcamp.com/track/x", "Not a supported video URL"),
    ("https://bandcamp.com/EmbeddedPlayer/track=123/", "Not a supported video URL"),
    ("https://artist.bandcamp.com:8443/track/x", "port number"),
]


@pytest.mark.parametrize(("url", "words"), BANDCAMP_HOSTILE)
def test_bandcamp_refuses(url, words):
    with pytest.raises(UnsupportedVideoURL) as excinfo:
        parse_video_url(url)
    assert words in str(excinfo.value)


def test_bandcamp_player_once_the_id_is_known():
    ref = VideoRef("bandcamp", page_id(TRACK), source_url=TRACK, embed_id="1234567890")
    assert ref.playable
    assert ref.player_url() == (
        "https://bandcamp.com/EmbeddedPlayer/track=1234567890/size=large/bgcol=ffffff/"
        "linkcol=0687f5/tracklist=false/artwork=small/transparent=true/"
    )
    album = VideoRef("bandcamp", "x", source_url="https://a.bandcamp.com/album/r", embed_id="7")
    assert album.embed_url().startswith("https://bandcamp.com/EmbeddedPlayer/album=7/")
    assert not VideoRef("bandcamp", "x", source_url=TRACK, embed_id="12a").playable


def test_every_provider_has_a_details_source_but_files():
    assert [
        name
        for name in ("youtube", "peertube", "archive", "bandcamp", "soundcloud", "file")
        if has_details_source(name)
    ] == ["youtube", "peertube", "archive", "bandcamp", "soundcloud"]


# --- Details from a local stand-in server ---------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_peertube_details_and_poster_from_its_oembed(provider, peertube, settings):
    provider.on("/thumb.jpg", bytes_answer(image_bytes()))
    provider.oembed(
        "peertube",
        {
            "type": "video",
            "title": "A federated essay film",
            "author_name": "Framasoft",
            "thumbnail_url": f"{provider.url}/thumb.jpg",
            "width": 560,
            "height": 315,
        },
    )
    video, _ = video_get_or_create_from_url(url=f"{TUBE}/w/{SHORT}")
    assert video_refresh_metadata(video=video) is None
    video.refresh_from_db()
    assert (video.title, video.author_name) == ("A federated essay film", "Framasoft")
    assert video.poster_renditions and video.health == Health.OK
    (asked,) = provider.asked_for("/oembed/peertube")
    assert f"url=https%3A%2F%2Ftube.example.org%2Fw%2F{UUID}" in asked


@pytestmark_db
@pytest.mark.parametrize(
    ("url", "name", "asked_for"),
    [
        (
            "https://archive.org/details/his_girl_friday",
            "archive",
            "url=https%3A%2F%2Farchive.org%2Fdetails%2Fhis_girl_friday",
        ),
        (FLICKERMOOD, "soundcloud", "url=https%3A%2F%2Fsoundcloud.com%2Fforss%2Fflickermood"),
    ],
)
def test_archive_and_soundcloud_details_from_oembed(provider, url, name, asked_for):
    provider.oembed(name, {"title": f"From {name}", "author_name": "Someone"})
    video, _ = video_get_or_create_from_url(url=url)
    video_refresh_metadata(video=video)
    video.refresh_from_db()
    assert video.title == f"From {name}" and video.author_name == "Someone"
    (asked,) = provider.asked_for(f"/oembed/{name}")
    assert asked_for in asked and "format=json" in asked


BANDCAMP_PAGE = """<!doctype html><html><head>
<meta property="og:title" content="Some Song, by The Artist">
<meta property="og:site_name" content="The Artist">
<meta property="og:image" content="{image}">
<meta property="og:video" content="https://bandcamp.com/EmbeddedPlayer/v=2/track=2807734542/size=large/tracklist=false/artwork=small/">
<meta name="bc-page-properties" content="{{&quot;item_type&quot;:&quot;t&quot;,&quot;item_id&quot;:2807734542}}">
</head><body><meta property="og:title" content="Not this one"></body></html>"""


def page_answer(html, status=200):
    return lambda handler: send(handler, status, html.encode(), "text/html; charset=utf-8")


@pytestmark_db
def test_bandcamp_reads_the_player_id_from_the_page_in_the_background(provider):
    provider.on("/art.jpg", bytes_answer(image_bytes()))
    provider.on(
        "/oembed/bandcamp", page_answer(BANDCAMP_PAGE.format(image=f"{provider.url}/art.jpg"))
    )
    video, _ = video_get_or_create_from_url(url=TRACK)
    assert not video.ref.playable
    assert video_refresh_metadata(video=video) is None
    video.refresh_from_db()
    assert video.embed_id == "2807734542" and video.ref.playable
    assert (video.title, video.author_name) == ("Some Song, by The Artist", "The Artist")
    assert video.poster_renditions
    (asked,) = provider.asked_for("/oembed/bandcamp")
    assert "url=https%3A%2F%2Fartist.bandcamp.com%2Ftrack%2Fsome-song" in asked


@pytestmark_db
@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (page_answer("<html><head><title>x</title></head></html>"), "does not say which player"),
        (
            page_answer('<head><meta property="og:video" content="https://evil/track=x/">'),
            "does not say which player",
        ),
        (json_answer({"title": "json"}), "not a page"),
        (status_answer(500), "HTTP 500"),
    ],
)
def test_bandcamp_pages_without_a_player_id_are_a_failed_fetch(provider, answer, message):
    provider.on("/oembed/bandcamp", answer)
    video, _ = video_get_or_create_from_url(url=TRACK)
    warning = video_refresh_metadata(video=video)
    assert message in warning
    video.refresh_from_db()
    assert video.embed_id == "" and message in video.metadata_error


def test_bandcamp_page_metadata_reads_only_the_head(provider):
    html = BANDCAMP_PAGE.format(image="https://f4.bcbits.com/img/a1_10.jpg")
    provider.on("/oembed/bandcamp", page_answer(html))
    data = fetch_oembed(parse_video_url(TRACK))
    assert data.title == "Some Song, by The Artist"
    assert data.thumbnail_url == "https://f4.bcbits.com/img/a1_10.jpg"
    assert data.embed_id == "2807734542"


def test_bandcamp_id_from_page_properties_alone(provider):
    html = re.sub(r'<meta property="og:video"[^>]*>', "", BANDCAMP_PAGE.format(image=""))
    provider.on("/oembed/bandcamp", page_answer(html))
    assert fetch_oembed(parse_video_url(TRACK)).embed_id == "2807734542"


@pytestmark_db
@pytest.mark.parametrize(
    ("url", "name"),
    [
        (f"{TUBE}/w/{SHORT}", "peertube"),
        ("https://archive.org/details/his_girl_friday", "archive"),
        (TRACK, "bandcamp"),
        (FLICKERMOOD, "soundcloud"),
    ],
)
def test_a_removed_video_on_each_new_provider_is_flagged(provider, peertube, url, name):
    provider.on(f"/oembed/{name}", status_answer(404))
    video, _ = video_get_or_create_from_url(url=url)
    assert video_check_health(video=video) == Health.REMOVED
    assert Video.objects.get(pk=video.pk).unavailable_since is not None


def test_oembed_errors_carry_health_for_page_providers(provider):
    provider.on("/oembed/bandcamp", page_answer("gone", status=404))
    with pytest.raises(OEmbedError) as excinfo:
        fetch_oembed(parse_video_url(TRACK))
    assert excinfo.value.health == "removed"


# --- Facades: the same privacy for every provider -------------------------------------------


@pytestmark_db
@pytest.mark.parametrize(
    ("url", "player", "label"),
    [
        (
            f"{TUBE}/w/{SHORT}",
            f"{TUBE}/videos/embed/{UUID}?autoplay=1&amp;p2p=0",
            'Watch<span class="visually-hidden"> PeerTube video</span> on PeerTube',
        ),
        (
            "https://archive.org/details/his_girl_friday",
            "https://archive.org/embed/his_girl_friday?autoplay=1",
            "on Internet Archive",
        ),
        (
            FLICKERMOOD,
            "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fforss%2Fflickermood",
            'Listen<span class="visually-hidden"> SoundCloud track</span> on SoundCloud',
        ),
    ],
)
def test_new_providers_get_the_same_facade(peertube, url, player, label):
    video, ref = video_get_or_create_from_url(url=url)
    html = render_video(ref, video)
    assert 'class="video-facade"' in html and f'data-player-url="{player}' in html
    assert "<iframe" not in html and third_party_loads(html) == []
    assert label in html


@pytestmark_db
def test_a_bandcamp_track_is_a_link_out_until_its_player_id_is_known():
    video, ref = video_get_or_create_from_url(url=TRACK)
    html = render_video(ref, video)
    assert "video-facade" not in html and "data-player-url" not in html
    assert f'<a class="video-outlink" href="{TRACK}">' in html and "Listen on Bandcamp" in html
    assert third_party_loads(html) == []
    video.embed_id = "2807734542"
    video.save()
    html = render_video(video.ref, video)
    assert 'class="video-facade"' in html
    assert 'data-player-url="https://bandcamp.com/EmbeddedPlayer/track=2807734542/' in html


def test_the_csp_frame_src_names_each_new_player_and_nothing_wider(settings):
    frame_src = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]
    for origin in ("https://archive.org", "https://bandcamp.com", "https://w.soundcloud.com"):
        assert origin in frame_src
    assert "https:" not in frame_src and "*" not in " ".join(frame_src)
    # PeerTube instances join it from CLOSER_PEERTUBE_HOSTS (tests/test_settings.py).


def test_dailymotion_players_report_their_time_so_clips_can_stop():
    ref = parse_video_url("https://dai.ly/x7tgad0")
    assert ref.player_url(start=83, end=105) == (
        "https://geo.dailymotion.com/player.html?video=x7tgad0&startTime=83&autoplay=true"
        "&api=postMessage"
    )
