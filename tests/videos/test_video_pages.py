"""The /videos/ pages and the video sitemap: only what published posts show, never more."""

import pytest
from django.utils import timezone
from fake_provider import image_bytes
from lxml import etree
from page_checks import third_party_loads

from blog.models import Post, PostVideo
from videos.models import Health, Video, VideoChapter
from videos.posters import poster_clean
from videos.services import video_get_or_create_from_url, video_set_poster

pytestmark = pytest.mark.django_db
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "v": "http://www.google.com/schemas/sitemap-video/1.1",
}
POSTER = poster_clean(image_bytes(size=(1280, 720)))


def titled(url, title, *, poster=True, **fields):
    video, _ = video_get_or_create_from_url(url=url)
    video.title = title
    for name, value in fields.items():
        setattr(video, name, value)
    if poster:
        video_set_poster(video=video, picture=POSTER, source_url="https://i.ytimg.com/x.jpg")
    video.save()
    return video


@pytest.fixture
def site(make_post, draft, scheduled):
    """A published essay with an inline and an attached video; secrets in a draft and a schedule."""
    essay = make_post(title="On the moving room", body="https://youtu.be/dQw4w9WgXcQ\n\nText.")
    inline = titled(
        "https://youtu.be/dQw4w9WgXcQ",
        "Virtual Insanity",
        artist="Jamiroquai",
        director="Jonathan Glazer",
        year=1996,
        author_name="JamiroquaiVEVO",
        duration_seconds=214,
        transcript_url="https://example.org/lyrics",
    )
    attached = titled("https://vimeo.com/76979871", "Behind the scenes")
    PostVideo.objects.create(post=essay, video=attached, caption="The making-of.", position=0)
    draft.body = "https://dai.ly/x7tgad0"
    draft.save()
    titled("https://dai.ly/x7tgad0", "Secret draft video")
    scheduled.body = "https://youtu.be/aaaaaaaaaaa"
    scheduled.save()
    titled("https://youtu.be/aaaaaaaaaaa", "Secret scheduled video")
    titled("https://youtu.be/bbbbbbbbbbb", "Orphan video")  # in no post at all
    return {"essay": essay, "inline": inline, "attached": attached}


class TestIndex:
    def test_lists_only_videos_that_published_posts_show(self, client, site):
        html = client.get("/videos/").content.decode()
        assert "Virtual Insanity" in html and "Behind the scenes" in html
        assert "Secret" not in html and "Orphan" not in html
        assert "Jamiroquai" in html and "Jonathan Glazer" in html and "JamiroquaiVEVO" in html
        assert "3:34" in html
        assert f'href="{site["essay"].get_absolute_url()}"' in html
        assert '<source type="image/webp" srcset="/media/videos/posters/youtube/' in html

    def test_nothing_loads_from_third_parties(self, client, site):
        for url in ("/videos/", site["inline"].get_absolute_url()):
            html = client.get(url).content.decode()
            assert third_party_loads(html) == [] and "<iframe" not in html and " style=" not in html

    def test_query_count_does_not_grow_with_videos(
        self, client, make_post, django_assert_max_num_queries
    ):
        for n in range(12):
            post = make_post(body=f"https://vimeo.com/{1000 + n}")
            PostVideo.objects.create(
                post=post, video=titled(f"https://vimeo.com/{2000 + n}", f"V{n}")
            )
        # count, videos, their inline posts, their attaching posts
        # +1: the content version read by blog.page_cache for every anonymous reader page
        with django_assert_max_num_queries(5):
            assert client.get("/videos/").status_code == 200

    def test_the_kept_list_costs_one_query_and_follows_every_change(
        self, client, site, django_assert_num_queries
    ):
        first = client.get("/videos/").content.decode()
        # Another address: the version and nothing else (the count and the list are kept)...
        with django_assert_num_queries(1):
            again = client.get("/videos/?from=x").content.decode()
        assert again == first
        # ...until an essay showing them is unpublished: then the next reader sees it.
        site["essay"].status = Post.Status.DRAFT
        site["essay"].save()
        html = client.get("/videos/?from=y").content.decode()
        assert "Virtual Insanity" not in html and "Behind the scenes" not in html

    def test_flagged_videos_say_so(self, client, site):
        site["inline"].health = Health.REMOVED
        site["inline"].save()
        assert (
            "This video is no longer available on YouTube."
            in client.get("/videos/").content.decode()
        )


