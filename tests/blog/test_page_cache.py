"""The whole-page cache and HTTP validators (blog.page_cache), with the real local-memory cache.

Every invalidation test follows one pattern: fill the cache, make the change, and check that
the very next anonymous request shows it.
"""

import gzip
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone
from django.utils.http import http_date
from test_images import make_image

from blog import page_cache, services
from blog.models import ContentVersion, Post, PostVideo, Tag
from videos.models import Video, VideoChapter
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db


def fetch(client, url, **headers):
    """GET url; return the response and how many queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def text(response) -> str:
    return response.content.decode()


def assert_cached(client, url):
    """Fetch url twice: the second answer is the first one, for the content version's query."""
    first, _cost = fetch(client, url)
    assert first.status_code == 200
    again, cost = fetch(client, url)
    assert again.status_code == 200 and cost == 1
    assert again.content == first.content
    return again


@pytest.fixture
def clock(monkeypatch):
    """Freeze timezone.now(), which published() and the page cache both read; let tests move it."""

    class Clock:
        at = timezone.now()

        def advance(self, **delta):
            self.at += timedelta(**delta)

    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.at)
    return frozen


def commit_point():
    """Run the on_commit callbacks so far, as the commit a test transaction never makes would."""
    callbacks, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, callback, _robust in callbacks:
        callback()


@pytest.fixture
def essay(make_post):
    video = video_get_or_create_from_url(url="https://vimeo.com/76979871")[0]
    post = make_post(
        title="The room that moves",
        body="Prose.\n\nhttps://youtu.be/dQw4w9WgXcQ",
        tags=["camera", "film"],
    )
    PostVideo.objects.create(post=post, video=video)
    return post


# --- What is cached -------------------------------------------------------------------------


READER_URLS = [
    "/",
    "/posts/the-room-that-moves/",
    "/tags/",
    "/tags/camera/",
    "/tags/camera+film/",
    "/tags/camera/feed/",
    "/archive/",
    "/authors/wren-writer/",
    "/search/?q=prose",
    "/feed/",
    "/feed/atom/",
    "/sitemap.xml",
    "/robots.txt",
    "/videos/",
    "/videos/vimeo/76979871/",
    "/videos/sitemap.xml",
]


@pytest.mark.parametrize("url", READER_URLS)
def test_every_reader_page_and_feed_is_served_whole_from_the_cache(client, essay, url):
    if url != "/robots.txt":  # the one page that needs no query
        assert fetch(client, url)[1] > 1
        client.get("/")  # another page between: the cache holds each address separately
    response = assert_cached(client, url)
    assert response.headers["ETag"].startswith('W/"')


def test_archive_pages_are_cached(client, essay):
    year = essay.published_at.year
    assert_cached(client, f"/{year}/")
    assert_cached(client, f"/{year}/{essay.published_at.month:02d}/")


def test_search_is_cached_per_query(client, essay, make_post):
    make_post(title="Another", body="Different words.")
    assert "The room that moves" in text(assert_cached(client, "/search/?q=prose"))
    other, cost = fetch(client, "/search/?q=different")
    assert cost > 1 and "Another" in text(other) and "The room that moves" not in text(other)


def test_admin_and_health_are_left_alone(client, db):
    for url in ("/admin/login/", "/healthz"):
        response = client.get(url)
        assert "ETag" not in response.headers
        assert "public" not in response.headers.get("Cache-Control", "")


# --- Invalidation: every change a reader can see --------------------------------------------


def test_saving_an_essay_shows_at_once(client, essay):
    assert_cached(client, "/")
    assert_cached(client, essay.get_absolute_url())
    essay.title = "The room that moved"
    essay.body = "New prose."
    essay.save()
    assert "The room that moved" in text(client.get("/"))
    assert "New prose." in text(client.get(essay.get_absolute_url()))


def test_publishing_a_draft_shows_at_once(client, draft):
    assert "Secret draft essay" not in text(assert_cached(client, "/"))
    assert client.get(draft.get_absolute_url()).status_code == 404  # never stored
    services.posts_publish_now(posts=Post.objects.filter(pk=draft.pk))
    assert "Secret draft essay" in text(client.get("/"))
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_unpublishing_hides_at_once(client, essay):
    assert_cached(client, "/")
    assert_cached(client, essay.get_absolute_url())
    services.posts_unpublish(posts=Post.objects.filter(pk=essay.pk))
    assert "The room that moves" not in text(client.get("/"))
    assert client.get(essay.get_absolute_url()).status_code == 404
    assert "The room that moves" not in text(client.get("/feed/"))


