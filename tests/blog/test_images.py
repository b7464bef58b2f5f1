"""The image library: what an upload must survive, what gets stored, what readers get."""

import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.template import Context, Template
from django.test import TestCase
from PIL import ExifTags
from PIL import Image as PILImage

from blog import images
from blog.models import Image, Post
from pictures.pipeline import EXTENSIONS

pytestmark = pytest.mark.django_db

IMAGE_ADD = "/admin/blog/image/add/"


def picture_bytes(fmt="PNG", size=(64, 48), color="teal", mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    PILImage.new(mode, size, color).save(out, format=fmt, **save)
    return out.getvalue()


def jpeg_from_a_phone(size=(40, 20)) -> bytes:
    """A JPEG with GPS position, camera make and "rotate 90°" orientation in its EXIF."""
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Pocket Phone"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    out = io.BytesIO()
    PILImage.new("RGB", size, "red").save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG header that claims a huge picture (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def gradient_bytes(fmt: str, size=(400, 300)) -> bytes:
    out = io.BytesIO()
    PILImage.linear_gradient("L").resize(size).convert("RGB").save(out, format=fmt)
    return out.getvalue()


def truncated(data: bytes) -> bytes:
    return data[: len(data) * 6 // 10]


def upload(name: str, data: bytes, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"

ATTACKS = [
    pytest.param("page.png", HTML, "image/png", "not_an_image", id="html-renamed-png"),
    pytest.param("logo.svg", SVG, "image/svg+xml", "not_an_image", id="svg"),
    pytest.param("logo.png", SVG, "image/png", "not_an_image", id="svg-renamed-png"),
    pytest.param(
        "half.jpg",
        truncated(gradient_bytes("JPEG")),
        "image/jpeg",
        "damaged_image",
        id="truncated-jpeg",
    ),
    pytest.param(
        "half.png",
        truncated(gradient_bytes("PNG")),
        "image/png",
        "damaged_image",
        id="truncated-png",
    ),
    pytest.param(
        "bomb.png", png_claiming(30_000, 30_000), "image/png", "too_many_pixels", id="bomb-30000"
    ),
    pytest.param("tiff.png", picture_bytes("TIFF"), "image/png", "not_an_image", id="tiff"),
    pytest.param("empty.png", b"", "image/png", "not_an_image", id="empty"),
]


class TestCleanUpload:
    @pytest.mark.parametrize("name,data,content_type,code", ATTACKS)
    def test_hostile_or_broken_uploads_are_refused_with_a_reason(
        self, name, data, content_type, code
    ):
        with pytest.raises(ValidationError) as caught:
            images.clean_upload(upload(name, data, content_type))
        assert caught.value.code == code

    def test_bomb_error_names_the_size_and_the_limit(self):
        # Below Pillow's own bomb threshold, so our pixel limit is what stops it.
        with pytest.raises(ValidationError) as caught:
            images.clean_upload(upload("big.png", png_claiming(12_000, 9_000)))
        message = caught.value.messages[0]
        assert "12000×9000 pixels" in message and "limit is 50 megapixels" in message

    def test_highly_compressible_image_over_the_pixel_limit(self, settings):
        settings.CLOSER_MAX_IMAGE_PIXELS = 1_000_000
        data = picture_bytes("PNG", (2000, 2000), color="white")
        assert len(data) < 50_000  # small file, many pixels
        with pytest.raises(ValidationError) as caught:
            images.clean_upload(upload("white.png", data))
        assert caught.value.code == "too_many_pixels"

    def test_size_limit_comes_from_settings(self, settings):
        settings.CLOSER_MAX_UPLOAD_BYTES = 1000
        with pytest.raises(ValidationError) as caught:
            images.clean_upload(upload("noise.png", picture_bytes("BMP", (40, 40))))
        assert caught.value.code == "file_too_large"
        assert "the limit is 1 KB" in caught.value.messages[0]

    def test_png_renamed_jpg_is_kept_as_the_png_it_is(self):
        clean = images.clean_upload(upload("photo.jpg", picture_bytes("PNG"), "image/jpeg"))
        assert clean.format == "PNG"

    def test_html_appended_to_a_png_does_not_survive(self):
        polyglot = picture_bytes("PNG") + HTML
        clean = images.clean_upload(upload("poly.png", polyglot))
        assert b"<script" not in clean.content
        assert PILImage.open(io.BytesIO(clean.content)).format == "PNG"

    def test_exif_and_gps_are_stripped_and_orientation_applied(self):
        clean = images.clean_upload(upload("phone.jpg", jpeg_from_a_phone((40, 20)), "image/jpeg"))
        stored = PILImage.open(io.BytesIO(clean.content))
        assert stored.size == (20, 40)  # turned upright
        exif = stored.getexif()
        assert ExifTags.Base.Orientation not in exif
        assert ExifTags.Base.Make not in exif
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert b"Pocket Phone" not in clean.content

    @pytest.mark.parametrize("fmt", images.ALLOWED_FORMATS)
    def test_every_allowed_format_is_accepted(self, fmt):
        clean = images.clean_upload(upload(f"x.{fmt.lower()}", picture_bytes(fmt)))
        assert clean.format == fmt and (clean.width, clean.height) == (64, 48)

    def test_animated_gif_keeps_its_frames(self):
        frames = [PILImage.new("RGB", (30, 20), color) for color in ("red", "green", "blue")]
        out = io.BytesIO()
        frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=80)
        clean = images.clean_upload(upload("anim.gif", out.getvalue(), "image/gif"))
        assert clean.animated
        assert PILImage.open(io.BytesIO(clean.content)).n_frames == 3


def make_image(user=None, *, size=(2000, 1000), fmt="JPEG", **fields) -> Image:
    image = Image(
        file=upload(f"shot.{EXTENSIONS[fmt]}", picture_bytes(fmt, size)),
        alt_text=fields.pop("alt_text", "A red room"),
        uploaded_by=user,
        **fields,
    )
    image.full_clean()
    # As after a real upload's commit: the renditions task runs (the immediate backend).
    with TestCase.captureOnCommitCallbacks(execute=True):
        image.save()
    image.refresh_from_db()
    return image


class TestRenditions:
    def test_renditions_are_made_once_in_webp_and_the_original_format(self):
        image = make_image()
        assert (image.width, image.height) == (2000, 1000)
        sources = image.renditions
        assert sorted({(s["width"], s["format"]) for s in sources}) == [
            (480, "jpeg"),
            (480, "webp"),
            (960, "jpeg"),
            (960, "webp"),
            (1600, "jpeg"),
            (1600, "webp"),
        ]
        for source in sources:
            assert default_storage.exists(source["name"])
            with default_storage.open(source["name"]) as stored:
                decoded = PILImage.open(stored)
                assert decoded.size == (source["width"], source["height"])
                assert decoded.format.lower() == source["format"]
        names = [s["name"] for s in sources]
        image.caption = "Edited caption"
        image.save()
        image.refresh_from_db()
        assert [s["name"] for s in image.renditions] == names  # not made again

    def test_small_image_is_not_enlarged(self):
        image = make_image(size=(300, 200), fmt="PNG")
        assert {(s["width"], s["format"]) for s in image.renditions} == {
            (300, "webp"),
            (300, "png"),
        }

    def test_stored_name_has_the_real_extension(self):
        image = Image(file=upload("sneaky.jpg", picture_bytes("PNG")), alt_text="x")
        image.save()
        assert image.file.name.endswith(".png")


class TestAltText:
    def test_alt_text_is_required_unless_decorative(self):
        image = Image(file=upload("a.png", picture_bytes()), alt_text="")
        with pytest.raises(ValidationError) as caught:
            image.full_clean()
        assert "alt_text" in caught.value.message_dict
        image.decorative = True
        image.full_clean()

    def test_database_refuses_an_undescribed_image(self):
        image = make_image()
        with pytest.raises(IntegrityError):
            Image.objects.filter(pk=image.pk).update(alt_text="", decorative=False)


class TestReaderHTML:
    def test_responsive_image_tag(self):
        image = make_image(alt_text='A "red" <room>')
        html = Template("{% load blog_tags %}{% responsive_image image %}").render(
            Context({"image": image})
        )
        assert html.startswith('<picture><source type="image/webp" srcset="')
        assert " 480w, " in html and " 1600w" in html
        assert 'width="2000" height="1000"' in html
        assert 'loading="lazy"' in html and 'sizes="' in html
        assert 'alt="A &quot;red&quot; &lt;room&gt;"' in html

    def test_decorative_image_gets_empty_alt(self):
        image = make_image(alt_text="", decorative=True)
        html = Template("{% load blog_tags %}{% responsive_image image %}").render(
            Context({"image": image})
        )
        assert 'alt=""' in html

    def test_body_shortcode_becomes_a_figure_on_the_post_page(self, client, make_post):
        image = make_image(caption="The room <b>moves</b>", credit="Photo: Jay")
        post = make_post(body=f"Before.\n\n[image:{image.pk}]\n\nAfter. [image:{image.pk}] inline.")
        html = client.get(post.get_absolute_url()).content.decode()
        assert html.count('<figure class="post-image">') == 1  # only the one on its own line
        assert "[image:" in html  # the inline one stays text
        assert "<figcaption>The room &lt;b&gt;moves&lt;/b&gt;" in html
        assert '<span class="image-credit">Photo: Jay</span>' in html
        assert 'srcset="' in html and 'loading="lazy"' in html

    def test_author_cannot_forge_an_image_placeholder(self, make_post):
        image = make_image()
        post = make_post(body=f'<closer-image data-id="{image.pk}"></closer-image>')
        assert "closer-image" not in post.body_html

    def test_a_deleted_image_leaves_nothing_behind(self, client, make_post):
        image = make_image()
        post = make_post(body=f"[image:{image.pk}]")
        image.delete()
        html = client.get(post.get_absolute_url()).content.decode()
        assert "post-image" not in html and "closer-image" not in html

    def test_images_in_a_body_cost_one_query(self, make_post, django_assert_num_queries):
        first, second = make_image(), make_image(size=(800, 600))
        post = make_post(body=f"[image:{first.pk}]\n\nText.\n\n[image:{second.pk}]")
        post = Post.objects.prefetch_related("inline_videos", "video_attachments").get(pk=post.pk)
        template = Template("{% load blog_tags %}{% post_body post %}")
        with django_assert_num_queries(1):
            html = template.render(Context({"post": post}))
        assert html.count("<picture>") == 2

    def test_featured_image_tag_variants(self, make_post):
        cover = make_image(size=(1200, 800), alt_text="A corridor")
        post = make_post(featured_image=cover)
        hero = Template('{% load blog_tags %}{% featured_image post "hero" %}').render(
            Context({"post": post})
        )
        card = Template('{% load blog_tags %}{% featured_image post "card" %}').render(
            Context({"post": post})
        )
        assert 'loading="eager"' in hero and 'fetchpriority="high"' in hero
        assert 'loading="lazy"' in card and 'class="featured-image"' in card
        assert 'width="1200" height="800"' in hero and 'alt="A corridor"' in hero


class TestImageAdmin:
    def test_upload_sets_uploader_and_shows_the_shortcode(self, admin_client, admin_user):
        response = admin_client.post(
            IMAGE_ADD,
            {
                "file": upload("phone.jpg", jpeg_from_a_phone(), "image/jpeg"),
                "alt_text": "A red wall",
                "caption": "",
                "credit": "",
            },
        )
        assert response.status_code == 302, response.context["adminform"].errors
        image = Image.objects.get()
        assert image.uploaded_by == admin_user
        assert (image.width, image.height) == (20, 40)
        page = admin_client.get(f"/admin/blog/image/{image.pk}/change/").content.decode()
        assert f'<code class="closer-snippet">[image:{image.pk}]</code>' in page
        assert "<picture>" in page
        listing = admin_client.get("/admin/blog/image/").content.decode()
        assert 'class="closer-thumb"' in listing

    @pytest.mark.parametrize("name,data,content_type,code", ATTACKS)
    def test_attacks_become_form_errors_never_500s(
        self, admin_client, isolated_media, name, data, content_type, code
    ):
        response = admin_client.post(
            IMAGE_ADD,
            {
                "file": upload(name, data, content_type),
                "alt_text": "x",
                "caption": "",
                "credit": "",
            },
        )
        assert response.status_code == 200
        assert not Image.objects.exists()
        errors = response.context["adminform"].form.errors["file"]
        assert errors and "Upload a valid image" not in errors[0]  # says what is wrong
        assert not list(isolated_media.rglob("*.*"))  # nothing was written

    def test_missing_alt_text_is_a_form_error(self, admin_client):
        response = admin_client.post(
            IMAGE_ADD,
            {"file": upload("a.png", picture_bytes()), "alt_text": "", "caption": "", "credit": ""},
        )
        assert response.status_code == 200
        assert "decorative" in response.context["adminform"].form.errors["alt_text"][0]

    def test_featured_image_goes_through_the_same_checks(self, admin_client, admin_user):
        from test_admin import post_form

        response = admin_client.post(
            "/admin/blog/post/add/",
            post_form(
                author=admin_user.pk,
                featured_image_upload=upload("cover.png", HTML),
                featured_image_alt="Cover",
            ),
        )
        assert response.status_code == 200
        assert "JPEG" in response.context["adminform"].form.errors["featured_image_upload"][0]
        assert not Post.objects.exists() and not Image.objects.exists()
        assert "The body I spent an hour writing." in response.content.decode()

    def test_featured_image_needs_alt_text(self, admin_client, admin_user):
        from test_admin import post_form

        response = admin_client.post(
            "/admin/blog/post/add/",
            post_form(
                author=admin_user.pk,
                featured_image_upload=upload("cover.jpg", jpeg_from_a_phone(), "image/jpeg"),
            ),
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["featured_image_alt"]
        assert not Image.objects.exists()


def test_the_30000_pixel_bomb_message_says_why(db):
    with pytest.raises(ValidationError) as caught:
        images.clean_upload(upload("bomb.png", png_claiming(30_000, 30_000)))
    assert "900 megapixels" in caught.value.messages[0]
    assert "limit is 50 megapixels" in caught.value.messages[0]


@pytest.mark.django_db
def test_stored_names_cannot_be_guessed_from_the_upload():
    first = Image(file=upload("launch-poster.jpg", picture_bytes("JPEG", (600, 400))), alt_text="P")
    first.save()
    second = Image(
        file=upload("launch-poster.jpg", picture_bytes("JPEG", (600, 400))), alt_text="P"
    )
    second.save()
    names = [first.file.name, second.file.name]
    for name in names:
        assert re.search(r"/launch-poster-[0-9a-f]{16}\.jpg$", name), name
    assert names[0] != names[1]


class TestRenditionsInTheBackground:
    """An upload stores the cleaned file at once; the worker makes the renditions after commit."""

    def _uploaded_without_worker(self, **fields) -> Image:
        with TestCase.captureOnCommitCallbacks() as after_commit:
            image = Image(
                file=upload("shot.jpg", picture_bytes("JPEG", (1200, 600))),
                alt_text="A red room",
                **fields,
            )
            image.full_clean()
            image.save()
        # One task, enqueued on commit (beside the page cache's own on-commit work).
        assert [c for c in after_commit if "image_enqueue_renditions" in c.__qualname__]
        return image

    def test_the_upload_does_not_wait_and_the_task_makes_them_once(self, admin_client):
        image = self._uploaded_without_worker()
        image.refresh_from_db()
        assert image.renditions == [] and (image.width, image.height) == (1200, 600)
        # Meanwhile readers get the cleaned original at its size, and staff are told.
        html = images.image_picture_html(image)
        assert f'src="{image.file.url}"' in html and 'width="1200"' in html
        change = admin_client.get(f"/admin/blog/image/{image.pk}/change/").content.decode()
        assert "are being made" in change
        result = images.image_make_renditions.enqueue(image.pk)
        assert result.return_value == "6 renditions"
        image.refresh_from_db()
        assert {r["width"] for r in image.renditions} == {480, 960, 1200}
        assert all(default_storage.exists(r["name"]) for r in image.renditions)
        assert images.image_make_renditions.enqueue(image.pk).return_value == "done already"
        assert "are being made" not in (
            admin_client.get(f"/admin/blog/image/{image.pk}/change/").content.decode()
        )

    def test_a_cached_page_shows_the_renditions_once_they_exist(self, client, make_post):
        image = self._uploaded_without_worker()
        post = make_post(title="Red room", body=f"[image:{image.pk}]")
        assert image.file.url in client.get(post.get_absolute_url()).content.decode()
        images.image_make_renditions.enqueue(image.pk)
        image.refresh_from_db()
        html = client.get(post.get_absolute_url()).content.decode()
        assert image.renditions[0]["name"] in html and f'src="{image.file.url}"' not in html

    def test_a_deleted_or_replaced_image_is_left_alone(self):
        gone = self._uploaded_without_worker()
        gone_pk = gone.pk
        gone.delete()
        assert images.image_make_renditions.enqueue(gone_pk).return_value == "gone"
        image = self._uploaded_without_worker()
        first_name = image.file.name
        # A new file arrives before the first task ran: that task must not attach old copies.
        image.file = upload("again.png", picture_bytes("PNG", (800, 400)))
        with TestCase.captureOnCommitCallbacks(execute=True):
            image.save()
        image.refresh_from_db()
        assert image.file.name != first_name and {r["width"] for r in image.renditions} == {
            480,
            800,
        }
        assert images.image_make_renditions.enqueue(image.pk).return_value == "done already"
