"""Replies thread two levels deep; a reply follows its parent out of sight."""

import pytest

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_a_reply_shows_under_its_parent(client, essay, send_comment, approved_comment, settings):
    settings.CLOSER_COMMENTS_MODERATION = "none"
    parent = approved_comment()
    send_comment(essay, parent=str(parent.pk), body="I agree.")
    reply = Comment.objects.get(body="I agree.")
    assert reply.parent == parent
    html = client.get(essay.get_absolute_url()).content.decode()
    replies = html.split(f'data-replies-for="{parent.pk}"', 1)[1].split("</ol>", 1)[0]
    assert f'id="comment-{reply.pk}"' in replies


def test_a_reply_to_a_reply_joins_the_thread(essay, send_comment, approved_comment, settings):
    settings.CLOSER_COMMENTS_MODERATION = "none"
    top = approved_comment()
    middle = approved_comment(parent=top)
    send_comment(essay, parent=str(middle.pk), body="Deeper.")
    assert Comment.objects.get(body="Deeper.").parent == top


def test_replies_have_no_reply_link(client, essay, approved_comment):
    top = approved_comment()
    approved_comment(parent=top, body="Reply.")
    html = client.get(essay.get_absolute_url()).content.decode()
    assert html.count("data-reply-to=") == 1


def test_replying_without_javascript(client, essay, approved_comment):
    top = approved_comment()
    html = client.get(f"{essay.get_absolute_url()}?reply={top.pk}").content.decode()
    assert f'name="parent" value="{top.pk}"' in html and "Replying to" in html


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_no_reply_to_a_hidden_comment(essay, send_comment, approved_comment, status):
    hidden = approved_comment(status=status)
    response = send_comment(essay, parent=str(hidden.pk), body="Kept text.")
    assert response.status_code == 400 and "Kept text." in response.content.decode()


def test_no_reply_across_essays(make_post, essay, send_comment, approved_comment):
    other = approved_comment(post=make_post())
    assert send_comment(essay, parent=str(other.pk)).status_code == 400


def test_replies_go_with_a_rejected_parent(client, essay, approved_comment):
    top = approved_comment(status="rejected")
    approved_comment(parent=top, body="Orphan reply.")
    assert "Orphan reply." not in client.get(essay.get_absolute_url()).content.decode()