class TestDetail:
    def test_shows_player_credits_chapters_transcript_and_posts(self, client, site):
        video = site["inline"]
        VideoChapter.objects.create(video=video, start_seconds=95, title="The room moves")
        html = client.get(video.get_absolute_url()).content.decode()
        assert '<h1 class="page-title">Virtual Insanity</h1>' in html
        assert 'class="video-facade"' in html and "Play video: </span>Virtual Insanity" in html
        assert "The room moves" in html and 'data-start="95"' in html
        assert 'href="https://example.org/lyrics">Transcript</a>' in html
        assert "On the moving room" in html

    def test_attached_only_videos_have_pages_too(self, client, site):
        assert client.get(site["attached"].get_absolute_url()).status_code == 200

    @pytest.mark.parametrize("video_id", ["x7tgad0", "aaaaaaaaaaa", "bbbbbbbbbbb", "nope"])
    def test_videos_no_published_post_shows_are_404(self, client, site, video_id):
        provider = "dailymotion" if video_id == "x7tgad0" else "youtube"
        assert client.get(f"/videos/{provider}/{video_id}/").status_code == 404

    def test_a_post_unpublished_later_takes_its_videos_with_it(self, client, site):
        site["essay"].status = Post.Status.DRAFT
        site["essay"].save()
        assert client.get(site["inline"].get_absolute_url()).status_code == 404
        assert "Virtual Insanity" not in client.get("/videos/").content.decode()

    def test_query_count(self, client, site, django_assert_max_num_queries):
        # video, inline posts, attaching posts, chapters, the moments essays cite
        # +1: the content version read by blog.page_cache for every anonymous reader page
        with django_assert_max_num_queries(6):
            assert client.get(site["inline"].get_absolute_url()).status_code == 200


class TestSitemap:
    def parse(self, client):
        response = client.get("/videos/sitemap.xml")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/xml")
        return etree.fromstring(response.content)

    def test_lists_each_published_post_with_its_videos(self, client, site, settings):
        settings.SITE_URL = "https://closer.example"  # addresses come from SITE_URL, not Host
        root = self.parse(client)
        (url,) = root.findall("s:url", NS)
        assert (
            url.findtext("s:loc", namespaces=NS)
            == "https://closer.example" + site["essay"].get_absolute_url()
        )
        videos = {v.findtext("v:title", namespaces=NS): v for v in url.findall("v:video", NS)}
        assert set(videos) == {"Virtual Insanity", "Behind the scenes"}
        insanity = videos["Virtual Insanity"]
        assert insanity.findtext("v:thumbnail_loc", namespaces=NS).startswith(
            "https://closer.example/media/videos/posters/youtube/"
        )
        assert (
            insanity.findtext("v:player_loc", namespaces=NS)
            == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        )
        assert insanity.findtext("v:duration", namespaces=NS) == "214"
        assert insanity.findtext("v:description", namespaces=NS)

    def test_never_leaks_unpublished_posts_or_their_videos(self, client, site):
        body = client.get("/videos/sitemap.xml").content.decode()
        assert "Secret" not in body and "Orphan" not in body
        assert "x7tgad0" not in body and "aaaaaaaaaaa" not in body

    def test_leaves_out_flagged_and_posterless_videos(self, client, site):
        site["inline"].health = Health.PRIVATE
        site["inline"].save()
        site["attached"].poster_renditions = []
        site["attached"].poster_file = ""
        site["attached"].save()
        assert self.parse(client).findall("s:url", NS) == []

    def test_escapes_what_providers_and_authors_wrote(self, client, site):
        site["inline"].title = 'Rock & "roll" <script>'
        site["inline"].save()
        root = self.parse(client)  # still well-formed XML
        titles = [t.text for t in root.iter(f"{{{NS['v']}}}title")]
        assert 'Rock & "roll" <script>' in titles

    def test_query_count(self, client, site, make_post, django_assert_max_num_queries):
        for n in range(5):
            make_post(body=f"https://vimeo.com/{3000 + n}")
        # +1: the content version read by blog.page_cache for every anonymous reader page
        # +1: the count of the essays it lists (it comes in pages)
        with django_assert_max_num_queries(5):
            self.parse(client)


def test_published_at_in_the_future_counts_as_unpublished(client, make_post):
    post = make_post(
        body="https://youtu.be/ccccccccccc",
        published_at=timezone.now() + timezone.timedelta(hours=1),
    )
    titled("https://youtu.be/ccccccccccc", "Too early")
    assert client.get("/videos/youtube/ccccccccccc/").status_code == 404
    assert "Too early" not in client.get("/videos/sitemap.xml").content.decode()
    assert post.pk


@pytest.mark.django_db
def test_video_page_has_exactly_one_absolute_canonical_link(client, make_post, settings):
    settings.SITE_URL = "https://closer.example"
    post = make_post(body="https://youtu.be/dQw4w9WgXcQ")
    html = client.get(post.inline_videos.get().get_absolute_url()).content.decode()
    assert html.count('rel="canonical"') == 1
    assert 'href="https://closer.example/videos/youtube/dQw4w9WgXcQ/"' in html


@pytest.mark.django_db
def test_the_url_derived_fields_are_read_only_in_the_admin(admin_client, make_post):
    make_post(body="https://vimeo.com/76979871/8272103f6e")
    video = Video.objects.get()
    html = admin_client.get(f"/admin/videos/video/{video.pk}/change/").content.decode()
    for name in ["private_hash", "playlist_id", "source_url"]:
        assert f'name="{name}"' not in html
