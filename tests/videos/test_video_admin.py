"""The Video admin: warnings an editor sees, flagged videos, chapters, uploaded posters."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from fake_provider import image_bytes, status_answer

from videos.models import Health, Video
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db


def change_url(video):
    return f"/admin/videos/video/{video.pk}/change/"


def form_data(video, **overrides):
    data = {
        "title": video.title,
        "description": "",
        "artist": "",
        "director": "",
        "year": "",
        "author_name": "",
        "upload_date": "",
        "transcript_url": "",
        "duration_seconds": "",
        "width": "",
        "height": "",
        "private_hash": "",
        "playlist_id": "",
        "source_url": "",
        "chapters-TOTAL_FORMS": "0",
        "chapters-INITIAL_FORMS": "0",
        "chapters-MIN_NUM_FORMS": "0",
        "chapters-MAX_NUM_FORMS": "1000",
        "captions-TOTAL_FORMS": "0",
        "captions-INITIAL_FORMS": "0",
        "captions-MIN_NUM_FORMS": "0",
        "captions-MAX_NUM_FORMS": "1000",
        "transcript": "",
    }
    data.update(overrides)
    return data


def messages_in(html):
    return re.findall(r'<li class="warning">(.*?)</li>', html, re.S)


@pytest.fixture
def video():
    return video_get_or_create_from_url(url="https://youtu.be/dQw4w9WgXcQ")[0]


def test_an_untitled_video_is_flagged_on_its_page_and_in_the_list(admin_client, video):
    html = admin_client.get(change_url(video)).content.decode()
    assert any("No title" in message for message in messages_in(html))
    listing = admin_client.get("/admin/videos/video/").content.decode()
    assert any("1 video has no title" in message for message in messages_in(listing))
    video.title = "Named"
    video.save()
    assert messages_in(admin_client.get(change_url(video)).content.decode()) == []


def test_flagged_videos_have_a_filter_and_a_warning(admin_client, video):
    fine, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    fine.title, video.title, video.health = "Fine", "Gone", Health.REMOVED
    fine.save()
    video.save()
    html = admin_client.get("/admin/videos/video/?attention=flagged").content.decode()
    assert "Gone" in html and "Fine" not in html
    assert "This video is no longer available on YouTube." in html
    page = admin_client.get(change_url(video)).content.decode()
    assert any("no longer available" in message for message in messages_in(page))


def test_chapters_are_edited_inline(admin_client, video):
    data = form_data(
        video,
        title="Song",
        **{
            "chapters-TOTAL_FORMS": "2",
            "chapters-0-start_seconds": "95",
            "chapters-0-title": "The room moves",
            "chapters-1-start_seconds": "0",
            "chapters-1-title": "Intro",
        },
    )
    response = admin_client.post(change_url(video), data)
    assert response.status_code == 302
    assert [(c.start_seconds, c.title) for c in video.chapters.all()] == [
        (0, "Intro"),
        (95, "The room moves"),
    ]


def test_an_uploaded_poster_is_re_encoded_not_stored_as_sent(admin_client, video):
    hostile = image_bytes("PNG", size=(1280, 720)) + b"<script>alert(1)</script>"
    upload = SimpleUploadedFile("poster.png", hostile, content_type="image/png")
    response = admin_client.post(change_url(video), form_data(video, title="T", poster_file=upload))
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.poster_source_url == "" and len(video.poster_renditions) == 4
    assert video.poster_file.name.endswith("-960.jpg")
    for rendition in video.poster_renditions:
        with default_storage.open(rendition["name"]) as stored:
            assert b"<script" not in stored.read()
    assert not default_storage.exists("videos/posters/poster.png")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (image_bytes("GIF"), "not a JPEG, PNG or WebP"),
        (image_bytes("PNG", size=(8, 8)), "too small"),
    ],
)
def test_an_unusable_poster_upload_is_a_form_error(admin_client, video, data, message):
    upload = SimpleUploadedFile("poster.png", data, content_type="image/png")
    response = admin_client.post(change_url(video), form_data(video, title="T", poster_file=upload))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["poster_file"])
    assert not Video.objects.get(pk=video.pk).poster_renditions


def test_refresh_action_queues_a_fetch_and_the_page_reports_its_failure(
    admin_client, video, provider, django_capture_on_commit_callbacks
):
    provider.oembed("youtube", status_answer(500))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            "/admin/videos/video/",
            {"action": "refresh_metadata", "_selected_action": [video.pk]},
            follow=True,
        )
    assert "1 video is being fetched again in the background." in response.content.decode()
    # The fetch ran after the commit (the tests' immediate backend), not in the request.
    enqueued = [
        c for c in callbacks if getattr(getattr(c, "func", None), "__name__", "") == "enqueue"
    ]
    assert len(enqueued) == 1 and len(provider.asked_for("/oembed/youtube")) == 1
    html = admin_client.get(change_url(video)).content.decode()
    assert any("the provider answered HTTP 500" in message for message in messages_in(html))


def test_health_action_flags_removed_videos(admin_client, video, provider):
    provider.oembed("youtube", status_answer(404))
    admin_client.post(
        "/admin/videos/video/", {"action": "check_health", "_selected_action": [video.pk]}
    )
    video.refresh_from_db()
    assert video.health == Health.REMOVED


def test_admin_pages_use_no_inline_styles(admin_client, video):
    video.health = Health.REMOVED
    video.save()
    for url in ("/admin/videos/video/", change_url(video)):
        html = admin_client.get(url).content.decode()
        assert " style=" not in html


def test_a_transcript_address_without_a_scheme_is_read_as_https(admin_client, video):
    response = admin_client.post(
        change_url(video), form_data(video, title="Named", transcript_url="example.org/lyrics")
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.transcript_url == "https://example.org/lyrics"
