import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from blog import services
from blog.models import Post, PostVideo
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
        # +1: the approved comment counts of every card, in one query (comments_tags)
        # +2: the videos that may lend a card its poster (attached, inline), for any number of posts
        with django_assert_max_num_queries(7):
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
        # the post, its tags, inline and attached videos and their chapters; previous, next,
        # related posts
        # +1: the content version read by blog.page_cache for every anonymous reader page
        # +2: the essay's comment settings and its approved comments (comments_tags)
        with django_assert_max_num_queries(12):
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

    def test_staff_preview_shows_a_banner_and_is_never_cached(self, admin_client, draft, scheduled):
        response = admin_client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert "Draft preview" in response.content.decode()
        assert "no-cache" in response.headers["Cache-Control"]
        html = admin_client.get(scheduled.get_absolute_url()).content.decode()
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
        # a tag only the draft carries is as unknown to readers as a tag that does not exist
        assert client.get("/tags/secret-tag/").status_code == 404

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
        assert "Showing essays that have all of these tags." in html
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
        assert "No essay has all of these tags yet." in html

    def test_query_count(self, client, posts, django_assert_max_num_queries):
        # +1: the content version read by blog.page_cache for every anonymous reader page
        # +1: the approved comment counts of every card, in one query (comments_tags)
        # +2: the videos that may lend a card its poster (attached, inline), for any number of posts
        with django_assert_max_num_queries(9):
            client.get("/tags/jonathan-glazer+1990s/")


class TestVideoPages:
    def test_index_and_detail_show_credits_and_posts(self, client, make_post):
        post = make_post(title="Essay with video", body="https://youtu.be/dQw4w9WgXcQ")
        video = post.inline_videos.get()
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


def days_ago(n: int):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(days=n)


class TestTagIndex:
    def test_lists_tags_with_published_counts_most_used_first(
        self, client, make_post, draft, django_assert_max_num_queries
    ):
        make_post(tags=["common", "rare"])
        make_post(tags=["common"])
        make_post(tags=["common", "medium"])
        make_post(tags=["medium"])
        draft.tags.set(["rare", "draft-only"])
        # +1: the content version read by blog.page_cache for every anonymous reader page
        with django_assert_max_num_queries(2):
            response = client.get("/tags/")
        tags = [(t.slug, t.post_count) for t in response.context["tags"]]
        assert tags == [("common", 3), ("medium", 2), ("rare", 1)]
        html = response.content.decode()
        assert 'href="/tags/common/"' in html and "3 essays" in html and "1 essay<" in html
        assert "draft-only" not in html  # a tag used only by drafts says nothing yet


