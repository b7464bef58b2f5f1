"""The post form's buttons say what happens: Save draft, Preview, Publish/Schedule, Submit."""

import re
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


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_an_editor_sees_save_draft_publish_and_one_history_link(admin_client, admin_user):
    html = admin_client.get(ADD).content.decode()
    assert 'name="_save_draft">Save draft</button>' in html
    assert 'data-label-later="Schedule">Publish</button>' in html
    post = Post.objects.create(title="T", slug="t", body="b", author=admin_user)
    html = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert html.count(">History</a>") == 1  # not Revisions + History + a collapsible History
    assert f'href="{post.get_absolute_url()}" target="_blank" rel="noopener">Preview</a>' in html
    assert "historylink" not in html


def test_publish_goes_live_and_the_message_links_the_page(admin_client, admin_user):
    response = admin_client.post(
        ADD, post_form(author=admin_user.pk, status="draft", _publish="Publish"), follow=True
    )
    post = Post.objects.get()
    assert post.is_published
    assert response.redirect_chain[-1][0] == f"/admin/blog/post/{post.pk}/change/"
    text = messages_of(response)
    assert "Published: “An essay on Sabotage”." in text
    assert f'<a href="{post.get_absolute_url()}" target="_blank">Read it on the site</a>' in text


def test_a_future_date_schedules(admin_client, admin_user):
    later = timezone.localtime() + timedelta(days=3)
    form = post_form(
        author=admin_user.pk,
        published_at_0=later.strftime("%Y-%m-%d"),
        published_at_1=later.strftime("%H:%M:%S"),
        _publish="Schedule",
    )
    response = admin_client.post(ADD, form, follow=True)
    post = Post.objects.get()
    assert post.is_scheduled and not post.is_published
    assert "Scheduled: “An essay on Sabotage” appears on" in messages_of(response)


def test_save_draft_keeps_it_unseen_and_says_so(admin_client, admin_user, client):
    response = admin_client.post(
        ADD,
        post_form(author=admin_user.pk, status="published", _save_draft="Save draft"),
        follow=True,
    )
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert "Draft saved. Readers cannot see it." in messages_of(response)
    assert client.get(post.get_absolute_url()).status_code == 404


def test_an_author_submits_for_review_and_cannot_publish(client, writer):
    client.force_login(writer)
    html = client.get(ADD).content.decode()
    assert "Submit for review" in html and 'name="_publish"' not in html
    response = client.post(ADD, post_form(_submit_review="Submit for review"), follow=True)
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT and post.review_requested_at is not None
    assert "Submitted for review" in messages_of(response)
    # Pressing a Publish button by hand publishes nothing.
    client.post(f"/admin/blog/post/{post.pk}/change/", post_form(_publish="Publish"))
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_an_authors_published_post_offers_submit_changes_for_review(client, writer):
    post = Post.objects.create(
        title="Live", slug="live", body="b", author=writer,
        status=Post.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    client.force_login(writer)
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Submit changes for review" in html and "Save draft" not in html


def test_a_title_too_long_is_refused_not_cut(admin_client, admin_user):
    html = admin_client.get(ADD).content.decode()
    (title_input,) = re.findall(r'<input[^>]*name="title"[^>]*>', html)
    assert 'data-max-length="200"' in title_input and "maxlength=" not in title_input
    long_title = "A title that goes on " * 60  # about 1,200 characters
    response = admin_client.post(ADD, post_form(author=admin_user.pk, title=long_title))
    assert response.status_code == 200 and not Post.objects.exists()
    assert "at most 200 characters" in response.content.decode()
    assert long_title.strip() in response.content.decode()  # nothing lost


def test_the_post_form_is_a_focused_surface_with_toolbar_script(admin_client):
    html = admin_client.get(ADD).content.decode()
    assert 'id="nav-sidebar"' not in html
    assert "closer/admin/toolbar.js" in html
