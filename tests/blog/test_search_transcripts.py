"""Search finds an essay by what is said in its videos: their transcripts are in its document.

Runs on both databases (PostgreSQL with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/closer_transcripts).
"""

import pytest
from django.core.management import call_command

from blog.models import Post, PostVideo
from tests.blog.test_search_index import found
from videos.captions import webvtt_parse
from videos.models import Video
from videos.services import video_transcript_fill

pytestmark = pytest.mark.django_db


def test_an_essay_is_found_by_a_word_its_video_says(client, make_post):
    post = make_post(title="Clip essay", body="https://youtu.be/dQw4w9WgXcQ\n\nAbout the hand.")
    video = post.inline_videos.get()
    assert found(client, "zeppelin") == []
    video.transcript = "[0:12] A zeppelin drifts over the stage\n[0:40] Applause"
    video.save()
    assert found(client, "zeppelin") == ["Clip essay"]
    assert found(client, "drifts stage") == ["Clip essay"]


def test_a_new_transcript_replaces_the_old_words(client, make_post):
    post = make_post(title="Clip essay", body="https://youtu.be/dQw4w9WgXcQ")
    video = post.inline_videos.get()
    video.transcript = "[0:12] zeppelin"
    video.save()
    video.transcript = "[0:12] hovercraft"
    video.save(update_fields=["transcript"])
    assert found(client, "zeppelin") == []
    assert found(client, "hovercraft") == ["Clip essay"]
    # Saving other fields leaves the document as it is, and right.
    video.year = 1997
    video.save(update_fields=["year"])
    assert found(client, "hovercraft") == ["Clip essay"]


def test_linking_a_video_with_a_transcript_makes_its_words_findable(client, make_post):
    video = Video.objects.create(
        provider="youtube", video_id="dQw4w9WgXcQ", title="Song", transcript="[0:05] marzipan"
    )
    post = make_post(title="Attached")
    link = PostVideo.objects.create(post=post, video=video)
    assert found(client, "marzipan") == ["Attached"]
    link.delete()
    assert found(client, "marzipan") == []
    embedding = make_post(title="Embedding", body="Text only.")
    embedding.body = "https://youtu.be/dQw4w9WgXcQ"
    embedding.save()
    assert found(client, "marzipan") == ["Embedding"]


def test_captions_filling_the_transcript_reach_the_index(client, make_post):
    post = make_post(title="Captioned", body="https://media.example.org/essay.mp4")
    cues = webvtt_parse(b"WEBVTT\n\n00:01.000 --> 00:03.000\nThe <i>periscope</i> rises\n")
    assert video_transcript_fill(video=post.inline_videos.get(), cues=cues)
    assert found(client, "periscope") == ["Captioned"]


def test_a_drafts_video_transcript_is_never_found(client, make_post):
    post = make_post(
        title="Hidden",
        body="https://youtu.be/dQw4w9WgXcQ",
        status=Post.Status.DRAFT,
        published_at=None,
    )
    video = post.inline_videos.get()
    video.transcript = "[0:01] secretword"
    video.save()
    assert found(client, "secretword") == []


def test_reindexing_keeps_transcripts(client, make_post):
    post = make_post(title="Clip essay", body="https://youtu.be/dQw4w9WgXcQ")
    Video.objects.filter(pk=post.inline_videos.get().pk).update(transcript="[0:03] gondola")
    assert found(client, "gondola") == []  # update() sends no signal
    call_command("reindex_search", verbosity=0)
    assert found(client, "gondola") == ["Clip essay"]