def test_deleting_an_essay_hides_at_once(client, essay):
    assert_cached(client, "/feed/")
    url = essay.get_absolute_url()
    assert_cached(client, url)
    essay.delete()
    assert "The room that moves" not in text(client.get("/feed/"))
    assert client.get(url).status_code == 404


def test_a_scheduled_essay_appears_at_its_time_without_a_save(client, clock, make_post):
    make_post(title="Already out")
    post = make_post(title="Coming soon", published_at=clock.at + timedelta(seconds=2))
    home = assert_cached(client, "/")
    assert "Coming soon" not in text(home)
    clock.advance(seconds=1)
    assert "Coming soon" not in text(assert_cached(client, "/"))
    clock.advance(seconds=1)  # its time has come
    response, _cost = fetch(client, "/")
    assert "Coming soon" in text(response)
    assert response.headers["ETag"] != home.headers["ETag"]
    assert client.get(post.get_absolute_url()).status_code == 200
    assert_cached(client, "/")  # and that page is cached again


def test_a_scheduled_essay_caps_how_long_pages_and_proxies_keep_them(client, clock, make_post):
    make_post(title="Coming soon", published_at=clock.at + timedelta(seconds=10))
    cache_control = client.get("/").headers["Cache-Control"]
    assert "s-maxage=10" in cache_control and "stale-while-revalidate=0" in cache_control


def test_renaming_a_tag_shows_at_once(client, essay):
    assert "camera" in text(assert_cached(client, essay.get_absolute_url()))
    assert_cached(client, "/tags/")
    services.tag_rename(tag=Tag.objects.get(name="camera"), name="Lens")
    assert "Lens" in text(client.get(essay.get_absolute_url()))
    assert "/tags/lens/" in text(client.get("/tags/"))


def test_merging_tags_shows_at_once(client, essay):
    assert_cached(client, "/tags/")
    services.tags_merge(into=Tag.objects.get(name="film"), tags=Tag.objects.all())
    page = text(client.get("/tags/"))
    assert "/tags/film/" in page and "/tags/camera/" not in page
    assert client.get("/tags/camera/").status_code == 301


def test_a_tag_description_shows_at_once(client, essay):
    assert_cached(client, "/tags/camera/")
    Tag.objects.filter(name="camera").update(description="Where the lens goes.")
    assert "Where the lens goes." not in text(client.get("/tags/camera/"))  # update() is silent
    tag = Tag.objects.get(name="camera")
    tag.description = "How the camera moves."
    tag.save()
    assert "How the camera moves." in text(client.get("/tags/camera/"))


def test_tagging_an_essay_shows_at_once(client, essay, make_post):
    other = make_post(title="Second essay", tags=["film"])
    assert "Second essay" not in text(assert_cached(client, "/tags/camera/"))
    other.tags.add("camera")
    assert "Second essay" in text(client.get("/tags/camera/"))
    other.tags.clear()
    assert "Second essay" not in text(client.get("/tags/camera/"))


def test_a_video_title_and_poster_show_at_once(client, essay):
    url = essay.get_absolute_url()
    assert_cached(client, url)
    assert_cached(client, "/videos/")
    video = Video.objects.get(provider="youtube")
    video.title = "Never Gonna Give You Up"
    video.poster_renditions = [
        {"name": "videos/posters/rick-640.jpg", "format": "jpeg", "width": 640, "height": 360}
    ]
    video.save(update_fields=["title", "poster_renditions", "updated_at"])
    page = text(client.get(url))
    assert "Never Gonna Give You Up" in page and "rick-640.jpg" in page
    assert "Never Gonna Give You Up" in text(client.get("/videos/"))


def test_a_new_chapter_shows_at_once(client, essay):
    url = "/videos/vimeo/76979871/"
    assert_cached(client, url)
    VideoChapter.objects.create(
        video=Video.objects.get(provider="vimeo"), start_seconds=90, title="The turn"
    )
    assert "The turn" in text(client.get(url))


def test_attaching_a_video_shows_at_once(client, essay):
    url = essay.get_absolute_url()
    assert_cached(client, url)
    video = video_get_or_create_from_url(url="https://vimeo.com/1234567")[0]
    essay.attached_videos.add(video)
    assert "1234567" in text(client.get(url))