class TestTagFilterExclusionAndNarrowing:
    @pytest.fixture
    def posts(self, make_post):
        return {
            "a": make_post(title="Glazer nineties effects", tags=["glazer", "1990s", "effects"]),
            "b": make_post(title="Glazer nineties plain", tags=["glazer", "1990s"]),
            "c": make_post(title="Glazer noughties", tags=["glazer", "2000s", "effects"]),
            "d": make_post(title="Gondry nineties", tags=["gondry", "1990s", "effects"]),
        }

    def titles(self, response):
        return sorted(p.title for p in response.context["post_list"])

    def test_excluding_a_tag(self, client, posts):
        response = client.get("/tags/glazer/without/effects/")
        assert self.titles(response) == ["Glazer nineties plain"]
        html = response.content.decode()
        assert 'href="/tags/glazer/" aria-label="Stop excluding tag effects"' in html
        assert '<meta name="robots" content="noindex, follow">' in html

    def test_several_included_and_excluded(self, client, posts):
        response = client.get(reverse("blog:tag-without", args=[["glazer", "1990s"], ["effects"]]))
        assert response.wsgi_request.path == "/tags/glazer+1990s/without/effects/"
        assert self.titles(response) == ["Glazer nineties plain"]
        html = response.content.decode()
        # removing an included tag keeps the exclusion
        assert 'href="/tags/1990s/without/effects/" aria-label="Remove tag glazer' in html

    def test_co_occurring_tags_say_how_many_posts_each_would_leave(self, client, posts):
        response = client.get("/tags/glazer/")
        options = {o["tag"].slug: o for o in response.context["narrowing"]}
        assert set(options) == {"1990s", "effects", "2000s"}
        assert (options["1990s"]["with_count"], options["1990s"]["without_count"]) == (2, 1)
        assert options["1990s"]["with_url"] == "/tags/glazer+1990s/"
        assert options["1990s"]["without_url"] == "/tags/glazer/without/1990s/"
        assert (options["2000s"]["with_count"], options["2000s"]["without_count"]) == (1, 2)
        # following the links narrows as promised
        assert len(client.get("/tags/glazer+1990s/").context["post_list"]) == 2
        assert len(client.get("/tags/glazer/without/1990s/").context["post_list"]) == 1

    def test_the_kept_narrowing_table_follows_every_change(self, client, posts, make_post):
        def table(address):
            html = client.get(address).content.decode()
            return html.split('<table class="narrowing-table">')[1].split("</table>")[0]

        first = table("/tags/glazer/")
        assert table("/tags/glazer/?from=x") == first  # another address: the kept table
        assert "Only with it" in first and 'href="/tags/glazer+1990s/"' in first
        make_post(title="Glazer again", tags=["glazer", "newtag"])
        changed = table("/tags/glazer/?from=y")
        assert 'href="/tags/glazer+newtag/"' in changed and changed != first

    def test_narrowing_ignores_unpublished_posts(self, client, posts, draft):
        draft.tags.set(["glazer", "secret-tag"])
        html = client.get("/tags/glazer/").content.decode()
        assert "secret-tag" not in html and draft.title not in html

    def test_unknown_repeated_or_contradictory_tags_are_404(self, client, posts):
        assert client.get("/tags/glazer/without/nope/").status_code == 404
        assert client.get("/tags/glazer/without/glazer/").status_code == 404
        nine = [f"t{n}" for n in range(9)]
        posts["a"].tags.add(*nine)
        assert client.get(f"/tags/{'+'.join(nine[:8])}/").status_code == 200
        assert client.get(f"/tags/{'+'.join(nine)}/").status_code == 404  # a crawler, not a reader

    def test_every_filter_has_its_feeds(self, client, posts):
        html = client.get("/tags/glazer+1990s/without/effects/").content.decode()
        assert (
            'type="application/rss+xml" title="Closer: glazer + 1990s without effects (RSS)" '
            'href="/tags/glazer+1990s/without/effects/feed/"'
        ) in html
        assert 'href="/tags/glazer+1990s/without/effects/feed/atom/"' in html

    def test_query_count(self, client, posts, django_assert_max_num_queries):
        # tags, page count, posts, their tags and authors, co-occurring tags
        # +1: the content version read by blog.page_cache for every anonymous reader page
        # +1: the approved comment counts of every card, in one query (comments_tags)
        # +2: the videos that may lend a card its poster (attached, inline), for any number of posts
        with django_assert_max_num_queries(9):
            assert client.get("/tags/glazer+1990s/without/2000s/").status_code == 200


