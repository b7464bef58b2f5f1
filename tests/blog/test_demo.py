import pytest
from django.core.management import call_command

from blog.models import Post, Tag
from videos.models import Video

pytestmark = pytest.mark.django_db


def test_demo_loads_essay_posts_draft_and_scheduled(client):
    call_command("load_demo", verbosity=0)
    essay = Post.objects.get(slug="the-room-that-moves-virtual-insanity")
    assert essay.is_published
    assert {v.provider for v in essay.embedded_videos.all()} == {"youtube", "vimeo"}
    assert essay.post_videos.count() == 1  # one attached video, one inline by URL at least
    assert Post.objects.published().count() >= 9
    assert Post.objects.filter(status="draft").count() == 1
    assert (
        Post.objects.filter(status="published").exclude(pk__in=Post.objects.published()).count()
        == 1
    )
    glazer = Tag.objects.get(slug="jonathan-glazer")
    assert Post.objects.published().filter(tags=glazer).count() >= 3


def test_demo_loader_is_idempotent():
    call_command("load_demo", verbosity=0)
    counts = (Post.objects.count(), Tag.objects.count(), Video.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Post.objects.count(), Tag.objects.count(), Video.objects.count()) == counts


def test_demo_draft_and_scheduled_post_are_hidden_from_readers(client):
    call_command("load_demo", verbosity=0)
    home = client.get("/").content.decode()
    for post in Post.objects.exclude(pk__in=Post.objects.published()):
        assert post.title not in home
        assert client.get(post.get_absolute_url()).status_code == 404


def test_ensure_admin_uses_the_given_password(monkeypatch, client):
    monkeypatch.setenv("CLOSER_ADMIN_PASSWORD", "correct-horse-battery")
    call_command("ensure_admin", verbosity=0)
    call_command("ensure_admin", verbosity=0)  # second run changes nothing
    assert client.login(username="admin", password="correct-horse-battery")
