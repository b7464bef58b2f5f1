"""A page with stills (found and missing) and a side-by-side pair is valid HTML (Nu checker)."""

import pytest

from blog.models import Still
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db


def test_stills_and_pairs_are_valid_html(client, make_post, make_image, validate_html, tmp_path):
    video, _ = video_get_or_create_from_url(url="https://youtu.be/dQw4w9WgXcQ")
    video.title, video.artist, video.year = "Closer", "Nine Inch Nails", 1994
    video.save()
    still = Still.objects.create(
        image=make_image(caption="A jar & a shelf"), video=video, at_seconds=83
    )
    gone, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    gone.health = "removed"
    gone.save()
    gone_still = Still.objects.create(image=still.image, video=gone, at_seconds=5)
    post = make_post(
        body=(
            f"https://youtu.be/dQw4w9WgXcQ\n\nAt [0:42].\n\n[still:{still.pk}]\n\n"
            f"[still:{gone_still.pk}]\n\n[still:999999]\n\n"
            "[compare: https://youtu.be/dQw4w9WgXcQ | https://dai.ly/x7tgad0 | offset=-3]\n\n"
            "[compare: https://youtu.be/dQw4w9WgXcQ | https://example.com/nope]"
        )
    )
    # A broken page rides along: a checker that finds nothing in it did not run.
    pages = {"control": "<!doctype html><html lang=en><title>x</title><p><div>unclosed</p>"}
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    pages["stills and a pair"] = html = response.content.decode()
    assert html.count('class="post-image still"') == 2 and "still-missing" in html
    assert 'class="video-compare"' in html and "[compare: https://youtu.be/" in html
    errors = validate_html(pages, tmp_path)
    assert errors.pop("control"), "the validator did not run properly"
    assert {page: found for page, found in errors.items() if found} == {}
