"""The essay's shot list: cited moments stored on save, listed under the essay, in JSON-LD."""

import json
import re

import pytest

from blog.models import CitedMoment

pytestmark = pytest.mark.django_db

BODY = (
    "https://youtu.be/dQw4w9WgXcQ\n\n"
    "The song opens quietly. At [0:42] the floor starts to move & the room tilts. "
    "Later, the reveal [1:23-1:45] is the whole point.\n\n"
    "`[9:99]` is code, not a moment."
)


def test_moments_are_stored_when_the_essay_is_saved(make_post):
    post = make_post(body=BODY)
    rows = list(post.cited_moments.values_list("start_seconds", "end_seconds", "excerpt", "anchor"))
    assert rows == [
        (42, None, "At 0:42 the floor starts to move & the room tilts.", "moment-1"),
        (83, 105, "Later, the reveal 1:23-1:45 is the whole point.", "moment-2"),
    ]
    post.body = "https://youtu.be/dQw4w9WgXcQ\n\nOnly [2:00] now."
    post.save()
    assert list(post.cited_moments.values_list("start_seconds", flat=True)) == [120]


def test_the_shot_list_links_back_to_each_moment(client, make_post):
    post = make_post(body=BODY)
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'id="moment-1"' in html and 'id="moment-2"' in html
    shot_list = re.search(r'<section class="shot-list".*?</section>', html, re.S).group(0)
    assert '<a href="#moment-1"><span class="visually-hidden">Go to </span>0:42</a>' in shot_list
    assert "the floor starts to move &amp; the room tilts." in shot_list
    assert (
        '<a href="#moment-2"><span class="visually-hidden">Go to </span>1:23\u20131:45</a>'
        in shot_list
    )


def test_json_ld_has_clips_within_the_duration(client, make_post):
    post = make_post(body=BODY + "\n\nAnd [3:50] near the end.")
    video = post.inline_videos.get()
    video.duration_seconds = 235
    video.save()
    post.save()
    html = client.get(post.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    clips = data["video"][0]["hasPart"]
    assert [(c["startOffset"], c["endOffset"]) for c in clips] == [(42, 72), (83, 105), (230, 235)]
    for clip in clips:
        assert clip["@type"] == "Clip" and clip["name"]
        assert isinstance(clip["startOffset"], int) and isinstance(clip["endOffset"], int)
        assert 0 <= clip["startOffset"] < clip["endOffset"] <= 235
    assert clips[0]["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s"


def test_a_post_without_timecodes_costs_no_moment_query(
    client, make_post, django_assert_num_queries
):
    post = make_post(body="https://youtu.be/dQw4w9WgXcQ\n\nNo moments here.")
    assert not CitedMoment.objects.exists()
    with django_assert_num_queries(0):
        assert post.shot_list() == []


def test_the_video_page_lists_every_cited_moment_in_time_order(client, make_post):
    first = make_post(
        title="First essay", body="https://youtu.be/dQw4w9WgXcQ\n\nSee [1:23-1:45]. And [0:10]."
    )
    make_post(title="Second essay", body="https://youtu.be/dQw4w9WgXcQ\n\nAgain [1:23-1:45].")
    make_post(
        title="Draft essay",
        status="draft",
        published_at=None,
        body="https://youtu.be/dQw4w9WgXcQ\n\nSecret [0:05].",
    )
    video = first.inline_videos.get()
    html = client.get(video.get_absolute_url()).content.decode()
    section = re.search(r'<section class="video-moments".*?</section>', html, re.S).group(0)
    assert "Draft essay" not in section and "0:05" not in section
    assert section.index(">0:10<") < section.index("1:23\u20131:45")
    assert section.count("1:23\u20131:45") == 1
    assert f'href="{first.get_absolute_url()}#moment-1">First essay</a>' in section
    assert "Second essay" in section
