"""Every reader page type costs an exact number of queries, whatever it shows.

Each page is fetched on a small site (2 essays) and a larger one (more essays than a page
holds), every essay with a featured image, an image and a video in its body, an attached
video and three tags, so prefetches, joins and expansions are all exercised. The counts
include the page cache's one content-version read for anonymous readers; the page cache
itself starts empty, so these are the cold (uncached) figures.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from blog.models import PostVideo, Series
from videos.services import video_get_or_create_from_url

SIZES = [2, 14]  # 14: more than a page (POSTS_PER_PAGE is 10), so every list is full
MARCH = datetime(2024, 3, 1, 9, tzinfo=UTC)

# page name -> (address, exact queries, what it must show). Written out so a change shows up
# in review. Every count starts with the content-version read.
IMAGE, INLINE, ATTACHED, TAG = "/media/", "inl00000000", "att00000000", "/tags/common/"
PAGES = {
    # version, count, page of posts (author, profile, featured image joined), their tags,
    # the videos that may lend a card its poster (attached, inline), the comment counts
    "home": ("/", 7, [IMAGE, TAG]),
    # version, post (author, image joined), tags, inline videos, their chapters, attached
    # videos, their chapters, body images, previous, next, related (ranked, then cards, and
    # the videos that may lend those cards a poster: attached, inline), the moments the essay
    # cites, the comment settings, the comments; the series' published parts (every essay
    # here is a part of one series: "Part 1 of N" and its list come in that one query)
    "post": ("{post}", 18, [IMAGE, INLINE, ATTACHED, TAG, "Part 1 of "]),
    # version, the series (its picture joined), whether it has a published part (a series of
    # drafts is a 404), count, page of parts, tags, the cards' videos (attached, inline),
    # comment counts
    "series": ("/series/the-series/", 9, [IMAGE, TAG, "Essay 0"]),
    # version, count, the page of series with their part counts (picture joined)
    "series index": ("/series/", 3, ["/series/the-series/"]),
    # + the series and whether it has a published part
    "series feed": ("/series/the-series/feed/", 10, [IMAGE, INLINE, ATTACHED]),
    # Every listing below: + the cards' videos (attached, inline) and their comment counts.
    # version, the tags by slug, count, page, tags, narrowing tags
    "tag": ("/tags/common/", 9, [IMAGE, TAG]),
    "two-tag filter": ("/tags/common+shared/", 9, [IMAGE, TAG]),
    "tag without": ("/tags/common/without/odd/", 9, [IMAGE, TAG]),
    # version, the months with their counts, the titles under them
    "archive index": ("/archive/", 3, ["/2024/03/"]),
    "archive year": ("/2024/", 11, [IMAGE, TAG]),
    "archive month": ("/2024/03/", 11, [IMAGE, TAG]),
    # version, the author's profile, count, page, tags, (the date of the newest essay)
    "author": ("{author}", 9, [IMAGE, TAG]),
    # version, count, matches with snippets, page of posts, their tags
    "search": ("/search/?q=essay", 8, [IMAGE]),
    # version, posts, tags, inline videos, chapters, attached, chapters, every body's images
    "feed": ("/feed/", 8, [IMAGE, INLINE, ATTACHED]),
    "atom feed": ("/feed/atom/", 8, [IMAGE, INLINE, ATTACHED]),
    # + the tag by slug
    "tag feed": ("/tags/common/feed/", 9, [IMAGE, INLINE, ATTACHED]),
    # The sitemap index: version, the counts of posts and tags, the series with published
    # parts, whether there is an essay (archives, authors), the video sitemap's count
    "sitemap": ("/sitemap.xml", 7, ["/sitemap-posts.xml", "/sitemap-series.xml"]),
    # version, count, the page (only the columns an entry shows)
    "sitemap posts": ("/sitemap-posts.xml", 3, ["/posts/essay-0/"]),
    "sitemap tags": ("/sitemap-tags.xml", 3, [TAG]),
    # version, the series with published parts (and their index) in one list
    "sitemap series": ("/sitemap-series.xml", 2, ["/series/the-series/"]),
    # version, count of the essays with a video that has a poster: none has one here (the
    # full page, with its two prefetches, is pinned in tests/blog/test_sitemaps.py)
    "video sitemap": ("/videos/sitemap.xml", 2, []),
    "videos index": ("/videos/", 5, [ATTACHED]),
    # + the moments published essays cite
    "video page": ("{video}", 6, [ATTACHED, "/posts/essay-0/"]),
}


@pytest.fixture
def site(make_post, make_image, request):
    size = request.param
    picture = make_image()
    posts, videos = [], []
    series = Series.objects.create(title="The series", slug="the-series", picture=picture)
    for n in range(size):
        inline = f"https://www.youtube.com/watch?v=inl{n:08d}"
        body = f"An essay, number {n}.\n\n{inline}\n\nAt [0:42] it turns.\n\n[image:{picture.pk}]\n"
        tags = ["common", "shared" if n % 2 == 0 else "other", "odd" if n % 2 else f"own-{n}"]
        post = make_post(
            title=f"Essay {n}",
            body=body,
            featured_image=picture,
            published_at=MARCH + timedelta(hours=n),
            tags=tags,
            series=series,
            series_part=n + 1,
        )
        attached, _ = video_get_or_create_from_url(url=f"https://youtu.be/att{n:08d}")
        PostVideo.objects.create(post=post, video=attached, caption=f"Attached {n}")
        posts.append(post)
        videos.append(attached)
    cache.clear()
    return posts, videos


@pytest.mark.parametrize("site", SIZES, indirect=True)
@pytest.mark.parametrize("page", PAGES)
def test_query_count(client, site, page, django_assert_num_queries):
    posts, videos = site
    address, expected, shown = PAGES[page]
    video = videos[0]
    address = address.format(
        post=posts[0].get_absolute_url(),
        author=posts[0].author.profile.get_absolute_url(),
        video=reverse("videos:detail", args=[video.provider, video.video_id]),
    )
    with django_assert_num_queries(expected):
        response = client.get(address)
    assert response.status_code == 200
    body = response.content.decode()
    for fragment in shown:
        assert fragment in body, f"{page} should show {fragment}"


# The listings show a video only as a poster that stands in for its essay: they never read
# what only the video's own page or the essay shows (a transcript can be 100 KB).
LISTINGS = ["home", "tag", "two-tag filter", "archive month", "author", "search", "videos index"]


@pytest.mark.parametrize("site", [SIZES[-1]], indirect=True)
@pytest.mark.parametrize("page", LISTINGS)
def test_listings_leave_the_videos_long_texts_unread(client, site, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from videos.models import LISTING_DEFERRED_FIELDS, Video

    posts, videos = site
    Video.objects.update(transcript="A line of the transcript. " * 500, description="Long. " * 500)
    cache.clear()
    address = PAGES[page][0].format(author=posts[0].author.profile.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"videos_video"."id"' in read  # the videos were read, for their posters
    for field in LISTING_DEFERRED_FIELDS:
        assert f'"videos_video"."{field}"' not in read, f"{page} reads {field}"
    assert "A line of the transcript" not in response.content.decode()


# Cards already rendered at this content version: a listing at another address of the page
# (?from=...) reads them in one cache read and skips their prefetches (tags, videos,
# comment counts). Counts: the version, then what each page needs besides its cards.
WARM_CARDS = {
    # Every listing's count is kept too, per content version.
    "home": ("/", 2),  # version, page of posts
    "tag": ("/tags/common/", 3),  # version, the tag, page (its narrowing tags: kept too)
    "archive month": ("/2024/03/", 6),  # + the neighbouring months and the date list
    "author": ("{author}", 4),  # version, the profile, page, newest essay's date
}


@pytest.mark.parametrize("site", [SIZES[-1]], indirect=True)
@pytest.mark.parametrize("page", WARM_CARDS)
def test_cards_rendered_once_cost_no_prefetch_at_another_address(
    client, site, page, django_assert_num_queries
):
    posts, _videos = site
    address, expected = WARM_CARDS[page]
    address = address.format(author=posts[0].author.profile.get_absolute_url())
    first = client.get(address).content.decode()
    with django_assert_num_queries(expected):
        again = client.get(address + "?from=newsletter").content.decode()
    cards = [part.split("</article>")[0] for part in first.split('<article class="post-card">')[1:]]
    assert len(cards) == 10
    assert all(card in again for card in cards)  # the very same cards


@pytest.mark.parametrize("site", [SIZES[-1]], indirect=True)
def test_a_post_page_at_another_address_reuses_its_kept_parts(
    client, site, django_assert_num_queries
):
    """Of a post page's 18 queries, three: the version, the essay, its series' parts. Kept:
    the body (its images), the tail (quoted moments, attached videos, tags), the head (social
    tags, JSON-LD), the comments section, the related section (ranking, cards, their posters'
    videos) and the previous and next essays; so the reading prefetches never run."""
    posts, _videos = site
    address = posts[0].get_absolute_url()
    first = client.get(address).content.decode()
    with django_assert_num_queries(3):
        again = client.get(address + "?from=newsletter").content.decode()
    section = first.split('<section class="related-posts"')[1].split("</section>")[0]
    assert section.count('class="related-title"') == 3 and section in again
    comments = first.split('<section class="comments"')[1].split("</section>")[0]
    assert 'name="token"' in comments and comments in again
    assert again == first  # the very same page, head (social tags, JSON-LD) and all


@pytest.mark.parametrize("site", [SIZES[0]], indirect=True)
def test_a_card_is_kept_per_place_and_page_kind(client, site):
    """The first card draws its picture eagerly, the author's page drops the byline."""
    posts, _videos = site
    newest, older = posts[1], posts[0]
    home = client.get("/").content.decode()
    author = client.get(older.author.profile.get_absolute_url()).content.decode()
    # The older essay: second on the home page, first on its tag's page ("odd" or "own-0").
    tag = client.get("/tags/own-0/").content.decode()

    def card(page, post):
        start = page.index(f'href="{post.get_absolute_url()}"')
        start = page.rindex('<article class="post-card">', 0, start)
        return page[start : page.index("</article>", start)]

    assert 'loading="lazy"' in card(home, older) and 'loading="eager"' in card(home, newest)
    assert 'loading="eager"' in card(tag, older)
    assert 'rel="author"' in card(home, older) and 'rel="author"' not in card(author, older)


@pytest.mark.parametrize("site", [SIZES[0]], indirect=True)
def test_a_changed_essay_gets_a_new_card_at_once(client, site):
    posts, _videos = site
    client.get("/")
    posts[0].title = "A title changed since"
    posts[0].save()
    assert "A title changed since" in client.get("/?from=x").content.decode()
