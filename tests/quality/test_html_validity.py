"""Every page type is valid HTML per the Nu HTML Checker: zero errors."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.loader import render_to_string
from PIL import Image

from blog import demo
from blog.models import Image as LibraryImage
from blog.models import Post

pytestmark = pytest.mark.django_db


def demo_site_pages() -> dict[str, str]:
    """Load the demo content and return one address per page type."""
    call_command("load_demo", verbosity=0)
    essay = Post.objects.get(slug=demo.ESSAY["slug"])
    illustrated = Post.objects.get(slug=demo.SHORT_POSTS[0]["slug"])
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 675), "#445566").save(buffer, "PNG")
    illustrated.featured_image = LibraryImage.objects.create(
        file=SimpleUploadedFile("cover.png", buffer.getvalue()), alt_text="A long hotel corridor"
    )
    illustrated.save()
    published = essay.published_at
    video = Post.objects.published().shown_videos().first()
    return {
        "home": "/",
        "post with videos": essay.get_absolute_url(),
        "post with featured image": illustrated.get_absolute_url(),
        "tag": "/tags/jonathan-glazer/",
        "multi-tag": "/tags/jonathan-glazer+1990s/",
        "multi-tag with exclusion": "/tags/jonathan-glazer/without/practical-effects/",
        "tag index": "/tags/",
        "archive index": "/archive/",
        "archive year": f"/{published:%Y}/",
        "archive month": f"/{published:%Y/%m}/",
        "search results": "/search/?q=glazer",
        "search empty": "/search/",
        "search without results": "/search/?q=zeppelin",
        "author": essay.author.profile.get_absolute_url(),
        "videos index": "/videos/",
        "video": video.get_absolute_url(),
        "404": "/posts/no-such-essay/",
        "newsletter": "/newsletter/",
        "newsletter check inbox": "/newsletter/check-your-inbox/",
    }


# A checker that finds nothing wrong with broken HTML would prove nothing: one broken page
# rides along in the same run (one JVM start for the whole check).
BROKEN = "<!doctype html><html lang=en><title>x</title><p><div>unclosed</p><li>stray"


def test_every_page_type_is_valid_html(client, validate_html, tmp_path):
    pages = {"control: broken on purpose": BROKEN}
    for name, url in demo_site_pages().items():
        response = client.get(url)
        assert response.status_code == (404 if name == "404" else 200), url
        pages[f"{name} ({url})"] = response.content.decode()
    # Django renders 500.html without a request or context processors.
    pages["500 (server error)"] = render_to_string("500.html")
    errors = validate_html(pages, tmp_path)
    assert errors.pop("control: broken on purpose"), "the validator did not run properly"
    problems = {page: found for page, found in errors.items() if found}
    assert problems == {}, "\n".join(
        f"{page}:\n  " + "\n  ".join(found) for page, found in problems.items()
    )
