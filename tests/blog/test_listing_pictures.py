"""Every listing shows a picture per essay: its featured image, else its first video's poster,
else a designed fallback; the /videos/ index is a grid of posters with play marks."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from blog.models import PostVideo
from videos.posters import poster_clean
from videos.services import video_get_or_create_from_url, video_set_poster

pytestmark = pytest.mark.django_db

LISTINGS = [
    "/",
    "/tags/walls/",
    "/{year}/",
    "/{year}/{month}/",
    "{author}",
    "/search/?q=walls",
]


def jpeg(size=(1280, 720), color="teal") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def video_with_poster(url):
    video, _ = video_get_or_create_from_url(url=url)
    video_set_poster(video=video, picture=poster_clean(jpeg()))
    video.save()
    return video


@pytest.fixture
def three_kinds(make_post, make_image):
    """An essay with a featured image, one with only an attached video's poster, one with neither."""
    featured = make_post(
        title="Walls with a cover",
        tags=["walls"],
        featured_image=make_image(alt_text="A cover"),
    )
    postered = make_post(title="Walls with a poster", tags=["walls"], body="About walls.")
    video = video_with_poster("https://www.youtube.com/watch?v=4JkIs37a2JE")
    PostVideo.objects.create(post=postered, video=video, position=0)
    bare = make_post(title="Walls with nothing", tags=["walls"], body="Just walls.")
    return featured, postered, bare, video


def card_of(html: str, title: str) -> str:
    """Return the card that holds title."""
    start = html.rindex('<article class="post-card">', 0, html.index(title))
    return html[start : html.index("</article>", start)]


@pytest.mark.parametrize("url", LISTINGS)
def test_each_listing_shows_featured_image_poster_or_fallback(client, three_kinds, url):
    featured, postered, bare, video = three_kinds
    url = url.format(
        year=featured.published_at.year,
        month=f"{featured.published_at:%m}",
        author=featured.author.profile.get_absolute_url(),
    )
    html = client.get(url).content.decode()
    with_image = card_of(html, "Walls with a cover")
    assert "<picture>" in with_image and 'class="post-card-image"' in with_image
    assert "/media/images/" in with_image and "card-play" not in with_image
    with_poster = card_of(html, "Walls with a poster")
    assert "<picture>" in with_poster and video.poster["src"] in with_poster
    assert 'class="card-play"' in with_poster  # a poster says it stands for a video
    fallback = card_of(html, "Walls with nothing")
    assert "<picture>" not in fallback and "<img" not in fallback
    assert "card-picture-fallback" in fallback and '<span class="card-initial">W</span>' in fallback


def test_every_card_image_has_its_size_so_nothing_shifts(client, three_kinds):
    html = client.get("/").content.decode()
    for tag in html.split("<img")[1:]:
        tag = tag.split(">")[0]
        assert ' width="' in tag and ' height="' in tag, tag


def test_an_inline_video_lends_its_poster_when_nothing_is_attached(client, make_post):
    video = video_with_poster("https://vimeo.com/76979871")
    make_post(title="Inline only", body="Watch:\n\nhttps://vimeo.com/76979871\n")
    html = client.get("/").content.decode()
    assert video.poster["src"] in card_of(html, "Inline only")


def test_a_video_without_a_poster_leaves_the_fallback(client, make_post):
    make_post(title="Poster not fetched yet", body="https://youtu.be/dQw4w9WgXcQ")
    card = card_of(client.get("/").content.decode(), "Poster not fetched yet")
    assert "card-picture-fallback" in card and "<picture>" not in card


def test_cards_with_posters_cost_the_same_queries_for_more_posts(
    client, make_post, django_assert_num_queries
):
    video = video_with_poster("https://www.youtube.com/watch?v=4JkIs37a2JE")
    first = make_post(title="First", body="x")
    PostVideo.objects.create(post=first, video=video)
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for n in range(5):
        post = make_post(title=f"More {n}", body="https://youtu.be/4JkIs37a2JE")
        PostVideo.objects.create(post=post, video=video)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/").content.decode().count('class="card-play"') == 6


def test_related_essays_are_cards_with_pictures(client, make_post, make_image):
    post = make_post(title="The essay", tags=["walls"])
    make_post(title="A neighbour", tags=["walls"], featured_image=make_image(alt_text="N"))
    make_post(title="A bare neighbour", tags=["walls"])
    html = client.get(post.get_absolute_url()).content.decode()
    related = html[html.index('class="related-posts"') :]
    assert related.count('class="card-picture') == 2
    assert '<h3 class="related-title"><a href=' in related
    assert "card-picture-fallback" in related and "<picture>" in related
    assert 'loading="eager"' not in related  # below the essay: lazy


def test_videos_index_is_a_grid_of_posters_with_play_marks_titles_and_credits(client, make_post):
    video = video_with_poster("https://www.youtube.com/watch?v=4JkIs37a2JE")
    video.title, video.director = "Virtual Insanity", "Jonathan Glazer"
    video.save()
    make_post(title="Room essay", body="https://youtu.be/4JkIs37a2JE")
    make_post(title="Unfetched", body="https://youtu.be/dQw4w9WgXcQ")
    html = client.get("/videos/").content.decode()
    grid = html[html.index('<ul class="video-grid">') :]
    assert grid.count('<li class="video-tile">') == 2
    assert grid.count('class="video-tile-play"') == 2
    assert video.poster["src"] in grid and "Virtual Insanity" in grid and "Jonathan Glazer" in grid
    assert "video-poster-empty" in grid  # the unfetched one keeps the neutral poster


def test_essay_page_has_standfirst_reading_time_and_no_repeated_video(client, make_post):
    post = make_post(
        title="Both inline and attached",
        excerpt="The standfirst of this essay.",
        body="Words " * 460 + "\n\nhttps://youtu.be/4JkIs37a2JE\n\nhttps://vimeo.com/76979871\n",
    )
    inline = post.inline_videos.get(provider="youtube")
    only_attached, _ = video_get_or_create_from_url(url="https://youtu.be/dQw4w9WgXcQ")
    PostVideo.objects.create(post=post, video=inline, position=0, caption="Again")
    PostVideo.objects.create(post=post, video=only_attached, position=1, caption="Also")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<p class="post-standfirst">The standfirst of this essay.</p>' in html
    assert "2 minutes read" in html
    assert html.count('data-video-key="youtube:4JkIs37a2JE"') == 1  # inline, not again below
    attached = html[html.index('id="attached-videos-title"') :]
    assert 'data-video-key="youtube:dQw4w9WgXcQ"' in attached and "Again" not in attached
