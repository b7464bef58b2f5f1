"""manage.py export_wordpress: a WXR 1.2 file, and a round trip into an empty Closer."""

import io
import shutil
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from blog.importers.wxr import wxr_parse
from blog.models import Image, ImportedItem, Post, PostVideo, Tag
from comments.models import Comment
from videos.models import Video
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIMEO = "https://vimeo.com/76979871"


@pytest.fixture
def site(make_user, make_image):
    author = make_user(username="wren", first_name="Wren", last_name="Writer", email="w@x.org")
    film = Tag.objects.create(name="Film", description="Essays on films.")
    kanji = Tag.objects.create(name="映画", slug="映画")
    essay = Post.objects.create(
        title="Under the Skin’s “mirror”",
        slug="under-the-skin",
        author=author,
        excerpt="A short summary & more.",
        body=f"Opening paragraph, it's here.\n\n{YOUTUBE}\n\nBetween.\n\n[image:{{image}}]\n\nEnd.",
        status=Post.Status.PUBLISHED,
        published_at=timezone.now().replace(microsecond=0) - timedelta(days=3),
        featured_image=make_image(alt_text="A dark road"),
    )
    essay.body = essay.body.replace("{image}", str(essay.featured_image.pk))
    essay.save()
    essay.tags.set([film, kanji])
    PostVideo.objects.create(post=essay, video=video_get_or_create_from_url(url=VIMEO)[0])
    first = Comment.objects.create(
        post=essay, name="Ada", email="ada@example.org", website="https://ada.example/",
        body="Great *point*, see [this](https://example.org/more).\n\n> a quote",
        status=Comment.Status.APPROVED, created_at=timezone.now().replace(microsecond=0),
    )  # fmt: skip
    Comment.objects.create(
        post=essay, parent=first, name="Ben", body="Agreed.", status=Comment.Status.APPROVED,
        created_at=timezone.now().replace(microsecond=0),
    )  # fmt: skip
    Comment.objects.create(post=essay, name="Held", body="Not yet.")  # pending: stays here
    Post.objects.create(title="A draft", slug="a-draft", author=author, body="Draft *text*.")
    Post.objects.create(
        title="Later",
        slug="日本語のスラッグ",
        author=author,
        body="Soon.",
        status=Post.Status.PUBLISHED,
        published_at=timezone.now().replace(microsecond=0) + timedelta(days=5),
    )
    return essay


def snapshot():
    """What the WXR format carries, per post, keyed by slug."""
    result = {}
    for post in Post.objects.select_related("author", "featured_image").prefetch_related("tags"):
        result[post.slug] = {
            "title": post.title,
            "excerpt": post.excerpt,
            "status": post.status,
            "published_at": post.published_at,
            "is_published": post.is_published,
            "author": (post.author.get_username(), post.author.get_full_name(), post.author.email),
            "tags": sorted((t.name, t.slug, t.description) for t in post.tags.all()),
            "videos": sorted(
                v.key
                for v in Video.objects.filter(
                    pk__in=Post.objects.filter(pk=post.pk).shown_videos().values("pk")
                )
            ),  # fmt: skip
            "featured": post.featured_image
            and (post.featured_image.alt_text, post.featured_image.width),
            "text": " ".join(etree.HTML(f"<div>{post.body_html}</div>").xpath("string()").split()),
            "images": post.body_html.count("<img") + post.body_html.count("<closer-image"),
            "comments": [
                (c.name, c.email, c.website, c.created_at, c.body_html, c.parent and c.parent.name)
                for c in post.comments.filter(status=Comment.Status.APPROVED).order_by("pk")
            ],
        }
    return result


def test_export_is_wxr_12_with_videos_on_their_own_lines(site, tmp_path):
    path = tmp_path / "out.xml"
    out = io.StringIO()
    call_command("export_wordpress", str(path), stdout=out)
    assert "Wrote 3 posts, 1 authors, 2 tags, 1 images and 2 comments" in out.getvalue()
    parsed = wxr_parse(str(path))
    assert parsed.version == "1.2"
    essay = next(i for i in parsed.items if i.slug == "under-the-skin")
    assert f"\n{YOUTUBE}\n" in essay.content and f"\n{VIMEO}" in essay.content
    assert "closer-video" not in essay.content
    assert {t.name for t in essay.terms} == {"Film", "映画"}
    attachment = parsed.items[-1]
    assert attachment.post_type == "attachment"
    assert essay.meta["_thumbnail_id"] == attachment.post_id
    assert attachment.attachment_url.startswith("http") and "/media/" in attachment.attachment_url
    assert attachment.meta["_wp_attachment_image_alt"] == "A dark road"
    assert {i.status for i in parsed.items if i.post_type == "post"} == {
        "publish",
        "draft",
        "future",
    }
    assert parsed.authors["wren"].display_name == "Wren Writer"
    ada, ben = essay.comments
    assert (ada.author, ada.approved, ada.parent) == ("Ada", "1", "0")
    assert (ben.author, ben.parent) == ("Ben", ada.comment_id)
    assert "<em>point</em>" in ada.content


def test_round_trip_into_an_empty_closer_loses_nothing_the_format_carries(
    site, tmp_path, isolated_media, client
):
    before = snapshot()
    path = tmp_path / "out.xml"
    call_command("export_wordpress", str(path), stdout=io.StringIO())
    uploads = tmp_path / "old-media"
    shutil.copytree(isolated_media, uploads)
    # An empty Closer: no posts, tags, users, videos or images.
    Post.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()
    Video.objects.all().delete()
    Image.objects.all().delete()
    shutil.rmtree(isolated_media)
    call_command("import_wordpress", str(path), "--media-dir", str(uploads), stdout=io.StringIO())
    after = snapshot()
    assert after.keys() == before.keys()
    for slug in before:
        old, new = before[slug], after[slug]
        # Only what WXR cannot carry differs: passwords, active flags, the body's source text.
        assert new == old, slug
    assert ImportedItem.objects.filter(kind="post").count() == 3
    essay = Post.objects.get(slug="under-the-skin")
    assert client.get(essay.get_absolute_url()).status_code == 200
