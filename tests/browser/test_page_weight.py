"""The page-weight budget, measured in chromium: what a reader downloads before any click."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from blog.demo_art import demo_artwork
from blog.models import Image, PostVideo
from videos.posters import poster_clean
from videos.services import video_get_or_create_from_url, video_set_poster

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 100_000  # bytes on the wire: HTML + CSS + JS + images, before the reader clicks


def artwork(motif: str) -> bytes:
    """Return one of the demo's pictures: what `make run` shows, at a poster's 1280×720."""
    return demo_artwork(motif=motif, seed="budget")


def hero(capture) -> Image:
    image = Image(file=SimpleUploadedFile("room.jpg", artwork("room")), alt_text="A room")
    image.full_clean()
    with capture(execute=True):  # the renditions task runs on commit, as after an upload
        image.save()
    return image


@pytest.fixture
def heavy_post(make_post, django_capture_on_commit_callbacks):
    """An essay with a featured image, an inline video and an attached one, both with posters."""
    post = make_post(
        title="Two videos and a picture",
        body="Opening words. " * 80
        + "\n\nhttps://www.youtube.com/watch?v=4JkIs37a2JE\n\n"
        + "At [0:30] the room turns. " * 40,
        featured_image=hero(django_capture_on_commit_callbacks),
    )
    for n, url in enumerate(
        ["https://www.youtube.com/watch?v=4JkIs37a2JE", "https://vimeo.com/76979871"]
    ):
        video, _ = video_get_or_create_from_url(url=url)
        video_set_poster(video=video, picture=poster_clean(artwork(("corridor", "forest")[n])))
        video.save()
        if n:
            PostVideo.objects.create(post=post, video=video, position=0)
    return post


def transferred(browser, url, width):
    """Return [(url, bytes)] for every response the page loaded, as chromium counted them."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    loads = []
    page.on("requestfinished", lambda request: loads.append(request))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    sizes = [
        (r.url, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]) for r in loads
    ]
    context.close()
    return sizes


@pytest.mark.parametrize("width", [1280, 390])
def test_a_post_with_two_videos_and_a_featured_image_stays_under_100_kb(
    browser, live_server, heavy_post, width
):
    # Cold: a fresh context has an empty cache.
    sizes = transferred(browser, live_server.url + heavy_post.get_absolute_url(), width)
    report = "\n".join(f"{size:>8} {url.removeprefix(live_server.url)}" for url, size in sizes)
    total = sum(size for _, size in sizes)
    print(f"\n{width}px: {total} bytes\n{report}")
    assert all(url.startswith(live_server.url) for url, _ in sizes), report
    # The measure is real: the page, its styles and scripts, the hero and a poster all came.
    kinds = {url.rsplit(".", 1)[-1].split("?")[0] for url, _ in sizes}
    assert {"css", "js"} <= kinds, report
    assert sum(1 for url, _ in sizes if "/media/" in url) >= 2, report
    assert total < BUDGET, f"{total} bytes:\n{report}"