def test_an_authors_name_shows_at_once(client, essay):
    assert "Wren Writer" in text(assert_cached(client, essay.get_absolute_url()))
    profile = essay.author.profile
    profile.display_name = "Robin Writer"
    profile.save()
    assert "Robin Writer" in text(client.get(essay.get_absolute_url()))


def test_a_login_does_not_empty_the_cache(client, essay, make_user):
    assert_cached(client, "/")
    user = make_user()
    generation = ContentVersion.objects.get().generation
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert ContentVersion.objects.get().generation == generation


def test_an_images_alt_text_shows_at_once(client, make_post):
    image = make_image(alt_text="A corridor")
    post = make_post(body=f"[image:{image.pk}]")
    assert 'alt="A corridor"' in text(assert_cached(client, post.get_absolute_url()))
    image.alt_text = "A long corridor at night"
    image.save()
    assert 'alt="A long corridor at night"' in text(client.get(post.get_absolute_url()))


def test_a_changed_slug_redirects_at_once(client, essay):
    old = essay.get_absolute_url()
    assert_cached(client, old)
    essay.slug = "the-moving-room"
    services.post_save(post=essay)  # as the admin saves: the old slug answers with a 301
    response = client.get(old)
    assert response.status_code == 301 and response.headers["Location"] == "/posts/the-moving-room/"


def test_writes_signals_cannot_see_call_the_bump(client, essay):
    assert_cached(client, "/")
    Post.objects.filter(pk=essay.pk).update(title="Renamed in bulk")
    page_cache.content_version_bump()
    assert "Renamed in bulk" in text(client.get("/"))


def test_a_rolled_back_change_leaves_the_version_alone(client, essay):
    assert_cached(client, "/")
    generation = ContentVersion.objects.get().generation
    with pytest.raises(RuntimeError), transaction.atomic():
        essay.title = "Never happened"
        essay.save()
        raise RuntimeError
    assert ContentVersion.objects.get().generation == generation
    assert_cached(client, "/")  # still the stored page: nothing changed


def test_a_missing_version_row_is_recreated_with_a_larger_generation(client, essay):
    old = ContentVersion.objects.get().generation
    ContentVersion.objects.all().delete()
    assert_cached(client, "/")
    assert ContentVersion.objects.get().generation > old


def test_a_settings_change_is_a_new_page(client, essay, settings):
    assert_cached(client, "/")
    settings.SITE_NAME = "Closer Still"
    assert "Closer Still" in text(client.get("/"))


@pytest.mark.parametrize(
    "name, value", [("CLOSER_COMMENT_MAX_CHARS", 10), ("CLOSER_COMMENTS_CLOSE_AFTER_DAYS", 3)]
)
def test_a_setting_from_the_environment_is_another_release(settings, monkeypatch, name, value):
    """Set at a restart with the code unchanged, it must not find the pages of the old value
    in a cache that outlived the restart (Redis)."""
    epoch = page_cache._settings_epoch
    page_cache._forget_release_digest()
    before = page_cache.release_digest()
    setattr(settings, name, value)
    # As a restart would see it: only the value differs, not the tests' change counter.
    monkeypatch.setattr(page_cache, "_settings_epoch", epoch + 1)
    monkeypatch.setattr(page_cache, "_release_digest", None)
    assert page_cache.release_digest() != before


# --- Who is never served a cached page -------------------------------------------------------


def test_staff_are_never_served_a_cached_page(client, admin_client, essay):
    # admin_client is a second client, logged in; `client` is the anonymous reader.
    reader = Client()
    assert_cached(reader, "/")
    response, cost = fetch(admin_client, "/")
    assert cost > 1
    assert "private" in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]
    assert "ETag" not in response.headers and "Last-Modified" not in response.headers
    assert "Cookie" in response.headers["Vary"]


def test_staff_pages_are_never_stored(admin_client, essay):
    admin_client.get("/")
    _response, cost = fetch(Client(), "/")
    assert cost > 1  # rendered afresh for the reader, not what staff saw


def test_a_preview_is_never_cached_and_never_leaks(admin_client, draft):
    url = draft.get_absolute_url()
    for _ in range(2):
        preview, cost = fetch(admin_client, url)
        assert preview.status_code == 200 and "Draft preview" in text(preview)
        assert "no-store" in preview.headers["Cache-Control"] and cost > 1
    assert Client().get(url).status_code == 404


