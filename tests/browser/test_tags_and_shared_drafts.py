"""Tag hygiene and shared drafts, in chromium under the real Content-Security-Policy."""

import re

import pytest

from blog.models import DraftShare, Post, Tag
from tests.browser.conftest import RequestLog
from tests.browser.test_authoring import Watch, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def writer(make_user):
    return make_user(
        username="wren", password="a-long-test-password-1", is_staff=True, is_superuser=True
    )


def test_a_near_duplicate_tag_is_asked_about_and_the_text_kept(
    page, live_server, writer, make_post
):
    watch = Watch(page)
    make_post(tags=["music video", "Björk"])
    log_in(page, live_server, writer)
    page.goto(live_server.url + "/admin/blog/post/add/")
    page.fill("#id_title", "Romanek's closer")
    page.locator("textarea#id_body").fill("Every word of a long essay I must not lose.")

    # Suggestions forgive case, accents and plurals, and name the tag that already exists.
    page.locator("#id_tags").type("Bjork")
    page.get_by_role("option", name=re.compile("^Björk")).wait_for()
    assert "existing tag" in page.locator(".closer-tag-suggestions li").first.inner_text()
    page.keyboard.press("Enter")  # the existing tag comes first, ready to take
    assert page.input_value("#id_tags") == "Björk, "

    page.locator("#id_tags").type("Mark Romanek, music videos")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save draft").click()
    question = page.locator(".closer-tag-question")
    question.wait_for()
    assert "“music videos” looks like the existing tag “music video”" in question.inner_text()
    assert page.input_value("#id_tags") == "Björk, Mark Romanek, music videos"
    assert page.input_value("#id_body") == "Every word of a long essay I must not lose."
    assert not Post.objects.filter(title="Romanek's closer").exists()

    question.get_by_label("Use the existing tag “music video”").check()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/admin/blog/post/\d+/change/$"))
    post = Post.objects.get(title="Romanek's closer")
    assert list(post.tags.names()) == ["Björk", "Mark Romanek", "music video"]
    assert page.input_value("#id_tags") == "Björk, Mark Romanek, music video"
    assert not Tag.objects.filter(name="music videos").exists()
    watch.check()
    assert page.requests.third_party == []


def test_a_shared_draft_opens_in_a_fresh_browser_without_an_account(
    page, browser, live_server, writer, make_post
):
    watch = Watch(page)
    draft = make_post(
        title="The unseen cut",
        body="A draft about a clip.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nMore at [0:42].",
        status=Post.Status.DRAFT,
        published_at=None,
        author=writer,
    )
    log_in(page, live_server, writer)
    page.goto(live_server.url + f"/admin/blog/post/{draft.pk}/change/")
    page.get_by_role("link", name="Share draft").click()
    page.get_by_label("Shared with").fill("the rights holder")
    page.get_by_role("button", name="Create link").click()
    link = page.locator("#closer-share-url").inner_text()
    assert re.fullmatch(re.escape(live_server.url) + r"/shared/[A-Za-z0-9_-]{43}/", link)
    watch.check()

    # Someone with no account: a new context, no cookies at all.
    stranger = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        other = stranger.new_page()
        other.requests = RequestLog(other, live_server.url)
        other_watch = Watch(other)
        response = other.goto(link)
        assert response.status == 200
        assert response.headers["x-robots-tag"].startswith("noindex")
        assert "no-store" in response.headers["cache-control"]
        assert "Shared draft — not published" in other.locator(".shared-draft-banner").inner_text()
        assert other.locator("h1").inner_text() == "The unseen cut"
        assert other.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
        assert other.locator("a.video-facade").count() == 1
        assert other.locator("iframe").count() == 0
        assert stranger.cookies() == []
        other_watch.check()
        assert other.requests.third_party == []

        # Revoked from the share page: the same link is now the site's plain 404.
        page.get_by_role("button", name="Revoke").click()
        page.wait_for_url(re.compile(r"/share/$"))
        assert DraftShare.objects.get().revoked_at is not None
        assert other.goto(link).status == 404
    finally:
        stranger.close()
