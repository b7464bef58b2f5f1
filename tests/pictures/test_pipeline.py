"""The one picture pipeline, on its own: rules, renditions, the <picture> it draws."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

import pictures
from pictures.pipeline import (
    PictureError,
    PictureRules,
    picture_clean,
    picture_data,
    picture_html,
    rendition_largest,
    rendition_smallest_url,
    rendition_widths,
    renditions_delete,
    renditions_make,
)

RULES = PictureRules(
    formats=("JPEG", "PNG", "WEBP", "GIF"),
    max_bytes=1_000_000,
    max_pixels=4_000_000,
    widths=(200, 400),
    animation=True,
)


def picture_bytes(fmt="PNG", size=(500, 250), color="teal", mode="RGB") -> bytes:
    out = io.BytesIO()
    PILImage.new(mode, size, color).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("width", "widths", "expected"),
    [
        (2000, (480, 960, 1600), [480, 960, 1600]),
        (1600, (480, 960, 1600), [480, 960, 1600]),
        (700, (480, 960), [480, 700]),
        (320, (480, 960), [320]),
        (480, (960, 480), [480]),
    ],
)
def test_rendition_widths_never_enlarge(width, widths, expected):
    assert rendition_widths(width, widths) == expected


def test_renditions_have_one_shape_and_match_their_files():
    clean = picture_clean(picture_bytes(size=(500, 250)), rules=RULES)
    renditions = renditions_make(picture=clean, rules=RULES, stem="t/pic")
    assert [(r["format"], r["width"], r["height"]) for r in renditions] == [
        ("webp", 200, 100),
        ("png", 200, 100),
        ("webp", 400, 200),
        ("png", 400, 200),
    ]
    for rendition in renditions:
        assert set(rendition) == {"name", "format", "width", "height"}
        assert re.fullmatch(r"t/pic-\d+\.(webp|png)", rendition["name"])
        with default_storage.open(rendition["name"]) as stored, PILImage.open(stored) as image:
            assert image.size == (rendition["width"], rendition["height"])
    assert rendition_largest(renditions)["width"] == 400
    assert rendition_smallest_url(renditions).endswith("-200.webp")
    renditions_delete(renditions=renditions, keep=renditions[:1])
    assert [default_storage.exists(r["name"]) for r in renditions] == [True, False, False, False]


def test_an_animation_keeps_its_frames_as_its_only_rendition():
    frames = [PILImage.new("RGB", (300, 200), color) for color in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=80)
    clean = picture_clean(out.getvalue(), rules=RULES)
    (only,) = renditions_make(picture=clean, rules=RULES, stem="t/anim")
    assert (only["format"], only["width"], only["height"]) == ("gif", 300, 200)
    with default_storage.open(only["name"]) as stored, PILImage.open(stored) as image:
        assert image.n_frames == 3


def test_a_rule_without_animation_keeps_the_first_frame_only():
    frames = [PILImage.new("RGB", (300, 200), color) for color in ("red", "green")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    still = PictureRules(formats=("GIF",), max_bytes=10**6, max_pixels=10**6, widths=(100,))
    clean = picture_clean(out.getvalue(), rules=still)
    assert not clean.animated
    assert PILImage.open(io.BytesIO(clean.content)).n_frames == 1


def test_an_upload_is_decoded_once_per_rules():
    upload = SimpleUploadedFile("a.png", picture_bytes(), content_type="image/png")
    first = picture_clean(upload, rules=RULES)
    assert picture_clean(upload, rules=RULES) is first
    strict = PictureRules(formats=("JPEG",), max_bytes=10**6, max_pixels=10**6, widths=(100,))
    with pytest.raises(PictureError) as caught:
        picture_clean(upload, rules=strict)
    assert caught.value.code == "not_an_image"
    assert str(caught.value).startswith("This is not a JPEG image.")


def test_picture_data_and_the_partial():
    clean = picture_clean(picture_bytes(size=(500, 250)), rules=RULES)
    renditions = renditions_make(picture=clean, rules=RULES, stem="t/pic")
    data = picture_data(renditions)
    assert data["sources"] == [
        {
            "type": "image/webp",
            "srcset": f"/media/{renditions[0]['name']} 200w, /media/{renditions[2]['name']} 400w",
        }
    ]
    assert data["src"] == f"/media/{renditions[3]['name']}"
    assert (data["width"], data["height"]) == (400, 200)
    html = picture_html(
        renditions, alt='A "red" <room>', sizes="50vw", loading="eager", css_class="hero"
    )
    assert html.startswith('<picture><source type="image/webp" srcset="/media/t/pic-200.webp 200w')
    assert '<img class="hero" src="/media/t/pic-400.png" srcset="' in html
    assert 'sizes="50vw"' in html and 'alt="A &quot;red&quot; &lt;room&gt;"' in html
    assert 'width="400" height="200" loading="eager" decoding="async" fetchpriority="high">' in html


def test_picture_data_without_renditions():
    assert picture_data([]) is None
    assert picture_html([], alt="x") == ""
    legacy = picture_data([], src="/media/old.jpg", width=640, height=360)
    assert legacy == {
        "sources": [],
        "src": "/media/old.jpg",
        "srcset": "",
        "width": 640,
        "height": 360,
    }
    # Hand-edited or broken JSON is skipped, never a 500.
    assert picture_data([{"name": ""}, "junk", {"width": 3}]) is None
    single = picture_data([{"name": "a.jpg", "format": "jpeg", "width": 300, "height": 200}])
    assert single["srcset"] == "" and single["sources"] == []


def test_the_pipeline_knows_nothing_of_essays_or_videos():
    package = Path(pictures.__file__).parent
    source = "\n".join(path.read_text() for path in package.rglob("*.py"))
    assert not re.search(r"^\s*(from|import) (blog|videos)\b", source, re.M)
