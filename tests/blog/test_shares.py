"""Shared drafts (blog.shares): a secret, expiring, revocable link for someone without an account."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from blog import review, shares
from blog.models import DraftShare, Post

pytestmark = pytest.mark.django_db

TOKEN_IN_PAGE = re.compile(r"/shared/([A-Za-z0-9_-]{43})/")


def staff(make_user, group, username):
    user = make_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(make_user):
    return staff(make_user, "Editor", "eda")


@pytest.fixture
def writer(make_user):
    return staff(make_user, "Author", "ana")


@pytest.fixture
def draft(make_post, writer):
    return make_post(
        title="Secret essay on Sabotage",
        body="The **draft** text nobody has read.",
        status=Post.Status.DRAFT,
        published_at=None,
        author=writer,
        tags=["Spike Jonze", "1990s"],
    )


def share_page(post) -> str:
    return f"/admin/blog/post/{post.pk}/share/"


def make_link(client, user, post, **data) -> str:
    """Make a link through the admin as user; return its path (shown once, on the next page)."""
    client.force_login(user)
    response = client.post(share_page(post), {"days": "7", "label": "", **data})
    assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(response["Location"]).content.decode()
    client.logout()
    return f"/shared/{TOKEN_IN_PAGE.search(page).group(1)}/"


class TestMakingLinks:
    def test_an_editor_makes_a_link_shown_once(self, client, editor, draft):
        client.force_login(editor)
        response = client.post(share_page(draft), {"days": "7", "label": "the rights holder"})
        first = client.get(response["Location"]).content.decode()
        assert TOKEN_IN_PAGE.search(first) and "shown only this once" in first
        again = client.get(share_page(draft)).content.decode()
        assert not TOKEN_IN_PAGE.search(again)  # only its digest is stored
        assert "the rights holder" in again and "Revoke" in again
        share = DraftShare.objects.get()
        token = TOKEN_IN_PAGE.search(first).group(1)
        assert share.token_hash == shares.token_digest(token) and token not in share.token_hash
        assert share.created_by == editor
        assert abs(share.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)

    def test_the_change_form_links_the_share_page(self, client, editor, draft):
        client.force_login(editor)
        page = client.get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
        assert share_page(draft) in page and "Share draft" in page

    def test_the_default_expiry_comes_from_the_setting(self, client, editor, draft, settings):
        settings.CLOSER_DRAFT_SHARE_DAYS = 3
        client.force_login(editor)
        assert 'value="3"' in client.get(share_page(draft)).content.decode()
        share, _ = shares.share_create(post=draft, user=editor)
        assert share.expires_at - timezone.now() > timedelta(days=2, hours=23)
        assert share.expires_at - timezone.now() <= timedelta(days=3)

    @pytest.mark.parametrize("days", ["0", "-1", "91", "x", "", "1e9", "9" * 40])
    def test_bad_expiries_are_refused_with_the_form(self, client, editor, draft, days):
        client.force_login(editor)
        response = client.post(share_page(draft), {"days": days, "label": "x"})
        assert response.status_code == 200 and not DraftShare.objects.exists()

    def test_an_author_shares_their_own_essay(self, client, writer, draft):
        path = make_link(client, writer, draft)
        assert client.get(path).status_code == 200

    def test_an_author_cannot_share_someone_elses(self, client, make_user, draft):
        other = staff(make_user, "Author", "otto")
        client.force_login(other)
        assert client.get(share_page(draft)).status_code in (403, 404)
        assert client.post(share_page(draft), {"days": "7"}).status_code in (403, 404)
        assert not DraftShare.objects.exists()

    def test_readers_are_sent_to_log_in(self, client, draft):
        response = client.post(share_page(draft), {"days": "7"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert not DraftShare.objects.exists()

    def test_unknown_posts_are_404(self, client, editor):
        client.force_login(editor)
        assert client.get("/admin/blog/post/999999/share/").status_code in (302, 404)


class TestOpeningLinks:
    def test_anyone_with_the_link_sees_the_essay_as_readers_will(self, client, editor, draft):
        path = make_link(client, editor, draft)
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Secret essay on Sabotage" in page and "<strong>draft</strong>" in page
        assert "Shared draft — not published" in page
        assert '<meta name="robots" content="noindex' in page
        assert response["X-Robots-Tag"].startswith("noindex")
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
        assert response["Referrer-Policy"] == "no-referrer"
        assert "ETag" not in response and "Last-Modified" not in response
        assert 'rel="canonical"' not in page and "application/ld+json" not in page
        assert "comment-form" not in page and "newsletter" not in page.lower().split("</header>")[1]
        assert page.index("Spike Jonze") < page.index("1990s")  # the author's tag order
        assert DraftShare.objects.get().opened_count == 1

    def test_head_answers_too(self, client, editor, draft):
        path = make_link(client, editor, draft)
        assert client.head(path).status_code == 200
        assert client.post(path).status_code == 405

    @pytest.mark.parametrize(
        "token",
        [
            "x" * 43,
            "short",
            "A" * 44,
            "%00",
            "../../admin",
            "é" * 43,
            "'; DROP TABLE blog_post;--",
            "a" * 5000,
        ],
    )
    def test_a_wrong_token_is_a_plain_404(self, client, editor, draft, token):
        make_link(client, editor, draft)
        response = client.get(f"/shared/{token}/")
        assert response.status_code == 404
        assert "Secret essay" not in response.content.decode()

    def test_expired_and_revoked_links_are_the_same_404(self, client, editor, draft):
        expired, revoked = make_link(client, editor, draft), make_link(client, editor, draft)
        wrong = client.get("/shared/%s/" % ("Q" * 43))
        DraftShare.objects.filter(token_hash=shares.token_digest(expired[8:-1])).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        client.force_login(editor)
        share = DraftShare.objects.get(token_hash=shares.token_digest(revoked[8:-1]))
        assert client.post(share_page(draft), {"revoke": share.pk}).status_code == 302
        client.logout()
        for path in (expired, revoked):
            response = client.get(path)
            assert response.status_code == 404
            assert response.content == wrong.content

    def test_a_revoked_link_is_never_served_from_a_cache(self, client, editor, draft):
        path = make_link(client, editor, draft)
        assert client.get(path).status_code == 200
        assert client.get(path).status_code == 200
        shares.share_revoke(share=DraftShare.objects.get())
        assert client.get(path).status_code == 404
        assert not any("Secret essay" in str(value) for value in _cache_values())

    @pytest.mark.parametrize("value", ["", "abc", "-1", "9" * 30, "1 OR 1=1"])
    def test_bad_revoke_values_change_nothing(self, client, editor, draft, value):
        make_link(client, editor, draft)
        client.force_login(editor)
        assert client.post(share_page(draft), {"revoke": value}).status_code == 302
        assert DraftShare.objects.get().revoked_at is None

    def test_a_link_of_another_post_cannot_be_revoked_from_here(
        self, client, editor, draft, make_post
    ):
        other = make_post(title="Other", status=Post.Status.DRAFT, published_at=None)
        make_link(client, editor, draft)
        client.force_login(editor)
        share = DraftShare.objects.get()
        client.post(share_page(other), {"revoke": share.pk})
        share.refresh_from_db()
        assert share.revoked_at is None

    def test_an_authors_held_change_is_what_the_link_shows(self, client, editor, writer, make_post):
        live = make_post(title="The published title", body="Published words.", author=writer)
        live.title, live.body = "The held title", "Words waiting for an editor."
        review.post_change_hold(post=live, user=writer, tag_names=["New order", "1990s"])
        path = make_link(client, writer, Post.objects.get(pk=live.pk))
        page = client.get(path).content.decode()
        assert "The held title" in page and "Words waiting for an editor." in page
        assert "changes not published" in page and "New order" in page
        public = client.get(Post.objects.get(pk=live.pk).get_absolute_url()).content.decode()
        assert "The published title" in public and "The held title" not in public

    def test_the_shared_page_does_a_bounded_number_of_queries(
        self, client, editor, draft, django_assert_max_num_queries
    ):
        path = make_link(client, editor, draft)
        with django_assert_max_num_queries(8):
            assert client.get(path).status_code == 200

    @pytest.mark.parametrize("held", [False, True])
    def test_queries_do_not_grow_with_videos_images_and_tags(
        self, client, writer, make_post, make_image, django_assert_max_num_queries, held
    ):
        image = make_image()
        body = "\n\n".join(
            [f"https://www.youtube.com/watch?v=abcdefghij{n}" for n in range(4)]
            + [f"[image:{image.pk}]", "At [0:42] and [1:10] the cut."]
        )
        post = make_post(author=writer, body=body, tags=[f"tag {n}" for n in range(6)],
                         **({} if held else {"status": Post.Status.DRAFT, "published_at": None}))  # fmt: skip
        if held:
            post.body = body + "\n\nhttps://vimeo.com/76979871\n\nA held line."
            review.post_change_hold(post=post, user=writer, tag_names=["tag 5", "tag 1", "new"])
        path = make_link(client, writer, post)
        # The link, the post and its prefetches, related essays, images, the opening count; a
        # held change adds itself, its videos with their chapters and its tags.
        with django_assert_max_num_queries(13):
            response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 200 and page.count("video-facade") >= 4
        if held:
            assert "A held line." in page and page.index(">tag 5<") < page.index(">tag 1<")

    def test_author_text_is_escaped_on_the_page_and_in_the_question(
        self, client, editor, make_post
    ):
        hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
        post = make_post(title=hostile, status=Post.Status.DRAFT, published_at=None, tags=[hostile])
        page = client.get(make_link(client, editor, post)).content.decode()
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)" in page


class TestNoLeak:
    def test_a_shared_draft_appears_nowhere_else(self, client, editor, draft, make_post):
        make_post(title="A published essay")
        path = make_link(client, editor, draft)
        assert client.get(path).status_code == 200
        for url in ["/", "/feed/", "/feed/atom/", "/sitemap.xml", "/archive/", "/tags/"]:
            response = client.get(url)
            body = response.content.decode()
            assert "Secret essay" not in body and "/shared/" not in body, url
        found = client.get("/search/", {"q": "Sabotage"}).content.decode()
        assert "Secret essay" not in found
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert not any("Secret essay" in str(value) for value in _cache_values())


def _cache_values():
    """Return what the local-memory cache holds (tests use it), to show nothing was stored."""
    store = getattr(cache, "_cache", {})
    values = []
    for key in list(store):
        try:
            values.append(cache.get(key.split(":", 2)[-1]))
        except Exception:
            values.append(store[key])
    return values + list(store.values())
