"""Authors write and edit their own posts but never publish; Editors do everything.

Tested as those users through the admin, with the groups the data migration created.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from test_admin import post_form

from blog.models import Post

pytestmark = pytest.mark.django_db

ADD = "/admin/blog/post/add/"


@pytest.fixture
def writer(make_user):
    user = make_user(username="ana", is_staff=True)
    user.groups.add(Group.objects.get(name="Author"))
    return user


@pytest.fixture
def other_writer(make_user):
    user = make_user(username="otto", is_staff=True)
    user.groups.add(Group.objects.get(name="Author"))
    return user


@pytest.fixture
def chief(make_user):
    user = make_user(username="eda", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def login(client, user):
    client.force_login(user)
    return client


def change_url(post):
    return f"/admin/blog/post/{post.pk}/change/"


def test_the_migration_created_both_groups():
    author = {p.codename for p in Group.objects.get(name="Author").permissions.all()}
    editor = {p.codename for p in Group.objects.get(name="Editor").permissions.all()}
    assert {"add_post", "change_post", "add_image"} <= author
    assert "publish_post" not in author and "change_any_post" not in author
    assert {"publish_post", "change_any_post", "change_tag", "delete_post"} <= editor


class TestAuthor:
    def test_creates_a_draft_under_their_own_name(self, client, writer, other_writer):
        response = login(client, writer).post(
            ADD,
            post_form(
                author=other_writer.pk,  # ignored: the field is read-only for authors
                status="published",  # ignored too
                published_at_0="2020-01-01",
                published_at_1="10:00:00",
            ),
        )
        assert response.status_code == 302
        post = Post.objects.get()
        assert post.author == writer
        assert post.status == Post.Status.DRAFT and post.published_at is None
        assert not Post.objects.published().exists()

    def test_sees_and_edits_only_their_own_posts(self, client, writer, other_writer, make_post):
        mine = make_post(title="Mine", author=writer, status=Post.Status.DRAFT)
        theirs = make_post(title="Theirs", author=other_writer, status=Post.Status.DRAFT)
        login(client, writer)
        listing = client.get("/admin/blog/post/").content.decode()
        assert "Mine" in listing and "Theirs" not in listing
        assert client.get(change_url(mine)).status_code == 200
        # Another author's post does not exist as far as this author is concerned.
        assert client.get(change_url(theirs)).status_code == 302
        response = client.post(change_url(theirs), post_form(title="Hijacked", author=writer.pk))
        assert response.status_code in (302, 403)
        theirs.refresh_from_db()
        assert theirs.title == "Theirs"
        assert client.get(f"/admin/blog/post/{theirs.pk}/revisions/").status_code == 404

    def test_cannot_publish_by_posting_the_status(self, client, writer, make_post):
        mine = make_post(author=writer, status=Post.Status.DRAFT, published_at=None)
        login(client, writer)
        html = client.get(change_url(mine)).content.decode()
        assert 'name="status"' not in html and 'name="published_at_0"' not in html
        response = client.post(
            change_url(mine),
            post_form(
                title=mine.title,
                slug=mine.slug,
                status="published",
                published_at_0="2020-01-01",
                published_at_1="10:00:00",
            ),
        )
        assert response.status_code == 302
        mine.refresh_from_db()
        assert mine.status == Post.Status.DRAFT and mine.published_at is None

    def test_has_no_publishing_actions(self, client, writer, make_post):
        mine = make_post(author=writer, status=Post.Status.DRAFT, published_at=None)
        login(client, writer)
        html = client.get("/admin/blog/post/").content.decode()
        assert "publish_now" not in html and "schedule" not in html
        client.post("/admin/blog/post/", {"action": "publish_now", "_selected_action": [mine.pk]})
        mine.refresh_from_db()
        assert mine.status == Post.Status.DRAFT

    def test_can_fix_a_typo_in_their_published_post_without_unpublishing(
        self, client, writer, chief, make_post
    ):
        post = make_post(author=writer)
        date = post.published_at
        login(client, writer)
        response = client.post(
            change_url(post), post_form(title="Fixed title", slug=post.slug, body="Fixed.")
        )
        assert response.status_code == 302
        post.refresh_from_db()
        # The fix waits for an editor (blog.review); the post stays published meanwhile.
        assert post.is_published and post.published_at == date
        login(client, chief).post(f"/admin/blog/post/{post.pk}/review/", {"decision": "approve"})
        post.refresh_from_db()
        assert post.title == "Fixed title" and post.is_published and post.published_at == date

    def test_can_upload_images_but_not_manage_tags(self, client, writer):
        login(client, writer)
        assert client.get("/admin/blog/image/add/").status_code == 200
        assert client.get("/admin/blog/tag/add/").status_code == 403

    def test_preview_and_helpers_work_for_authors(self, client, writer):
        login(client, writer)
        assert client.post("/admin/blog/post/preview/", {"body": "*hi*"}).status_code == 200
        assert client.get("/admin/blog/post/tag-suggestions/?q=a").status_code == 200


class TestEditor:
    def test_edits_and_publishes_anyones_post(self, client, chief, writer, make_post):
        post = make_post(author=writer, status=Post.Status.DRAFT, published_at=None)
        login(client, chief)
        html = client.get(change_url(post)).content.decode()
        assert 'name="status"' in html and 'name="author"' in html
        when = timezone.localtime(timezone.now() - timedelta(hours=1))
        response = client.post(
            change_url(post),
            post_form(
                title="Edited by the editor",
                slug=post.slug,
                author=writer.pk,
                status="published",
                published_at_0=when.strftime("%Y-%m-%d"),
                published_at_1=when.strftime("%H:%M:%S"),
            ),
        )
        assert response.status_code == 302
        post.refresh_from_db()
        assert post.is_published and post.author == writer
        assert post.title == "Edited by the editor"

    def test_bulk_publishes(self, client, chief, writer, make_post):
        post = make_post(author=writer, status=Post.Status.DRAFT, published_at=None)
        login(client, chief)
        html = client.get("/admin/blog/post/").content.decode()
        assert "publish_now" in html and "schedule" in html
        client.post("/admin/blog/post/", {"action": "publish_now", "_selected_action": [post.pk]})
        post.refresh_from_db()
        assert post.is_published


def test_authors_use_every_image_but_change_only_their_own(client, writer, other_writer, chief):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PILImage

    from blog.models import Image

    def image_by(user):
        buffer = io.BytesIO()
        PILImage.new("RGB", (40, 30), "teal").save(buffer, "PNG")
        return Image.objects.create(
            file=SimpleUploadedFile("still.png", buffer.getvalue(), "image/png"),
            alt_text="A still",
            uploaded_by=user,
        )

    own, others = image_by(writer), image_by(other_writer)
    client.force_login(writer)
    listing = client.get("/admin/blog/image/").content.decode()
    assert f"/admin/blog/image/{others.pk}/change/" in listing  # visible, to insert it
    assert (
        client.post(f"/admin/blog/image/{others.pk}/change/", {"alt_text": "Mine now"}).status_code
        == 403
    )
    assert 'name="alt_text"' in client.get(f"/admin/blog/image/{own.pk}/change/").content.decode()
    client.force_login(chief)
    assert (
        'name="alt_text"' in client.get(f"/admin/blog/image/{others.pk}/change/").content.decode()
    )