class TestArchives:
    @pytest.fixture
    def posts(self, make_post):
        from datetime import datetime

        from django.utils import timezone

        def at(year, month, day):
            return timezone.make_aware(datetime(year, month, day, 12))

        return [
            make_post(title="November essay", published_at=at(2025, 11, 3)),
            make_post(title="Late November essay", published_at=at(2025, 11, 28)),
            make_post(title="March essay", published_at=at(2025, 3, 9)),
            make_post(title="Older year essay", published_at=at(2024, 6, 1)),
        ]

    def test_archive_index_lists_years_and_months_with_counts(
        self, client, posts, draft, scheduled
    ):
        response = client.get("/archive/")
        years = response.context["years"]
        assert [(y["year"], y["post_count"]) for y in years[-2:]] == [(2025, 3), (2024, 1)]
        html = response.content.decode()
        assert 'href="/2025/11/"' in html and 'href="/2025/"' in html and 'href="/2024/06/"' in html
        # Titles under their month, the month named with its year, counts as words.
        november = html[html.index("November 2025") :]
        assert "2 essays" in november[:300]
        assert november.index("Late November essay") < november.index("March 2025")
        assert "1 essay<" in html and "1 essays" not in html

    def test_year_page(self, client, posts):
        response = client.get("/2025/")
        assert [p.title for p in response.context["post_list"]] == [
            "Late November essay",
            "November essay",
            "March essay",
        ]
        html = response.content.decode()
        assert 'href="/2025/03/"' in html and 'href="/2024/"' in html

    def test_month_page(self, client, posts):
        response = client.get("/2025/11/")
        assert [p.title for p in response.context["post_list"]] == [
            "Late November essay",
            "November essay",
        ]
        assert 'href="/2025/03/" rel="prev"' in response.content.decode()

    def test_empty_periods_and_nonsense_are_404(self, client, posts):
        assert client.get("/2023/").status_code == 404
        assert client.get("/2025/01/").status_code == 404
        assert client.get("/2025/13/").status_code == 404

    def test_the_kept_archive_follows_every_change(self, client, make_post):
        make_post(title="Old one", published_at=days_ago(400))
        assert "Old one" in client.get("/archive/").content.decode()
        fresh = make_post(title="Fresh one", published_at=days_ago(1))
        html = client.get("/archive/?from=x").content.decode()
        assert "Fresh one" in html and "Old one" in html
        fresh.delete()
        assert "Fresh one" not in client.get("/archive/?from=y").content.decode()

    def test_unpublished_posts_stay_out_of_archives(self, client, make_post):
        from blog.models import Post

        make_post(title="Draft in the past", status=Post.Status.DRAFT, published_at=days_ago(40))
        scheduled = make_post(title="Scheduled", published_at=days_ago(-40))
        assert (
            client.get(f"/{scheduled.published_at.year}/{scheduled.published_at:%m}/").status_code
            == 404
        )
        assert "Draft in the past" not in client.get("/archive/").content.decode()

    def test_query_counts(self, client, posts, django_assert_max_num_queries):
        # months with counts, the titles; +1: the content version read by blog.page_cache
        with django_assert_max_num_queries(3):
            client.get("/archive/")
        # any posts?, months of the year, previous and next period, count, posts, their tags
        # +1: the content version read by blog.page_cache for every anonymous reader page
        # +1: the approved comment counts of every card, in one query (comments_tags)
        # +2: the videos that may lend a card its poster (attached, inline), for any number of posts
        with django_assert_max_num_queries(11):
            assert client.get("/2025/").status_code == 200
        # +1: the content version read by blog.page_cache for every anonymous reader page
        # +2: the videos that may lend a card its poster (attached, inline), for any number of posts
        with django_assert_max_num_queries(11):
            assert client.get("/2025/11/").status_code == 200


class TestAuthors:
    def test_author_page_lists_their_published_posts(
        self, client, make_post, make_user, author, draft, django_assert_max_num_queries
    ):
        make_post(title="Mine")
        make_post(title="Someone else's", author=make_user(username="other"))
        # +1: the content version read by blog.page_cache for every anonymous reader page
        # +1: the approved comment counts of every card, in one query (comments_tags)
        # +2: the videos that may lend a card its poster (attached, inline), for any number of posts
        with django_assert_max_num_queries(9):
            response = client.get("/authors/wren-writer/")
        assert [p.title for p in response.context["post_list"]] == ["Mine"]
        assert "Essays by Wren Writer" in response.content.decode()

    def test_post_links_to_its_author(self, client, make_post):
        post = make_post()
        html = client.get(post.get_absolute_url()).content.decode()
        assert 'href="/authors/wren-writer/" rel="author">Wren Writer</a>' in html

    def test_author_without_published_posts_or_unknown_is_404(self, client, draft, make_user):
        make_user(username="lurker")
        assert client.get("/authors/wren-writer/").status_code == 404  # only a draft
        assert client.get("/authors/lurker/").status_code == 404
        assert client.get("/authors/nobody/").status_code == 404

    def test_the_login_name_is_never_published(self, client, make_post, make_user):
        # An account without a full name is "Author N"; its login appears nowhere readers look.
        quiet = make_user(username="secretlogin")
        post = make_post(author=quiet)
        profile = quiet.profile
        assert profile.display_name == f"Author {quiet.pk}"
        pages = [post.get_absolute_url(), profile.get_absolute_url(), "/feed/", "/sitemap.xml"]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "secretlogin" not in response.content.decode(), url
        assert client.get("/authors/secretlogin/").status_code == 404

    def test_the_profile_shows_on_the_author_page(self, client, make_post):
        post = make_post()
        profile = post.author.profile
        profile.bio = "Writes about <music> videos."
        profile.links = "https://example.org/wren"
        profile.save()
        html = client.get(profile.get_absolute_url()).content.decode()
        assert "Writes about &lt;music&gt; videos." in html
        assert 'href="https://example.org/wren"' in html


