"""Old post and tag addresses keep working: a 301 to where the page lives now."""

import pytest

from blog import services
from blog.models import Post, Tag

pytestmark = pytest.mark.django_db


class TestPostSlugs:
    def test_a_changed_slug_redirects_permanently(self, client, make_post):
        post = make_post(slug="old-name")
        post.slug = "new-name"
        services.post_save(post=post)
        response = client.get("/posts/old-name/")
        assert response.status_code == 301
        assert response["Location"] == "/posts/new-name/"
        assert client.get("/posts/new-name/").status_code == 200

    def test_every_former_slug_leads_to_the_current_one(self, client, make_post):
        post = make_post(slug="first")
        for slug in ("second", "third"):
            post.slug = slug
            services.post_save(post=post)
        assert client.get("/posts/first/")["Location"] == "/posts/third/"
        assert client.get("/posts/second/")["Location"] == "/posts/third/"

    def test_query_string_is_kept(self, client, make_post):
        post = make_post(slug="before")
        post.slug = "after"
        services.post_save(post=post)
        assert client.get("/posts/before/?utm=x")["Location"] == "/posts/after/?utm=x"

    def test_going_back_to_an_old_slug_serves_the_page(self, client, make_post):
        post = make_post(slug="a")
        post.slug = "b"
        services.post_save(post=post)
        post.slug = "a"
        services.post_save(post=post)
        assert client.get("/posts/a/").status_code == 200
        assert client.get("/posts/b/")["Location"] == "/posts/a/"

    def test_a_new_post_may_take_a_retired_slug(self, client, make_post):
        old = make_post(slug="taken")
        old.slug = "moved"
        services.post_save(post=old)
        newcomer = make_post(slug="taken", title="Newcomer")
        response = client.get("/posts/taken/")
        assert response.status_code == 200 and "Newcomer" in response.content.decode()
        assert newcomer.pk != old.pk

    def test_no_redirect_reveals_a_draft_or_scheduled_post(
        self, client, make_post, draft, scheduled
    ):
        for post, old in ((draft, "draft-old"), (scheduled, "scheduled-old")):
            post.slug = old
            services.post_save(post=post)
            post.slug = f"{old}-new"
            services.post_save(post=post)
            response = client.get(f"/posts/{old}/")
            assert response.status_code == 404
            assert post.title not in response.content.decode()

    def test_unpublished_then_redirects_nowhere(self, client, make_post):
        post = make_post(slug="was")
        post.slug = "is"
        services.post_save(post=post)
        post.status = Post.Status.DRAFT
        services.post_save(post=post)
        assert client.get("/posts/was/").status_code == 404

    def test_unknown_paths_stay_404(self, client, db):
        assert client.get("/posts/never-existed/").status_code == 404
        assert client.get("/nothing/here/").status_code == 404

    def test_redirect_costs_few_queries(self, client, make_post, django_assert_max_num_queries):
        post = make_post(slug="one")
        post.slug = "two"
        services.post_save(post=post)
        with django_assert_max_num_queries(4):
            assert client.get("/posts/one/").status_code == 301


class TestTagSlugs:
    def test_renamed_tag_redirects(self, client, make_post):
        make_post(tags=["Glazer"])
        tag = Tag.objects.get(name="Glazer")
        services.tag_rename(tag=tag, name="Jonathan Glazer")
        response = client.get("/tags/glazer/")
        assert response.status_code == 301
        assert response["Location"] == "/tags/jonathan-glazer/"

    def test_combined_tag_urls_redirect_each_part(self, client, make_post):
        make_post(tags=["Glazer", "1990s"])
        services.tag_rename(tag=Tag.objects.get(name="Glazer"), name="Jonathan Glazer")
        response = client.get("/tags/glazer+1990s/?page=1")
        assert response.status_code == 301
        assert response["Location"] == "/tags/jonathan-glazer+1990s/?page=1"

    def test_merged_tags_redirect_to_the_tag_kept(self, client, make_post):
        make_post(tags=["music video"])
        make_post(tags=["music videos"])
        keep, drop = Tag.objects.get(name="music videos"), Tag.objects.get(name="music video")
        services.tags_merge(into=keep, tags=[keep, drop])
        assert client.get("/tags/music-video/")["Location"] == "/tags/music-videos/"
        # Both in one URL become one tag.
        assert client.get("/tags/music-video+music-videos/")["Location"] == "/tags/music-videos/"

    def test_unknown_tag_in_a_combination_stays_404(self, client, make_post):
        make_post(tags=["Glazer"])
        services.tag_rename(tag=Tag.objects.get(name="Glazer"), name="Jonathan Glazer")
        assert client.get("/tags/glazer+nonsense/").status_code == 404

    def test_tag_feed_urls_redirect_too(self, client, make_post):
        make_post(tags=["Glazer"])
        services.tag_rename(tag=Tag.objects.get(name="Glazer"), name="Jonathan Glazer")
        response = client.get("/tags/glazer/feed/")
        assert response.status_code == 301
        assert response["Location"] == "/tags/jonathan-glazer/feed/"

    def test_editing_the_slug_in_the_tag_form_also_redirects(self, client, make_post):
        make_post(tags=["Glazer"])
        tag = Tag.objects.get(name="Glazer")
        tag.slug = "jglazer"
        tag.save()
        assert client.get("/tags/glazer/")["Location"] == "/tags/jglazer/"
