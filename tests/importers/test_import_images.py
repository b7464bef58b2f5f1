"""Body images that came into the library are placed as [image:ID]; the rest are listed."""

import html
import io

import pytest
from django.core.management import call_command
from PIL import Image as PILImage
from wxr_files import item, wxr

from blog.models import Image, Post

pytestmark = pytest.mark.django_db

UPLOADS = "https://old.example/wp-content/uploads/2019/05"


def run(tmp_path, text, *args):
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def media(tmp_path):
    folder = tmp_path / "uploads"
    for name, color in (("cat.jpg", "#336699"), ("dog.jpg", "#993366"), ("owl.jpg", "#669933")):
        (folder / "2019/05").mkdir(parents=True, exist_ok=True)
        PILImage.new("RGB", (640, 360), color).save(folder / "2019/05" / name, "JPEG")
    return folder


def image(name: str) -> Image:
    return Image.objects.get(file__contains=name.split(".")[0])


def placeholder(name: str) -> str:
    return f'<closer-image data-id="{image(name).pk}"></closer-image>'


def test_images_on_their_own_become_library_shortcodes(tmp_path, media, client):
    classic = (
        "Before.\n\n"
        f'<img src="{UPLOADS}/cat-300x200.jpg" alt="A cat" width="300" height="200">\n\n'
        f'<p><a href="{UPLOADS}/dog.jpg"><img src="{UPLOADS}/dog.jpg" alt="A dog"></a></p>\n\n'
        "After."
    )
    blocks = (
        '<!-- wp:image {"id":7,"sizeSlug":"large"} -->\n'
        f'<figure class="wp-block-image size-large"><img src="{UPLOADS}/owl.jpg" alt="An owl" '
        'class="wp-image-7"/><figcaption>An owl at night</figcaption></figure>\n'
        "<!-- /wp:image -->\n\n<!-- wp:paragraph -->\n<p>Owls.</p>\n<!-- /wp:paragraph -->"
    )
    out = run(
        tmp_path,
        wxr(item(700, "Classic", classic), item(701, "Blocks", blocks, slug="blocks")),
        "--media-dir",
        str(media),
    )
    body = Post.objects.get(title="Classic").body_html
    assert placeholder("cat.jpg") in body and placeholder("dog.jpg") in body
    assert "<img" not in body and "/media/" not in body
    assert body.index("Before.") < body.index(placeholder("cat.jpg")) < body.index("After.")
    assert image("cat.jpg").alt_text == "A cat" and image("dog.jpg").alt_text == "A dog"
    owl = image("owl.jpg")
    assert owl.alt_text == "An owl" and owl.caption == "An owl at night"
    blocks_body = Post.objects.get(slug="blocks").body_html
    assert placeholder("owl.jpg") in blocks_body and "<figcaption" not in blocks_body
    assert "Images kept as <img>" not in out
    # The reader's page shows the library figure: alt text, caption, our renditions.
    page = client.get(Post.objects.get(slug="blocks").get_absolute_url()).content.decode()
    assert 'alt="An owl"' in page and "<figcaption>An owl at night</figcaption>" in page
    assert "old.example" not in page
    # A second run finds the same bodies: nothing changed.
    assert "unchanged 2" in run(tmp_path, wxr(item(700, "Classic", classic),
                                              item(701, "Blocks", blocks, slug="blocks")),
                                "--media-dir", str(media))  # fmt: skip


def test_images_the_library_cannot_show_as_they_were_stay_img_and_are_listed(tmp_path, media):
    first = f'[caption id="a" caption="A cat asleep"]<img src="{UPLOADS}/cat.jpg" alt="A cat">[/caption]'
    content = "\n\n".join(
        [
            first,
            # The same image with another caption: the library holds one caption per image.
            f'[caption id="b"]<img src="{UPLOADS}/cat.jpg" alt="A cat"> A cat awake[/caption]',
            # Another alt text than the library image's.
            f'<img src="{UPLOADS}/cat.jpg" alt="A sleeping animal">',
            # Inside a sentence.
            f'Look: <img src="{UPLOADS}/dog.jpg" alt="A dog"> there it is.',
            # A link to a page, which the shortcode would lose.
            f'<a href="https://old.example/dogs/"><img src="{UPLOADS}/owl.jpg" alt="An owl"></a>',
            # Not in --media-dir at all.
            f'<img src="{UPLOADS}/gone.jpg" alt="A lost map">',
        ]
    )
    out = run(tmp_path, wxr(item(710, "Mixed", content)), "--media-dir", str(media))
    body = Post.objects.get(title="Mixed").body_html
    cat = image("cat.jpg")
    assert cat.caption == "A cat asleep"
    assert body.count(placeholder("cat.jpg")) == 1
    assert "<figcaption>A cat awake</figcaption>" in body
    assert body.count(f'src="{cat.file.url}"') == 2
    assert f'src="{image("dog.jpg").file.url}" alt="A dog"' in body and "there it is" in body
    assert '<a href="https://old.example/dogs/"><img' in body
    assert "[Image not imported: A lost map]" in body
    assert "Images kept as <img> rather than the library's [image:ID]:" in out
    assert "cat.jpg: its caption differs from the library image's" in out
    assert "cat.jpg: its alt text here (“A sleeping animal”) differs" in out
    assert "dog.jpg: it sits inside text" in out
    assert "owl.jpg: it sits inside text" in out
    assert "gone.jpg" in out and "Missing media" in out


def test_without_media_dir_no_shortcode_is_made(tmp_path):
    out = run(tmp_path, wxr(item(720, "Bare", f'<img src="{UPLOADS}/cat.jpg" alt="A cat">')))
    body = Post.objects.get(title="Bare").body_html
    assert "closer-image" not in body and "[Image not imported: A cat]" in body
    assert "cat.jpg" in out


def test_a_library_shortcode_typed_in_wordpress_stays_text(tmp_path, make_image):
    existing = make_image(alt_text="Not yours")
    text = f"[image:{existing.pk}]\n\nAnd inline [image:{existing.pk}] too."
    run(tmp_path, wxr(item(730, "Typed", text)))
    body = Post.objects.get(title="Typed").body_html
    assert "closer-image" not in body
    assert html.unescape(body).count(f"[image:{existing.pk}]") == 2  # shown as typed


def test_a_dry_run_reports_exactly_what_the_import_then_does(tmp_path, media):
    content = (
        f'[caption id="a"]<img src="{UPLOADS}/cat.jpg" alt="A cat"> Asleep[/caption]\n\n'
        f'Inline <img src="{UPLOADS}/dog.jpg" alt="A dog"> here.\n\n'
        f'<img src="{UPLOADS}/gone.jpg" alt="Lost">'
    )
    comments = [
        dict(comment_id=901, content="Top <b>one</b>"),
        dict(comment_id=902, content="A reply", parent=901),
        dict(comment_id=903, content="Spam", approved="spam"),
        dict(comment_id=904, content="x" * 6000),
    ]
    text = wxr(item(740, "Dry", content, comments=comments), item(741, "Other", "Plain"))
    dry = run(tmp_path, text, "--dry-run", "--media-dir", str(media))
    assert not Post.objects.exists() and not Image.objects.exists()
    real = run(tmp_path, text, "--media-dir", str(media))
    assert (
        dry.replace("Dry run: nothing was changed.\n", "").replace("Would import", "Imported")
        == real
    )
    assert "Comments: 2 imported, 0 already here, 1 refused; skipped: 1 spam." in real
