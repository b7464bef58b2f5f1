import pytest

from blog.models import Post, PostVideo

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/blog/post/add/"


def post_form(**overrides):
    data = {
        "title": "An essay on Sabotage",
        "slug": "",
        "body": "The body I spent an hour writing.",
        "body_format": "markdown",
        "excerpt": "",
        "tags": "Spike Jonze, 1990s",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "featured_image_alt": "",
        "video_attachments-TOTAL_FORMS": "1",
        "video_attachments-INITIAL_FORMS": "0",
        "video_attachments-MIN_NUM_FORMS": "0",
        "video_attachments-MAX_NUM_FORMS": "1000",
        "video_attachments-0-url": "",
        "video_attachments-0-caption": "",
        "video_attachments-0-position": "0",
    }
    data.update(overrides)
    return data


def test_add_post_with_an_attached_video(admin_client, admin_user):
    response = admin_client.post(
        ADD_URL,
        post_form(
            author=admin_user.pk,
            **{
                "video_attachments-0-url": "https://youtu.be/dQw4w9WgXcQ?t=42",
                "video_attachments-0-caption": "Watch this",
            },
        ),
    )
    assert response.status_code == 302, response.context and response.context["adminform"].errors
    post = Post.objects.get()
    assert post.slug == "an-essay-on-sabotage"
    assert sorted(post.tags.names()) == ["1990s", "Spike Jonze"]
    link = PostVideo.objects.get()
    assert (link.video.provider, link.video.video_id, link.start_seconds) == (
        "youtube",
        "dQw4w9WgXcQ",
        42,
    )
    assert link.caption == "Watch this"


@pytest.mark.parametrize(
    "bad_url",
    [
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)",
        "not a url at all",
        "https://www.youtube.com/watch?v=short",
    ],
)
def test_bad_video_url_shows_an_error_on_the_field_and_keeps_the_form(
    admin_client, admin_user, bad_url
):
    response = admin_client.post(
        ADD_URL, post_form(author=admin_user.pk, **{"video_attachments-0-url": bad_url})
    )
    assert response.status_code == 200
    assert not Post.objects.exists()
    formset_errors = response.context["inline_admin_formsets"][0].formset.errors
    assert "YouTube, Vimeo, Dailymotion" in formset_errors[0]["url"][0]
    html = response.content.decode()
    assert "The body I spent an hour writing." in html  # nothing the author typed is lost
    assert 'value="An essay on Sabotage"' in html
    assert "errorlist" in html


def test_change_form_shows_the_attached_url_and_view_on_site(admin_client, make_post):
    post = make_post()
    admin_client.post(
        f"/admin/blog/post/{post.pk}/change/",
        post_form(
            title=post.title,
            slug=post.slug,
            author=post.author.pk,
            status="published",
            published_at_0="2026-01-02",
            published_at_1="10:00:00",
            **{"video_attachments-0-url": "https://vimeo.com/76979871"},
        ),
    )
    html = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert 'value="https://vimeo.com/76979871"' in html
    # "View on site" is now the writing desk's Preview button (a new tab on the post's page).
    assert f'href="{post.get_absolute_url()}" target="_blank" rel="noopener">Preview</a>' in html


def test_changelist_columns_filters_and_search(admin_client, make_post, draft, scheduled):
    make_post(title="Findable essay", tags=["1990s"])
    html = admin_client.get("/admin/blog/post/").content.decode()
    for text in [
        "Findable essay",
        "Draft",
        "Scheduled for",
        "Published",
        "1990s",
        "By status",
        "By author",
    ]:
        assert text in html, text
    found = admin_client.get("/admin/blog/post/?q=Findable").content.decode()
    assert "Findable essay" in found and draft.title not in found


def test_video_admin_lists_videos(admin_client, make_post):
    make_post(body="https://youtu.be/dQw4w9WgXcQ")
    html = admin_client.get("/admin/videos/video/").content.decode()
    assert "dQw4w9WgXcQ" in html or "YouTube video" in html


def test_admin_pages_render_without_inline_script(admin_client):
    response = admin_client.get(ADD_URL)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()  # the CSP would block it


def test_admin_index_shows_one_tags_entry(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert 'href="/admin/blog/tag/"' in html
    assert "/admin/taggit/" not in html