class TestPreviousNextAndRelated:
    def test_previous_and_next_skip_unpublished_posts(self, client, make_post):
        from blog.models import Post

        first = make_post(title="First", published_at=days_ago(10))
        make_post(title="Hidden draft", status=Post.Status.DRAFT, published_at=days_ago(8))
        middle = make_post(title="Middle", published_at=days_ago(6))
        make_post(title="Hidden scheduled", published_at=days_ago(-2))
        last = make_post(title="Last", published_at=days_ago(2))
        response = client.get(middle.get_absolute_url())
        assert response.context["previous_post"] == first
        assert response.context["next_post"] == last
        html = response.content.decode()
        assert f'href="{first.get_absolute_url()}" rel="prev"' in html
        assert f'href="{last.get_absolute_url()}" rel="next"' in html
        assert client.get(first.get_absolute_url()).context["previous_post"] is None
        assert client.get(last.get_absolute_url()).context["next_post"] is None

    def test_the_next_essay_link_follows_publishing_at_once(self, client, make_post, draft):
        post = make_post(title="Now", published_at=days_ago(5))
        older = make_post(title="Before", published_at=days_ago(9))
        html = client.get(post.get_absolute_url()).content.decode()
        assert 'rel="next"' not in html and f'href="{older.get_absolute_url()}" rel="prev"' in html
        draft.status, draft.published_at = Post.Status.PUBLISHED, days_ago(1)
        draft.save()
        for address in (post.get_absolute_url(), post.get_absolute_url() + "?from=x"):
            html = client.get(address).content.decode()
            assert f'href="{draft.get_absolute_url()}" rel="next"' in html
        draft.status = Post.Status.DRAFT
        draft.save()
        assert 'rel="next"' not in client.get(post.get_absolute_url() + "?again").content.decode()

    def test_related_posts_share_the_most_tags_then_are_newest(self, client, make_post, draft):
        post = make_post(tags=["a", "b", "c"])
        two_old = make_post(title="Two shared, older", tags=["a", "b"], published_at=days_ago(9))
        two_new = make_post(
            title="Two shared, newer", tags=["b", "c", "z"], published_at=days_ago(3)
        )
        make_post(title="One shared, newest", tags=["a"], published_at=days_ago(2))
        one_old = make_post(title="One shared, oldest", tags=["c"], published_at=days_ago(30))
        make_post(title="Nothing shared", tags=["z"])
        draft.tags.set(["a", "b", "c"])
        related = client.get(post.get_absolute_url()).context["related_posts"]
        assert [p.title for p in related] == [
            two_new.title,
            two_old.title,
            "One shared, newest",
        ]
        assert one_old not in related

    def test_the_related_ranking_is_kept_per_generation_and_never_stale(self, client, make_post):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        post = make_post(tags=["a", "b"])
        older = make_post(title="Older kin", tags=["a", "b"], published_at=days_ago(9))

        def related(address):
            """The titles in the page's "Related essays" section, as a reader sees them."""
            html = client.get(address).content.decode()
            if 'class="related-posts"' not in html:
                return []
            section = html.split('class="related-posts"')[1].split("</section>")[0]
            return re.findall(r'<h3 class="related-title"><a href="[^"]+">([^<]+)</a>', section)

        with CaptureQueriesContext(connection) as first:
            assert related(post.get_absolute_url()) == ["Older kin"]
        # Another address of the page (a page-cache miss) reuses the whole section: neither
        # the ranking nor the cards (the essays, their videos for a poster) are read again.
        # Every other part is kept too: the version and the essay's row are all it reads.
        with CaptureQueriesContext(connection) as second:
            assert related(post.get_absolute_url() + "?from=a") == ["Older kin"]
        assert len(second) == 2 < len(first)
        assert any("COUNT(" in q["sql"] for q in first.captured_queries)
        assert not any("COUNT(" in q["sql"] for q in second.captured_queries)
        # A new essay sharing both tags, newer: the next reader sees it first.
        make_post(title="Newer kin", tags=["b", "a"], published_at=days_ago(2))
        assert related(post.get_absolute_url() + "?1") == ["Newer kin", "Older kin"]
        # Unpublished, it is gone at once; retagged, the ranking follows the tags.
        older.status = Post.Status.DRAFT
        older.save()
        assert related(post.get_absolute_url() + "?2") == ["Newer kin"]
        post.tags.set(["c"])
        assert related(post.get_absolute_url() + "?3") == []

    def test_a_preview_ranks_its_own_tags_and_never_keeps_them(
        self, client, admin_client, make_post, draft
    ):
        post = make_post(tags=["a"])
        make_post(title="Shares a", tags=["a"])
        make_post(title="Shares b", tags=["b"])
        reader_page = client.get(post.get_absolute_url()).content.decode()
        assert "Shares a" in reader_page and "Shares b" not in reader_page
        draft.tags.set(["b"])
        preview = admin_client.get(draft.get_absolute_url()).content.decode()
        assert "Shares b" in preview and "Shares a" not in preview
        # Nothing the preview worked out reaches a reader, at this address or another.
        for address in (post.get_absolute_url(), post.get_absolute_url() + "?from=x"):
            html = client.get(address).content.decode()
            assert "Shares a" in html and "Shares b" not in html

    def test_post_without_tags_has_no_related_posts(self, client, make_post):
        make_post(tags=["x"])
        post = make_post()
        assert client.get(post.get_absolute_url()).context["related_posts"] == []