def test_a_response_that_sets_a_cookie_is_not_stored(essay):
    middleware = page_cache.PageCacheMiddleware(lambda request: view_response)
    view_response = None

    def request():
        made = RequestFactory().get("/")
        made.resolver_match = resolve("/")
        made.COOKIES = {}
        return made

    view_response = HttpResponse("Hello, visitor 7")
    view_response.set_cookie("visitor", "7")
    first = request()
    assert middleware.process_view(first, None, (), {}) is None
    middleware(first)
    assert middleware.process_view(request(), None, (), {}) is None  # still a miss


# --- HTTP validators and Cache-Control -------------------------------------------------------


def test_if_none_match_gets_a_304_until_something_changes(client, essay):
    first = client.get("/")
    etag = first.headers["ETag"]
    unchanged, cost = fetch(client, "/", if_none_match=etag)
    assert unchanged.status_code == 304 and cost == 1 and unchanged.content == b""
    assert unchanged.headers["ETag"] == etag and "s-maxage" in unchanged.headers["Cache-Control"]
    essay.title = "A new title"
    essay.save()
    changed = client.get("/", headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_if_modified_since_gets_a_304_until_something_changes(client, clock, essay):
    commit_point()
    clock.advance(seconds=5)  # past any second the version ran ahead to
    first = client.get("/")
    last_modified = first.headers["Last-Modified"]
    assert client.get("/", headers={"if-modified-since": last_modified}).status_code == 304
    essay.title = "A new title"
    essay.save()
    commit_point()
    changed = client.get("/", headers={"if-modified-since": last_modified})
    assert changed.status_code == 200 and "A new title" in text(changed)


def test_if_none_match_wins_over_if_modified_since(client, clock, essay):
    clock.advance(seconds=5)
    first = client.get("/")
    stale = client.get(
        "/",
        headers={"if-none-match": 'W/"other"', "if-modified-since": first.headers["Last-Modified"]},
    )
    assert stale.status_code == 200


def test_last_modified_never_moves_backwards_even_within_one_second(client, clock, essay):
    """Three committed changes in one frozen second: three ever later Last-Modified values."""
    commit_point()
    seen = [ContentVersion.objects.get().last_modified]
    for n in range(3):
        essay.title = f"Version {n}"
        essay.save()
        commit_point()
        seen.append(ContentVersion.objects.get().last_modified)
    assert seen == sorted(set(seen))
    # Ahead of the clock it is not sent; once the clock passes it, it is.
    assert "Last-Modified" not in client.get("/").headers
    clock.advance(seconds=5)
    assert client.get("/").headers["Last-Modified"] == http_date(seen[-1])


def test_one_transaction_moves_last_modified_once(essay):
    # The test's transaction made the essay (one bump) and makes five more saves.
    before = ContentVersion.objects.get()
    for n in range(5):
        essay.title = f"Draft {n}"
        essay.save()
    after = ContentVersion.objects.get()
    assert after.generation >= before.generation + 5
    assert after.last_modified == before.last_modified


def test_anonymous_cache_control_and_vary(client, essay):
    response = client.get("/")
    parts = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert parts == {"public", "max-age=0", "s-maxage=60", "stale-while-revalidate=30"}
    vary = {part.strip() for part in response.headers["Vary"].split(",")}
    assert {"Accept-Encoding", "Cookie"} <= vary


def test_reader_addresses_are_told_apart_and_long_ones_not_remembered(client, essay):
    from blog.page_cache import _is_reader_address, _is_reader_path

    _is_reader_path.cache_clear()
    assert _is_reader_address(essay.get_absolute_url())
    assert not _is_reader_address("/admin/")
    long_tag = "/tags/" + "x" * 300 + "/"
    assert _is_reader_address(long_tag)  # a tag address, long: matched, not kept
    assert _is_reader_path.cache_info().currsize == 2


def test_public_headers_keep_what_the_view_said():
    """The worked-out Cache-Control and Vary merge into a view's own, like Django's patches."""
    from blog.page_cache import _public_cache_headers

    cache_control, vary = _public_cache_headers("no-transform, max-age=600", "Origin", 0, 60, 30)
    assert {part.strip() for part in cache_control.split(",")} == {
        "no-transform",
        "public",
        "max-age=0",
        "s-maxage=60",
        "stale-while-revalidate=30",
    }
    assert [part.strip() for part in vary.split(",")] == ["Origin", "Accept-Encoding", "Cookie"]
    assert _public_cache_headers(None, None, 5, 5, 0)[0] == (
        "public, max-age=5, s-maxage=5, stale-while-revalidate=0"
    )


def test_cache_control_comes_from_settings(client, essay, settings):
    settings.CLOSER_CACHE_MAX_AGE = 30
    settings.CLOSER_CACHE_S_MAXAGE = 600
    settings.CLOSER_CACHE_STALE_WHILE_REVALIDATE = 86400
    parts = {part.strip() for part in client.get("/").headers["Cache-Control"].split(",")}
    assert parts == {"public", "max-age=30", "s-maxage=600", "stale-while-revalidate=86400"}


def test_the_page_cache_can_be_turned_off(client, essay, settings):
    settings.CLOSER_PAGE_CACHE = False
    client.get("/")
    response, cost = fetch(client, "/")
    assert cost > 1 and "ETag" not in response.headers


# --- Compression -----------------------------------------------------------------------------


def test_pages_are_gzipped_and_cached_gzipped(client, essay):
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers
    zipped, _ = fetch(client, "/", accept_encoding="gzip, deflate, br")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    again, cost = fetch(client, "/", accept_encoding="gzip")
    assert cost == 1 and again.headers["Content-Encoding"] == "gzip"
    assert again.content == zipped.content
    assert "Content-Encoding" not in client.get("/").headers  # the plain copy is separate


def test_generations_only_grow(essay):
    before = ContentVersion.objects.values_list("generation", flat=True).get()
    Post.objects.filter(pk=essay.pk).update(title=F("title"))
    page_cache.content_version_bump()
    assert ContentVersion.objects.values_list("generation", flat=True).get() == before + 1


def test_an_unreachable_cache_costs_speed_not_the_page(client, essay, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.get("/")
    assert response.status_code == 200 and "The room that moves" in text(response)
    assert "Page cache unreachable" in caplog.text


def test_a_page_that_used_a_csrf_token_is_not_stored(essay):
    def view_with_a_form(request):
        get_token(request)
        return HttpResponse("<form>…</form>")

    middleware = page_cache.PageCacheMiddleware(view_with_a_form)

    def request():
        made = RequestFactory().get("/")
        made.resolver_match = resolve("/")
        return made

    first = request()
    assert middleware.process_view(first, None, (), {}) is None
    response = middleware(first)
    assert "ETag" not in response.headers and "Cookie" in response.headers["Vary"]
    assert middleware.process_view(request(), None, (), {}) is None  # still a miss


def test_head_is_served_from_the_stored_get(client, essay):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        response = client.head("/")
    assert response.status_code == 200 and len(queries) == 1 and "ETag" in response.headers


def test_a_transaction_locks_the_version_row_before_its_own_rows(essay, make_post):
    """Every writer takes the version row first: two writers cannot deadlock over it."""
    video = Video.objects.get(provider="vimeo")
    for write in (essay.save, video.save, lambda: essay.tags.add("new"), essay.delete):
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            write()
        writes = [
            q["sql"] for q in queries if q["sql"].split()[0] in ("UPDATE", "INSERT", "DELETE")
        ]
        assert "blog_contentversion" in writes[0], writes[0]


def test_a_stored_page_is_answered_before_sessions_with_every_header_of_a_rendered_one(
    client, essay, monkeypatch
):
    """PageCacheHitMiddleware answers without the middleware below it or the view."""
    url = essay.get_absolute_url()
    rendered = client.get(url)
    # From here on, nothing below the hit middleware may run for a stored page.
    from django.contrib.sessions import middleware as sessions

    def no_session(*args, **kwargs):
        raise AssertionError("the session middleware ran for a stored page")

    monkeypatch.setattr(sessions.SessionMiddleware, "process_request", no_session)
    stored, cost = fetch(client, url)
    assert cost == 1 and stored.content == rendered.content
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Permissions-Policy",
        "ETag",
        "Cache-Control",
        "Vary",
        "Content-Type",
        "X-Content-Type-Options",
    ):
        assert stored.headers.get(header) == rendered.headers.get(header), header
    assert fetch(client, url, if_none_match=rendered["ETag"])[0].status_code == 304
    # A visitor with a session cookie goes the whole way (and here meets the patched method).
    client.cookies["sessionid"] = "anything"
    with pytest.raises(AssertionError, match="session middleware ran"):
        client.get(url)
