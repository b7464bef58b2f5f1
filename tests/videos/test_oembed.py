"""oEmbed against a real local server: what is stored, and what a hostile provider cannot do."""

from datetime import date

import pytest
from fake_provider import (
    FakeProvider,
    huge_answer,
    json_answer,
    redirect_answer,
    slow_answer,
    status_answer,
    trickle_answer,
)

from videos.oembed import OEmbedError, fetch_oembed, oembed_endpoint
from videos.providers import parse_video_url

YT = parse_video_url("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90")
VIMEO = parse_video_url("https://vimeo.com/76979871/8272103f6e")


def test_endpoints_come_from_the_provider_classes_unless_settings_say_otherwise(settings):
    settings.CLOSER_OEMBED_ENDPOINTS = {}
    assert oembed_endpoint("youtube") == "https://www.youtube.com/oembed"
    assert oembed_endpoint("file") is None
    settings.CLOSER_OEMBED_ENDPOINTS = {"youtube": "http://127.0.0.1:9/oembed"}
    assert oembed_endpoint("youtube") == "http://127.0.0.1:9/oembed"
    assert oembed_endpoint("vimeo") == "https://vimeo.com/api/oembed.json"


def test_reads_the_fields_we_keep(provider):
    provider.oembed(
        "vimeo",
        {
            "type": "video",
            "title": "  Behind\u200b the   scenes ",
            "author_name": "Glazer Fan",
            "thumbnail_url": "https://i.vimeocdn.com/video/1.jpg",
            "width": 640,
            "height": 360,
            "duration": 214,
            "upload_date": "2013-10-15 14:08:29",
        },
    )
    data = fetch_oembed(VIMEO)
    assert data.title == "Behind the scenes"
    assert data.author_name == "Glazer Fan"
    assert data.thumbnail_url == "https://i.vimeocdn.com/video/1.jpg"
    assert (data.width, data.height, data.duration_seconds) == (640, 360, 214)
    assert data.upload_date == date(2013, 10, 15)
    (asked,) = provider.requests
    # The video's public address (with the unlisted hash, without the start time) and JSON.
    assert "url=https%3A%2F%2Fvimeo.com%2F76979871%2F8272103f6e" in asked
    assert "format=json" in asked


def test_ignores_fields_of_the_wrong_shape(provider):
    provider.oembed(
        "youtube",
        {
            "title": ["not", "text"],
            "thumbnail_url": "javascript:alert(1)",
            "width": "wide",
            "height": -5,
            "duration": True,
            "upload_date": "yesterday",
        },
    )
    data = fetch_oembed(YT)
    assert (data.title, data.thumbnail_url, data.width, data.height) == ("", "", None, None)
    assert data.duration_seconds is None and data.upload_date is None


@pytest.mark.parametrize(
    ("answer", "message", "health"),
    [
        (status_answer(500), "HTTP 500", None),
        (status_answer(404), "HTTP 404", "removed"),
        (status_answer(401), "HTTP 401", "private"),
        (status_answer(403), "HTTP 403", "not_embeddable"),
        (json_answer({"title": "x"}, content_type="text/html"), "not JSON", None),
        (
            lambda h: h.send_response(200) or h.end_headers() or h.wfile.write(b"<html>"),
            "not JSON",
            None,
        ),
        (json_answer(["a", "list"]), "not an oEmbed object", None),
        (
            lambda h: __import__("fake_provider").send(h, body=b"{not json"),
            "not valid JSON",
            None,
        ),
    ],
    ids=["500", "404", "401", "403", "html-type", "no-type", "json-list", "broken-json"],
)
def test_failures_are_errors_with_a_reason(provider, answer, message, health):
    provider.oembed("youtube", answer)
    with pytest.raises(OEmbedError, match=message) as caught:
        fetch_oembed(YT)
    assert caught.value.health == health


def test_a_slow_provider_times_out(provider, short_deadline):
    provider.oembed("youtube", slow_answer(2, json_answer({"title": "late"})))
    with pytest.raises(OEmbedError, match="did not answer in time"):
        fetch_oembed(YT)


def test_a_trickling_provider_cannot_outlast_the_deadline(provider, short_deadline):
    # Each byte comes well within the socket timeout; the whole answer takes far longer.
    provider.oembed("youtube", trickle_answer(5))
    with pytest.raises(OEmbedError, match="did not answer in time"):
        fetch_oembed(YT)


@pytest.mark.parametrize("declare_length", [True, False])
def test_a_huge_answer_is_cut_off(provider, declare_length):
    provider.oembed("youtube", huge_answer(5 * 1024 * 1024, declare_length=declare_length))
    with pytest.raises(OEmbedError, match="too large"):
        fetch_oembed(YT)


def test_redirects_to_another_host_are_refused(provider):
    # Same server, other host name: what matters is the host, not where it resolves.
    provider.on("/elsewhere", json_answer({"title": "hijacked"}))
    provider.oembed("youtube", redirect_answer(f"http://localhost:{provider.port}/elsewhere"))
    with pytest.raises(OEmbedError, match="another site"):
        fetch_oembed(YT)
    assert provider.asked_for("/elsewhere") == []


def test_redirects_on_the_same_host_are_followed(provider):
    provider.on("/v2/oembed", json_answer({"title": "Moved"}))
    provider.oembed("youtube", redirect_answer("/v2/oembed?format=json", status=301))
    assert fetch_oembed(YT).title == "Moved"


def test_redirect_loops_end(provider):
    provider.oembed("youtube", redirect_answer("/oembed/youtube"))
    with pytest.raises(OEmbedError, match="too many redirects"):
        fetch_oembed(YT)


def test_an_unreachable_provider_is_an_error(settings):
    settings.CLOSER_OEMBED_ENDPOINTS = {"youtube": "http://127.0.0.1:9/oembed"}
    with pytest.raises(OEmbedError, match="could not reach"):
        fetch_oembed(YT)


def test_redirects_to_another_port_of_the_same_host_are_refused(provider):
    other = FakeProvider().start()  # another service on the same host
    try:
        other.on("/oembed", json_answer({"title": "hijacked"}))
        provider.oembed("youtube", redirect_answer(f"http://127.0.0.1:{other.port}/oembed"))
        with pytest.raises(OEmbedError, match="another port or down to http"):
            fetch_oembed(YT)
        assert other.asked_for("/oembed") == []
    finally:
        other.stop()