class TestRobotsAndDiscovery:
    def test_robots_txt_lists_the_sitemaps_and_keeps_crawlers_out_of_admin(self, client, db):
        response = client.get("/robots.txt")
        assert response["Content-Type"].startswith("text/plain")
        text = response.content.decode()
        assert "User-agent: *\nDisallow: /admin/\n" in text
        assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text

    @pytest.mark.parametrize(
        "url", ["/", "/tags/", "/archive/", "/search/?q=x", "/tags/t/", "/2025/"]
    )
    def test_every_page_advertises_the_site_feeds_and_a_canonical_url(self, client, make_post, url):
        from datetime import datetime

        from django.utils import timezone

        make_post(tags=["t"], published_at=timezone.make_aware(datetime(2025, 5, 5)))
        html = client.get(url).content.decode()
        assert (
            '<link rel="alternate" type="application/rss+xml"' in html and 'href="/feed/"' in html
        )
        assert 'type="application/atom+xml"' in html and 'href="/feed/atom/"' in html
        assert '<link rel="canonical" href="http://127.0.0.1:8000' in html

    def test_a_kept_listing_count_follows_every_change(self, client, make_post):
        posts = [make_post(title=f"Essay {n}") for n in range(10)]
        assert "Page 1 of 1" not in client.get("/").content.decode()  # one page: no pager
        make_post(title="The eleventh")
        assert "Page 1 of 2" in client.get("/?from=x").content.decode()
        author = posts[0].author.profile.get_absolute_url()
        assert "Page 1 of 2" in client.get(author).content.decode()
        posts[0].delete()
        assert "Page 1 of 2" not in client.get("/?from=y").content.decode()
        assert "Page 1 of 2" not in client.get(author + "?from=y").content.decode()
        assert client.get("/?page=2").status_code == 404

    def test_canonical_url_uses_site_url_and_keeps_the_page_number(
        self, client, make_post, settings
    ):
        settings.SITE_URL = "https://closer.example"
        for _ in range(11):
            make_post()
        html = client.get("/?page=2&utm_source=x").content.decode()
        assert '<link rel="canonical" href="https://closer.example/?page=2">' in html

    def test_404_page_is_friendly_and_offers_search(self, client, db):
        response = client.get("/posts/missing/")
        html = response.content.decode()
        assert response.status_code == 404
        assert "This page is not here" in html and 'name="q"' in html
        assert 'rel="canonical"' not in html


