"""Pages with a transcript, captions and watch-along controls are valid HTML (Nu HTML Checker)."""

import pytest
from django.core.files.base import ContentFile

from videos.models import Video, VideoCaption

pytestmark = pytest.mark.django_db

TRANSCRIPT = (
    "Untimed opening words\n"
    "[0:12] We're <no> strangers & friends\n"
    "0:45 — You know the rules\n"
    "[1:30] and so do I"
)


def transcript_essay(make_post):
    """Return a published essay quoting a video with a transcript, and a captioned file video."""
    post = make_post(
        title="Transcribed",
        body="https://youtu.be/dQw4w9WgXcQ\n\nThe room at [0:12], the set at [0:40-0:50].\n\n"
        "https://media.example.org/essay.mp4\n\nAnd the file at [0:05].",
    )
    youtube = Video.objects.get(provider="youtube")
    youtube.title, youtube.transcript = "Song", TRANSCRIPT
    youtube.save()
    file_video = Video.objects.get(provider="file")
    VideoCaption.objects.create(
        video=file_video,
        language="en",
        file=ContentFile(b"WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n", name="en.vtt"),
    )
    file_video.refresh_from_db()
    file_video.transcript = "[0:01] Hello"
    file_video.save()
    return post, youtube


def test_an_essay_and_a_video_page_with_transcripts_are_valid_html(
    client, make_post, validate_html, tmp_path
):
    post, youtube = transcript_essay(make_post)
    pages = {"control": "<!doctype html><html lang=en><title>x</title><p><div>unclosed</p>"}
    for name, url in (("essay", post.get_absolute_url()), ("video", youtube.get_absolute_url())):
        response = client.get(url)
        assert response.status_code == 200
        pages[name] = response.content.decode()
    assert pages["essay"].count('<details class="video-transcript-text">') == 2
    assert "data-captions=" in pages["essay"]
    assert '<details class="video-transcript-text">' in pages["video"]
    errors = validate_html(pages, tmp_path)
    assert errors.pop("control"), "the validator did not run properly"
    assert {page: found for page, found in errors.items() if found} == {}
