"""What an author reads about provider trouble: one calm line with a Retry button, no jargon."""

import re

import pytest
from django.contrib.auth.models import Group
from test_tasks import VIDEO_URL, add_post

from blog.models import Post
from videos.models import Video

pytestmark = pytest.mark.django_db

JARGON = re.compile(r"gaierror|manage\.py|Error\b|Exception|Traceback|oEmbed|`")


def visible_messages(html: str) -> str:
    """Return the messages and notes of an admin page (not its scripts or field names)."""
    found = re.findall(r'<ul class="messagelist">.*?</ul>', html, re.S)
    found += re.findall(r'<p class="closer-provider-note".*?</p>', html, re.S)
    return "\n".join(found)


def test_an_unreachable_provider_is_one_calm_line_with_retry(
    admin_client, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.CLOSER_OEMBED_ENDPOINTS = {"youtube": "http://127.0.0.1:9/oembed"}
    with django_capture_on_commit_callbacks(execute=True):  # the fetch runs, and fails
        saved = add_post(admin_client, admin_user, f"Watch:\n\n{VIDEO_URL}\n").content.decode()
    assert not JARGON.search(visible_messages(saved)), visible_messages(saved)
    post = Post.objects.get()
    page = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    notes = visible_messages(page)
    assert notes.count("Couldn’t reach YouTube for the title and poster") == 1
    assert "we’ll retry in the background" in notes and "Retry now" in notes
    assert not JARGON.search(notes), notes
    # The Retry button asks again (and still says nothing technical).
    with django_capture_on_commit_callbacks(execute=True):
        retried = admin_client.post(f"/admin/blog/post/{post.pk}/retry-videos/", follow=True)
    assert retried.status_code == 200
    assert "Trying again in the background." in retried.content.decode()
    assert not JARGON.search(visible_messages(retried.content.decode()))
    assert Video.objects.get().fetch_failed


def test_retry_is_refused_to_a_get_and_to_other_authors(
    client, admin_client, admin_user, make_user
):
    add_post(admin_client, admin_user, f"Watch:\n\n{VIDEO_URL}\n")
    post = Post.objects.get()
    assert admin_client.get(f"/admin/blog/post/{post.pk}/retry-videos/").status_code == 405
    other = make_user(username="other", is_staff=True)
    other.groups.add(Group.objects.get(name="Author"))
    client.force_login(other)
    assert client.post(f"/admin/blog/post/{post.pk}/retry-videos/").status_code in (403, 404)