class TestNoLeaksOnNewSurfaces:
    def test_drafts_and_scheduled_never_show(self, client, make_post, draft, scheduled):
        visible = make_post(title="Visible essay", tags=["shared"], body="findme")
        draft.body = scheduled.body = "findme"
        draft.save()
        scheduled.save()
        draft.tags.set(["shared"])
        scheduled.tags.set(["shared"])
        year = visible.published_at.year
        urls = [
            "/tags/",
            "/tags/shared/",
            "/tags/shared/feed/",
            "/tags/shared/feed/atom/",
            "/archive/",
            f"/{year}/",
            f"/{visible.published_at:%Y/%m}/",
            "/authors/wren-writer/",
            "/search/?q=findme",
            "/search/?q=secret",
            "/feed/",
            "/feed/atom/",
            "/sitemap.xml",
            visible.get_absolute_url(),
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            for secret in (draft, scheduled):
                assert secret.title not in body, url
                assert secret.slug not in body, url


def test_post_page_lists_chapters_under_inline_and_attached_videos(client, make_post):
    from videos.models import VideoChapter

    post = make_post(body="https://youtu.be/dQw4w9WgXcQ")
    inline = post.inline_videos.get()
    attached, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    PostVideo.objects.create(post=post, video=attached)
    VideoChapter.objects.create(video=inline, start_seconds=83, title="The floor moves")
    VideoChapter.objects.create(video=attached, start_seconds=30, title="Pushing the walls")
    html = client.get(post.get_absolute_url()).content.decode()
    assert (
        "The floor moves" in html
        and "https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=83s" in html
    )
    assert "Pushing the walls" in html and "https://vimeo.com/76979871#t=30s" in html


def test_authors_preview_only_their_own_drafts(client, make_user, make_post):
    from django.contrib.auth.models import Group

    writer = make_user(username="author-role", is_staff=True)
    writer.groups.add(Group.objects.get(name="Author"))
    own = make_post(title="My own draft", author=writer, status="draft", published_at=None)
    other = make_post(title="Someone else's draft", status="draft", published_at=None)
    client.force_login(writer)
    assert "Draft preview" in client.get(own.get_absolute_url()).content.decode()
    assert client.get(other.get_absolute_url()).status_code == 404


def test_featured_image_is_responsive_on_the_card_and_the_post_page(client, make_post, make_image):
    cover = make_image(size=(1200, 675), fmt="JPEG", alt_text="A grey room with a couch")
    post = make_post(title="With a cover", featured_image=cover)
    make_post(title="Older, with the same cover", featured_image=cover, published_at=days_ago(3))
    card = client.get("/").content.decode()
    assert card.count('class="post-card-image"') == 2 and "srcset=" in card
    # The first card is above the fold (fetched at once); the ones below load lazily.
    first, second = card.split('class="post-card-image"')[1:3]
    assert 'loading="eager"' in first.split(">")[0] and 'fetchpriority="high"' in first
    assert 'loading="lazy"' in second.split(">")[0]
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'alt="A grey room with a couch"' in page and 'width="1200" height="675"' in page
    assert 'class="featured-image"' in page and "image/webp" in page


class TestDraftOnlyTags:
    """A tag that only unpublished posts carry must look exactly like a tag that does not exist."""

    @pytest.fixture
    def secret_tag(self, make_post, draft, scheduled):
        from blog.models import Tag

        make_post(tags=["public"])
        draft.tags.set(["secret"])
        scheduled.tags.set(["soon"])
        Tag.objects.filter(slug="secret").update(description="SECRETDESC")

    @pytest.mark.parametrize(
        "url",
        [
            "/tags/secret/",
            "/tags/secret/feed/",
            "/tags/secret/feed/atom/",
            "/tags/public/without/secret/",
            "/tags/public+secret/",
            "/tags/soon/",
        ],
    )
    def test_draft_only_tags_are_404(self, client, secret_tag, url):
        response = client.get(url)
        assert response.status_code == 404
        assert "SECRETDESC" not in response.content.decode()

    def test_renaming_a_draft_only_tag_does_not_reveal_its_new_name(self, client, secret_tag):
        from blog.models import Tag

        tag = Tag.objects.get(slug="soon")
        tag.name, tag.slug = "Codename X", "codename-x"
        tag.save()
        assert client.get("/tags/soon/").status_code == 404


def test_a_draft_taking_a_retired_slug_keeps_the_old_redirect(client, make_post):
    post = make_post(slug="public-essay")
    post.slug = "renamed-essay"
    services.post_save(post=post)
    make_post(slug="public-essay", status="draft", published_at=None)
    response = client.get("/posts/public-essay/")
    assert response.status_code == 301 and response["Location"] == "/posts/renamed-essay/"
