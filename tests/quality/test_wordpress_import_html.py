"""Posts imported from WordPress (classic, blocks, unicode, captions, embeds) are valid HTML."""

from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from blog.models import Post

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[1] / "importers" / "sample_export.xml"


def test_imported_posts_are_valid_html(client, validate_html, tmp_path):
    uploads = tmp_path / "uploads" / "2019" / "05"
    uploads.mkdir(parents=True)
    Image.new("RGB", (900, 600), "#884422").save(uploads / "cat.jpg", "JPEG")
    call_command(
        "import_wordpress", str(SAMPLE), "--media-dir", str(tmp_path / "uploads"), verbosity=0
    )
    posts = list(Post.objects.published())
    assert len(posts) == 3
    pages = {
        "control: broken on purpose": "<!doctype html><html lang=en><title>x</title><p><div>x</p><li>"
    }
    for post in posts:
        response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        pages[post.slug] = response.content.decode()
    # The imported comments (a thread with a quote and a link) are on the pages checked.
    assert any("here is more</a>" in page for page in pages.values())
    errors = validate_html(pages, tmp_path)
    assert errors.pop("control: broken on purpose")
    problems = {page: found for page, found in errors.items() if found}
    assert problems == {}, problems
