"""The series pages are valid HTML per the Nu HTML Checker: the index, a series, its parts."""

import pytest
from django.core.management import call_command

from blog import demo
from blog.models import Series

pytestmark = pytest.mark.django_db

BROKEN = "<!doctype html><html lang=en><title>x</title><p><div>unclosed</p><li>stray"


def test_series_pages_are_valid_html(client, validate_html, tmp_path):
    pages = {"control: broken on purpose": BROKEN}
    pages["series index, empty"] = client.get("/series/").content.decode()
    call_command("load_demo", verbosity=0)
    # A series without a picture or description: the index shows its fallback panel.
    plain = Series.objects.create(title="Plain")
    demo_part = Series.objects.get(slug=demo.SERIES["slug"]).published_parts().first()
    demo_part.pk = None
    demo_part.slug, demo_part.title, demo_part.series = "plain-part", "Plain part", plain
    demo_part.save()
    urls = {
        "series index": "/series/",
        "series": f"/series/{demo.SERIES['slug']}/",
        "series without picture": plain.get_absolute_url(),
        **{f"part {n}": f"/posts/{slug}/" for n, slug in enumerate(demo.SERIES["parts"][:3], 1)},
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[f"{name} ({url})"] = response.content.decode()
    errors = validate_html(pages, tmp_path)
    assert errors.pop("control: broken on purpose"), "the validator did not run properly"
    problems = {page: found for page, found in errors.items() if found}
    assert problems == {}, "\n".join(
        f"{page}:\n  " + "\n  ".join(found) for page, found in problems.items()
    )
