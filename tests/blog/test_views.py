import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from blog.models import PostVideo
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db


def third_party_loads(html: str) -> list[str]:
    """Return URLs in the initial HTML that the browser would fetch from another host."""
    # <link rel="canonical"> and rel="alternate" name addresses; browsers do not fetch them.
    html = re.sub(r'<link rel="(?:canonical|alternate)"[^>]*>', "", html)
    loads = re.findall(
        r'<(?:img|script|iframe|video|audio|source|embed|link)\b[^>]*\s(?:src|href|srcset|poster)="([^"]+)"',
        html,
    )
    return [url for url in loads if urlsplit(url).netloc not in ("", "testserver")]


class TestHome:
    def test_lists_published_posts_newest_first(self, client, make_post):
        older = make_post(title="Older essay", excerpt="The older one.", tags=["1990s"])
        newer = make_post(title="Newer essay")
        older.published_at, newer.published_at = (
            older.published_at.replace(year=2025),
            newer.published_at,
        )
        older.save()
        html = client.get("/").content.decode()
        assert html.index("Newer essay") < html.index("Older essay")
        assert "The older one." in html
        assert 'href="/tags/1990s/"' in html

    def test_hides_drafts_and_scheduled_posts(self, client, make_post, draft, scheduled):
        make_post(title="Visible essay")
        html = client.get("/").content.decode()
        assert "Visible essay" in html
        assert draft.title not in html and scheduled.title not in html

    def test_paginates(self, client, make_post, settings):
        for n in range(12):
            make_post(title=f"Essay {n:02d}")
        first = client.get("/")
        assert first.context["is_paginated"] and len(first.context["post_list"]) == 10
        assert 'href="?page=2"' in first.content.decode()
        second = client.get("/?page=2")
        assert second.status_code == 200 and len(second.context["post_list"]) == 2
        assert client.get("/?page=99").status_code == 404

    def test_query_count_does_not_grow_with_posts(
        self, client, make_post, django_assert_max_num_queries
    ):
        for n in range(10):
            make_post(tags=["a", f"t{n}"])
        with django_assert_max_num_queries(4):
            assert client.get("/").status_code == 200

    def test_empty_site(self, client, db):
        assert "Nothing published yet." in client.get("/").content.decode()


