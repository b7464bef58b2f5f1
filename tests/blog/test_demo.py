import pytest
from django.core.management import call_command

from blog.models import Image, Post, Tag
from videos.models import Video

pytestmark = pytest.mark.django_db


def test_demo_loads_essay_posts_draft_and_scheduled(client):
    call_command("load_demo", verbosity=0)
    essay = Post.objects.get(slug="the-room-that-moves-virtual-insanity")
    assert essay.is_published
    assert {v.provider for v in essay.inline_videos.all()} == {"youtube", "vimeo"}
    assert essay.video_attachments.count() == 1  # one attached video, one inline by URL at least
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


def test_demo_draws_its_own_featured_images_and_posters_offline(
    isolated_media, django_capture_on_commit_callbacks
):
    # The renditions are made by the worker once the demo's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
    essay = Post.objects.get(slug="the-room-that-moves-virtual-insanity")
    image = essay.featured_image
    assert image is not None and image.alt_text and image.width == 1280 and image.height == 720
    assert (isolated_media / image.file.name).is_file()
    assert {r["width"] for r in image.renditions} >= {480, 960}
    with_art = Post.objects.filter(featured_image__isnull=False).count()
    assert with_art == 9  # one published post keeps the designed fallback
    assert Post.objects.published().filter(featured_image__isnull=True).exists()
    for video in essay.inline_videos.all():
        assert video.poster_renditions, video
        assert video.poster_file
        assert video.url.startswith("https://")  # the real provider address is kept
        for rendition in video.poster_renditions:
            assert (isolated_media / rendition["name"]).is_file()


def test_demo_pictures_are_not_drawn_twice(isolated_media):
    call_command("load_demo", verbosity=0)
    posters = {v.pk: v.poster_renditions for v in Video.objects.all()}
    images = Image.objects.count()
    call_command("load_demo", verbosity=0)
    assert Image.objects.count() == images
    assert {v.pk: v.poster_renditions for v in Video.objects.all()} == posters


def test_demo_adds_missing_pictures_to_an_earlier_demo(isolated_media):
    call_command("load_demo", verbosity=0)
    Post.objects.update(featured_image=None)
    Video.objects.update(poster_renditions=[])
    call_command("load_demo", verbosity=0)
    assert Post.objects.filter(featured_image__isnull=False).count() == 9
    assert all(v.poster_renditions for v in Video.objects.all())


def test_the_demo_author_page_introduces_her_and_keeps_an_edited_bio(client):
    call_command("load_demo", verbosity=0)
    page = client.get("/authors/ana-reyes/").content.decode()
    assert 'class="author-bio"' in page and "practical effect" in page
    profile = Post.objects.first().author.profile
    profile.bio = "Her own words."
    profile.save()
    call_command("load_demo", verbosity=0)
    profile.refresh_from_db()
    assert profile.bio == "Her own words."
