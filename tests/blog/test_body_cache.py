"""Expanded bodies are kept per content generation: reused across pages, never stale."""

import pytest

from blog import body_cache
from videos.models import Video


@pytest.fixture
def essay(make_post):
    return make_post(
        body="Watch.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nAt [0:42] it turns."
    )


@pytest.fixture
def expansions(monkeypatch):
    calls = []
    real = body_cache._expanded

    def counting(post, mode):
        calls.append((post.pk, mode))
        return real(post, mode)

    monkeypatch.setattr(body_cache, "_expanded", counting)
    return calls


@pytest.mark.django_db
def test_a_body_is_expanded_once_per_generation_and_mode(client, essay, expansions):
    client.get(essay.get_absolute_url())
    client.get(essay.get_absolute_url() + "?utm=1")  # another address: a page-cache miss
    client.get("/feed/")
    assert expansions == [(essay.pk, "page"), (essay.pk, "feed")]


@pytest.mark.django_db
def test_a_video_title_change_reaches_the_next_page(client, essay, expansions):
    video = Video.objects.get()
    video.title = "First title"
    video.save()
    assert "First title" in client.get(essay.get_absolute_url() + "?a").content.decode()
    video.title = "Second title"
    video.save()
    body = client.get(essay.get_absolute_url() + "?b").content.decode()
    assert "Second title" in body and "First title" not in body
    assert len(expansions) == 2


@pytest.mark.django_db
def test_staff_previews_are_always_expanded_afresh(admin_client, essay, expansions):
    admin_client.get(essay.get_absolute_url())
    admin_client.get(essay.get_absolute_url())
    assert len(expansions) == 2
