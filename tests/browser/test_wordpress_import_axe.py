"""Posts imported from WordPress pass axe-core (light and dark, desktop and phone)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image
from test_accessibility import AXE_PATH, RUN_AXE, open_checked_page

from blog.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).resolve().parents[1] / "importers" / "sample_export.xml"


@pytest.mark.parametrize("color_scheme,width", [("light", 1280), ("dark", 375)])
def test_imported_posts_have_no_axe_violations(browser, live_server, tmp_path, color_scheme, width):
    uploads = tmp_path / "uploads" / "2019" / "05"
    uploads.mkdir(parents=True)
    Image.new("RGB", (900, 600), "#884422").save(uploads / "cat.jpg", "JPEG")
    call_command(
        "import_wordpress", str(SAMPLE), "--media-dir", str(tmp_path / "uploads"), verbosity=0
    )
    paths = [post.get_absolute_url() for post in Post.objects.published()]
    assert len(paths) == 3
    context, page = open_checked_page(browser, live_server, color_scheme=color_scheme, width=width)
    found = {}
    try:
        for path in paths:
            page.problems.clear()
            page.goto(live_server.url + path)
            page.add_script_tag(url=live_server.url + AXE_PATH)
            violations = page.evaluate(RUN_AXE)
            if violations or page.problems:
                found[path] = violations + page.problems
    finally:
        context.close()
    assert found == {}, found
