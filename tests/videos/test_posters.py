"""Posters: downloaded once from the provider, then proven, re-encoded and stored by the picture
pipeline like every other image."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from fake_provider import bytes_answer, image_bytes, png_claiming_size, redirect_answer
from PIL import Image

from pictures.pipeline import PictureError
from videos.models import Video
from videos.posters import PosterError, poster_clean, poster_download, poster_store


def decode(data):
    with Image.open(BytesIO(data)) as image:
        image.load()
        return image.format, image.size, image.getexif()


def stored(data) -> list[dict]:
    """Return the renditions a poster of these bytes gets, stored through the pipeline."""
    return poster_store(video=Video(provider="youtube", video_id="abc"), picture=poster_clean(data))


def read(rendition) -> bytes:
    with default_storage.open(rendition["name"]) as file:
        return file.read()


def test_renditions_are_webp_and_jpeg_at_two_widths():
    renditions = stored(image_bytes("PNG", size=(1280, 720)))
    assert [(r["format"], r["width"], r["height"]) for r in renditions] == [
        ("webp", 480, 270),
        ("jpeg", 480, 270),
        ("webp", 960, 540),
        ("jpeg", 960, 540),
    ]
    for rendition in renditions:
        fmt, size, _ = decode(read(rendition))
        assert fmt == {"webp": "WEBP", "jpeg": "JPEG"}[rendition["format"]]
        assert size == (rendition["width"], rendition["height"])
        assert rendition["name"].startswith("videos/posters/youtube/abc-")


def test_small_posters_are_not_enlarged():
    renditions = stored(image_bytes("JPEG", size=(320, 180)))
    assert {(r["width"], r["height"]) for r in renditions} == {(320, 180)}


def test_exif_is_dropped_and_orientation_applied():
    image = Image.new("RGB", (200, 100), (10, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when shown
    exif[0x010F] = "Spy camera"
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    (webp, jpeg) = stored(buffer.getvalue())
    _, size, stored_exif = decode(read(jpeg))
    assert size == (100, 200)
    assert dict(stored_exif) == {}


def test_transparent_png_is_flattened():
    renditions = stored(image_bytes("PNG", size=(64, 64), color=(0, 0, 0, 0), mode="RGBA"))
    with Image.open(BytesIO(read(renditions[1]))) as image:
        assert image.mode == "RGB"
        assert image.getpixel((5, 5)) == (17, 17, 17)  # the facade's colour, not black


def test_html_appended_to_a_png_does_not_survive():
    hostile = image_bytes("PNG", size=(640, 360)) + b"<script>alert(document.cookie)</script>"
    for rendition in stored(hostile):
        assert b"<script" not in read(rendition)


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"<!doctype html><title>Not found</title>", "not_an_image", "not a JPEG, PNG or WebP"),
        (image_bytes("GIF", size=(640, 360)), "not_an_image", "not a JPEG, PNG or WebP"),
        (image_bytes("BMP", size=(640, 360)), "not_an_image", "not a JPEG, PNG or WebP"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "not_an_image",
            "not a JPEG, PNG or WebP",
        ),
        (image_bytes("PNG", size=(640, 360))[:300], "damaged_image", "damaged"),  # truncated
        # Over our cap, under Pillow's; then over Pillow's bomb limit too.
        (png_claiming_size(10_000, 10_000), "too_many_pixels", "limit is 8.3 megapixels"),
        (png_claiming_size(50_000, 50_000), "too_many_pixels", "enormous"),
        (image_bytes("PNG", size=(8, 8)), "too_small", "too small"),
        (b"", "not_an_image", "not a JPEG, PNG or WebP"),
    ],
    ids=["html", "gif", "bmp", "svg", "truncated", "bomb", "giant-bomb", "tiny", "empty"],
)
def test_anything_but_a_sound_image_is_refused(data, code, message):
    with pytest.raises(PictureError, match=message) as caught:
        poster_clean(data)
    assert caught.value.code == code


def test_size_limit_applies_to_posters_too(settings):
    settings.CLOSER_POSTER_MAX_BYTES = 1000
    with pytest.raises(PictureError) as caught:
        noise = BytesIO()
        Image.effect_noise((640, 360), 80).save(noise, format="PNG")
        poster_clean(noise.getvalue())
    assert caught.value.code == "file_too_large"


def test_download_from_the_provider_host(provider):
    provider.on("/poster.jpg", bytes_answer(image_bytes()))
    assert (
        poster_download(url=f"{provider.url}/poster.jpg", provider_name="youtube")[:2]
        == b"\xff\xd8"
    )


def test_download_refuses_hosts_that_are_not_the_providers(provider):
    with pytest.raises(PosterError, match="site we do not fetch from"):
        poster_download(url="http://169.254.169.254/latest/meta-data", provider_name="youtube")
    assert provider.requests == []


def test_download_refuses_a_redirect_to_another_host(provider):
    provider.on("/poster.jpg", redirect_answer(f"http://localhost:{provider.port}/x.jpg"))
    with pytest.raises(PosterError, match="another site"):
        poster_download(url=f"{provider.url}/poster.jpg", provider_name="youtube")


def test_download_has_a_size_limit(provider, settings):
    settings.CLOSER_POSTER_MAX_BYTES = 10_000
    provider.on("/poster.jpg", bytes_answer(b"\xff" * 20_000))
    with pytest.raises(PosterError, match="too large"):
        poster_download(url=f"{provider.url}/poster.jpg", provider_name="youtube")


def test_nothing_is_stored_by_a_refused_poster(isolated_media):
    with pytest.raises(PictureError):
        poster_clean(b"<html>")
    assert not default_storage.exists("videos")
