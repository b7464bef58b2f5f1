"""No layout shift from pictures: every <img> on every page type says its width and height."""

import re

import pytest

from tests.quality.test_html_validity import demo_site_pages

pytestmark = pytest.mark.django_db

IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


def test_every_img_on_every_page_type_has_width_and_height(client):
    missing, seen = {}, 0
    for name, url in demo_site_pages().items():
        html = client.get(url).content.decode()
        for tag in IMG.findall(html):
            seen += 1
            if not (re.search(r'\swidth="\d+"', tag) and re.search(r'\sheight="\d+"', tag)):
                missing.setdefault(f"{name} ({url})", []).append(tag[:160])
    assert seen > 20  # the demo's pages do show pictures: cards, posters, the featured image
    assert missing == {}, missing