class TestPostPage:
    def test_shows_the_post_with_videos_in_place_and_attached(self, client, make_post):
        post = make_post(
            title="On the moving room",
            body="Intro paragraph.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s\n\nAfter the video.",
            tags=["Jonathan Glazer", "1990s"],
        )
        video, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
        video.title = "Behind the scenes"
        video.save()
        PostVideo.objects.create(post=post, video=video, caption="The making-of clip.", position=0)
        response = client.get(post.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>On the moving room</h1>" in html
        body = html[html.index('<div class="post-body">') :]
        inline = body.index('data-video-key="youtube:dQw4w9WgXcQ"')
        assert body.index("Intro paragraph.") < inline < body.index("After the video.")
        assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;start=90" in html
        assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=90s"' in html  # no-JS link
        assert "Videos in this essay" in html and "The making-of clip." in html
        assert "player.vimeo.com/video/76979871?dnt=1" in html
        assert 'href="/tags/jonathan-glazer/"' in html
        assert "Draft preview" not in html

    def test_initial_html_loads_nothing_from_third_parties(self, client, make_post):
        post = make_post(body="https://youtu.be/dQw4w9WgXcQ\n\nhttps://vimeo.com/76979871")
        html = client.get(post.get_absolute_url()).content.decode()
        assert third_party_loads(html) == []
        assert "<iframe" not in html

    def test_query_count_is_fixed(self, client, make_post, django_assert_max_num_queries):
        post = make_post(
            body="https://youtu.be/dQw4w9WgXcQ\n\nhttps://vimeo.com/76979871", tags=["a", "b", "c"]
        )
        for url in ["https://vimeo.com/1", "https://vimeo.com/2", "https://vimeo.com/3"]:
            PostVideo.objects.create(post=post, video=video_get_or_create_from_url(url=url)[0])
        # the post, its tags, inline and attached videos; previous, next, related posts
        with django_assert_max_num_queries(7):
            assert client.get(post.get_absolute_url()).status_code == 200

    def test_unknown_slug_is_404(self, client, db):
        assert client.get("/posts/nothing-here/").status_code == 404

    def test_csp_header_blocks_inline_script_and_allows_only_player_frames(self, client, make_post):
        response = client.get(make_post().get_absolute_url())
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        frame_src = re.search(r"frame-src ([^;]+)", csp).group(1).split()
        assert (
            "https://www.youtube-nocookie.com" in frame_src
            and "https://player.vimeo.com" in frame_src
        )
        assert "*" not in csp


class TestUnpublishedPosts:
    def test_draft_and_scheduled_are_404_for_readers(self, client, draft, scheduled):
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(scheduled.get_absolute_url()).status_code == 404

    def test_logged_in_non_staff_also_get_404(self, client, make_user, draft):
        client.force_login(make_user())
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_staff_preview_shows_a_banner_and_is_never_cached(self, staff_client, draft, scheduled):
        response = staff_client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert "Draft preview" in response.content.decode()
        assert "no-cache" in response.headers["Cache-Control"]
        html = staff_client.get(scheduled.get_absolute_url()).content.decode()
        assert "Draft preview" in html and "scheduled for" in html

    def test_unpublished_posts_are_absent_from_every_reader_page(
        self, client, make_post, draft, scheduled
    ):
        make_post(tags=["shared"])
        draft.tags.set(["shared", "secret-tag"])
        scheduled.tags.set(["shared"])
        for url in ["/", "/tags/shared/", "/videos/"]:
            html = client.get(url).content.decode()
            assert draft.title not in html and scheduled.title not in html, url
        assert client.get("/tags/secret-tag/").status_code == 200  # tag exists, shows nothing
        assert draft.title not in client.get("/tags/secret-tag/").content.decode()

    def test_videos_of_unpublished_posts_stay_hidden(self, client, make_post):
        make_post(status="draft", published_at=None, body="https://youtu.be/dQw4w9WgXcQ")
        assert "dQw4w9WgXcQ" not in client.get("/videos/").content.decode()
        assert client.get("/videos/youtube/dQw4w9WgXcQ/").status_code == 404


class TestTags:
    @pytest.fixture
    def posts(self, make_post):
        return {
            "glazer_90s": make_post(title="Glazer nineties", tags=["Jonathan Glazer", "1990s"]),
            "glazer_00s": make_post(title="Glazer noughties", tags=["Jonathan Glazer", "2000s"]),
            "gondry_90s": make_post(title="Gondry nineties", tags=["Michel Gondry", "1990s"]),
        }

    def test_tag_page_lists_its_posts(self, client, posts):
        html = client.get("/tags/jonathan-glazer/").content.decode()
        assert "Glazer nineties" in html and "Glazer noughties" in html
        assert "Gondry nineties" not in html

    def test_several_tags_show_posts_with_all_of_them(self, client, posts):
        response = client.get(reverse("blog:tag", args=["jonathan-glazer+1990s"]))
        html = response.content.decode()
        assert [p.title for p in response.context["post_list"]] == ["Glazer nineties"]
        assert "Showing posts that have all of these tags." in html
        # each tag can be removed from the filter
        assert 'href="/tags/1990s/" aria-label="Remove tag Jonathan Glazer from the filter"' in html
        assert 'href="/tags/jonathan-glazer/" aria-label="Remove tag 1990s from the filter"' in html

    def test_removing_the_last_tag_leads_home(self, client, posts):
        html = client.get("/tags/1990s/").content.decode()
        assert 'href="/" aria-label="Remove tag 1990s from the filter"' in html

    def test_tag_description_is_shown(self, client, posts):
        from blog.models import Tag

        Tag.objects.filter(slug="1990s").update(description="The decade of the practical effect.")
        assert "The decade of the practical effect." in client.get("/tags/1990s/").content.decode()

    def test_unknown_tag_is_404(self, client, posts):
        assert client.get("/tags/nope/").status_code == 404
        assert client.get("/tags/1990s+nope/").status_code == 404

    def test_no_match_says_so(self, client, posts):
        html = client.get("/tags/michel-gondry+2000s/").content.decode()
        assert "No published post has all of these tags yet." in html

    def test_query_count(self, client, posts, django_assert_max_num_queries):
        with django_assert_max_num_queries(5):
            client.get("/tags/jonathan-glazer+1990s/")


class TestVideoPages:
    def test_index_and_detail_show_credits_and_posts(self, client, make_post):
        post = make_post(title="Essay with video", body="https://youtu.be/dQw4w9WgXcQ")
        video = post.embedded_videos.get()
        video.title, video.artist, video.director, video.year = (
            "A song",
            "An Artist",
            "A Director",
            1994,
        )
        video.save()
        index = client.get("/videos/").content.decode()
        assert "A song" in index and "An Artist" in index and "Essay with video" in index
        detail = client.get(video.get_absolute_url())
        assert detail.status_code == 200
        assert "A Director" in detail.content.decode() and "1994" in detail.content.decode()
