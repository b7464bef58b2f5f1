from io import StringIO

import pytest
from django.core.management import call_command
from fake_provider import bytes_answer, image_bytes, json_answer, status_answer

from videos.models import Health, Video
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def make_videos():
    youtube, _ = video_get_or_create_from_url(url="https://youtu.be/dQw4w9WgXcQ")
    vimeo, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    video_get_or_create_from_url(url="https://cdn.example.org/clip.mp4")
    return youtube, vimeo


def test_refresh_retries_only_the_missing_and_failed(provider):
    youtube, vimeo = make_videos()
    provider.on("/poster.jpg", bytes_answer(image_bytes()))
    provider.oembed("youtube", status_answer(500))
    provider.oembed("vimeo", {"title": "Vimeo one", "thumbnail_url": f"{provider.url}/poster.jpg"})
    code, out, err = run("refresh_videos")
    assert code == 1
    assert "Refreshed 1 video; 1 failed." in out and "HTTP 500" in err
    # Later the provider is back: only the failed one is asked again.
    provider.requests.clear()
    provider.oembed(
        "youtube", {"title": "YouTube one", "thumbnail_url": f"{provider.url}/poster.jpg"}
    )
    code, out, _ = run("refresh_videos")
    assert code == 0 and "Refreshed 1 video; 0 failed." in out
    assert provider.asked_for("/oembed/vimeo") == []
    assert set(Video.objects.values_list("title", flat=True)) == {"YouTube one", "Vimeo one", ""}
    # --all asks everyone again (the direct file has nothing to ask).
    provider.requests.clear()
    code, out, _ = run("refresh_videos", "--all")
    assert "Refreshed 3 videos; 0 failed." in out
    assert (
        len(provider.asked_for("/oembed/youtube")) == len(provider.asked_for("/oembed/vimeo")) == 1
    )


def test_check_videos_flags_removed_private_and_unembeddable(provider):
    youtube, vimeo = make_videos()
    dailymotion, _ = video_get_or_create_from_url(url="https://dai.ly/x7tgad0")
    provider.oembed("youtube", status_answer(404))
    provider.oembed("vimeo", status_answer(403))
    provider.oembed("dailymotion", status_answer(503))
    code, out, err = run("check_videos")
    assert "Checked 3 videos: 0 playable, 2 flagged, 1 could not be checked." in out
    assert "This video is no longer available on YouTube." in out
    assert "Vimeo no longer lets this video play on other sites." in out
    assert "HTTP 503" in err
    youtube.refresh_from_db()
    vimeo.refresh_from_db()
    assert (youtube.health, vimeo.health) == (Health.REMOVED, Health.NOT_EMBEDDABLE)
    assert list(Video.objects.flagged().order_by("pk")) == [youtube, vimeo]
    # The video comes back.
    provider.oembed("youtube", json_answer({"title": "Back"}))
    run("check_videos")
    youtube.refresh_from_db()
    assert youtube.health == Health.OK
