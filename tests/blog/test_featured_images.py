"""Featured images are library images: picked or uploaded in the admin, drawn without opening files."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage
from test_admin import post_form

from blog.models import Image, Post
from videos.posters import poster_clean
from videos.services import video_get_or_create_from_url, video_set_poster

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/blog/post/add/"


def png(size=(900, 500), color="olive") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def illustrated_site(make_post, make_image):
    """Eight published essays with featured images, one with a video that has a poster."""
    video, _ = video_get_or_create_from_url(url="https://www.youtube.com/watch?v=4JkIs37a2JE")
    video.title = "Virtual Insanity"
    video_set_poster(video=video, picture=poster_clean(png((1280, 720))))
    video.save()
    posts = [
        make_post(
            title=f"Illustrated {n}",
            tags=["walls"],
            featured_image=make_image(alt_text=f"Cover {n}", size=(1200 + n, 675)),
            body="Look:\n\nhttps://youtu.be/4JkIs37a2JE\n" if n == 0 else f"Essay {n}.",
        )
        for n in range(8)
    ]
    return posts


@pytest.fixture
def storage_opens(monkeypatch):
    """Count (and refuse) every read of a stored file: on S3 each one is a GET."""
    opened = []

    def refuse(storage, name, mode="rb"):
        opened.append(name)
        raise AssertionError(f"a page opened {name} from storage")

    monkeypatch.setattr(FileSystemStorage, "_open", refuse)
    return opened


def test_pages_with_featured_images_and_posters_open_no_file(
    client, illustrated_site, storage_opens
):
    first = illustrated_site[0]
    published = first.published_at
    pages = {
        "/": ["Cover 7", 'class="post-card-image"'],
        "/feed/": ["Cover 7", 'width="1207" height="675"'],
        "/feed/atom/": ["Cover 7"],
        first.get_absolute_url(): ['alt="Cover 0"', "og:image:width", "video-poster"],
        "/tags/walls/": ["Cover 3"],
        "/tags/walls/feed/": ["Cover 3"],
        f"/{published:%Y}/": ["Cover 5"],
        f"/{published:%Y/%m}/": ["Cover 5"],
        "/search/?q=illustrated": ["Cover 2"],
        first.author.profile.get_absolute_url(): ["Cover 1"],
        "/videos/": ["video-poster"],
        first.inline_videos.get().get_absolute_url(): ["video-poster"],
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for text in expected:
            assert text in html, (url, text)
    assert storage_opens == []


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/tags/walls/",
        "/{year}/",
        "/{year}/{month}/",
        "/authors/wren-writer/",
        "/search/?q=post",
    ],
)
def test_listing_queries_do_not_grow_with_featured_images(
    client, make_post, make_image, django_assert_num_queries, url
):
    first = make_post(title="Post", tags=["walls"], featured_image=make_image())
    url = url.format(year=first.published_at.year, month=f"{first.published_at:%m}")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        make_post(title=f"Post {n}", tags=["walls"], featured_image=make_image(alt_text=f"C {n}"))
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url).content.decode().count("<picture>") == 6


def test_a_deleted_library_image_leaves_the_post_without_one(client, make_post, make_image):
    post = make_post(featured_image=make_image())
    post.featured_image.delete()
    post.refresh_from_db()
    assert post.featured_image is None
    assert "<picture>" not in client.get(post.get_absolute_url()).content.decode()


class TestAdmin:
    @pytest.fixture
    def editor(self, admin_user):
        return admin_user.pk

    def test_pick_a_library_image(self, admin_client, editor, make_image):
        cover = make_image(alt_text="A corridor")
        response = admin_client.post(
            ADD_URL, post_form(author=editor, featured_image=str(cover.pk))
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        post = Post.objects.get()
        assert post.featured_image == cover and Image.objects.count() == 1
        page = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
        assert 'class="closer-thumb"' in page and 'name="featured_image_upload"' in page

    def test_upload_adds_it_to_the_library(
        self, admin_client, editor, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as after_commit:
            response = admin_client.post(
                ADD_URL,
                post_form(
                    author=editor,
                    featured_image_upload=SimpleUploadedFile("cover.jpg", png(), "image/jpeg"),
                    featured_image_alt="  A red wall  ",
                ),
            )
        assert response.status_code == 302, response.context["adminform"].form.errors
        image = Post.objects.get().featured_image
        assert image.alt_text == "A red wall" and image.uploaded_by.username == "admin"
        assert image.file.name.endswith(".png")  # a PNG called .jpg is stored as the PNG it is
        assert (image.width, image.height) == (900, 500)
        # The save did not wait for the renditions: until the worker makes them, the essay
        # shows the cleaned original at its size.
        assert image.renditions == []
        post = Post.objects.get()
        post.status, post.published_at = Post.Status.PUBLISHED, timezone.now()
        post.save()
        page = Client().get(post.get_absolute_url()).content.decode()
        assert f'src="{image.file.url}"' in page and 'width="900" height="500"' in page
        for callback in after_commit:  # the commit: the renditions task runs
            callback()
        image.refresh_from_db()
        assert {(r["format"], r["width"]) for r in image.renditions} == {
            ("webp", 480),
            ("png", 480),
            ("webp", 900),
            ("png", 900),
        }

    def test_an_upload_replaces_the_picked_image(self, admin_client, editor, make_image):
        old = make_image(alt_text="Old cover")
        response = admin_client.post(
            ADD_URL,
            post_form(
                author=editor,
                featured_image=str(old.pk),
                featured_image_upload=SimpleUploadedFile("new.png", png(), "image/png"),
                featured_image_alt="New cover",
            ),
        )
        assert response.status_code == 302
        assert Post.objects.get().featured_image.alt_text == "New cover"

    def test_a_decorative_image_cannot_be_featured(self, admin_client, editor, make_image):
        decorative = make_image(alt_text="", decorative=True)
        response = admin_client.post(
            ADD_URL, post_form(author=editor, featured_image=str(decorative.pk))
        )
        assert response.status_code == 200
        assert "decorative" in response.context["adminform"].form.errors["featured_image"][0]
        assert not Post.objects.exists()

    def test_an_author_uploads_into_the_library_too(self, client, make_user):
        writer = make_user(username="author-role", is_staff=True)
        writer.groups.add(Group.objects.get(name="Author"))
        client.force_login(writer)
        response = client.post(
            ADD_URL,
            post_form(
                featured_image_upload=SimpleUploadedFile("c.png", png(), "image/png"),
                featured_image_alt="A cover",
            ),
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert Post.objects.get().featured_image.uploaded_by == writer

    def test_without_permission_to_add_images_there_is_no_upload(self, client, make_user):
        writer = make_user(username="no-images", is_staff=True)
        writer.user_permissions.add(
            *Permission.objects.filter(codename__in=["add_post", "change_post", "view_post"])
        )
        client.force_login(writer)
        page = client.get(ADD_URL).content.decode()
        assert 'name="featured_image"' in page and "featured_image_upload" not in page
        client.post(
            ADD_URL,
            post_form(
                featured_image_upload=SimpleUploadedFile("c.png", png(), "image/png"),
                featured_image_alt="A cover",
            ),
        )
        assert not Image.objects.exists()
