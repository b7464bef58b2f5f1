"""Comment emails through a real SMTP server on 127.0.0.1 (aiosmtpd): notices and receipts."""

import email
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from comments.models import Comment
from comments.notices import comment_send_notices

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]


@pytest.fixture
def inbox(settings):
    handler = Inbox()
    # aiosmtpd 1.4 checks that it is up by connecting to its own port: port=0 cannot work.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_the_author_hears_of_a_new_comment_and_the_writer_gets_a_receipt(
    inbox, essay, send_comment
):
    send_comment(essay, body="Lovely *work*.")
    comment = Comment.objects.get()
    (notice,) = inbox.to("writer@example.com")
    assert notice["Subject"].strip() == "New comment on “The moving room” (waiting for approval)"
    assert f"/admin/comments/comment/{comment.pk}/change/" in body_of(notice)
    (receipt,) = inbox.to("marta@example.com")
    text = body_of(receipt)
    assert "/comments/delete/" in text and "never shown" in text
    # One recipient per message: no reader sees another's address.
    assert all(len(rcpts) == 1 for rcpts, _ in inbox.messages)


def test_deleting_through_the_emailed_link(client, inbox, essay, send_comment, settings):
    settings.CLOSER_COMMENTS_MODERATION = "none"
    send_comment(essay, body="Regrettable words.")
    (receipt,) = inbox.to("marta@example.com")
    link = re.search(r"https?://\S+/comments/delete/\S+", body_of(receipt)).group(0)
    path = "/" + link.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200 and "Regrettable words." in page.content.decode()
    assert Comment.objects.exists()  # a GET (a mail scanner's prefetch) deletes nothing
    done = client.post(path)
    assert done.status_code == 200 and "Your comment is deleted" in done.content.decode()
    assert not Comment.objects.exists()
    assert "Regrettable" not in client.get(essay.get_absolute_url()).content.decode()
    assert client.get(path).status_code == 404


def test_reply_notices_only_when_asked_and_once(
    inbox, essay, send_comment, settings, approved_comment
):
    settings.CLOSER_COMMENTS_MODERATION = "none"
    asked = approved_comment(email="asked@example.com", notify_replies=True)
    quiet = approved_comment(email="quiet@example.com")
    send_comment(essay, parent=str(asked.pk), body="Reply one.")
    send_comment(essay, parent=str(quiet.pk), body="Reply two.")
    (notice,) = inbox.to("asked@example.com")
    assert "Reply one." in body_of(notice) and "/comments/mute/" in body_of(notice)
    assert inbox.to("quiet@example.com") == []
    comment_send_notices.call(Comment.objects.get(body="Reply one.").pk, False)
    assert len(inbox.to("asked@example.com")) == 1  # a task run twice sends it once


def test_a_held_reply_notifies_when_approved(
    admin_client, inbox, essay, send_comment, approved_comment, django_capture_on_commit_callbacks
):
    asked = approved_comment(email="asked@example.com", notify_replies=True)
    send_comment(essay, parent=str(asked.pk), body="Held reply.", email="new@example.com")
    assert inbox.to("asked@example.com") == []
    reply = Comment.objects.get(body="Held reply.")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/comments/comment/", {"action": "approve", "_selected_action": [reply.pk]}
        )
    assert len(inbox.to("asked@example.com")) == 1


def test_muting_reply_notices(client, inbox, essay, approved_comment):
    asked = approved_comment(email="asked@example.com", notify_replies=True)
    assert client.post(asked.get_mute_url()).status_code == 200
    asked.refresh_from_db()
    assert not asked.notify_replies


@pytest.mark.parametrize("token", ["x", "eyJjIjoxfQ:1:bad"])
def test_a_forged_owner_link(client, approved_comment, token):
    approved_comment()
    assert client.get(f"/comments/delete/{token}/").status_code == 404
    assert client.post(f"/comments/delete/{token}/").status_code == 404
    assert Comment.objects.count() == 1


def test_a_mute_link_does_not_delete(client, approved_comment):
    comment = approved_comment()
    mute_token = comment.get_mute_url().split("/")[-2]
    assert client.post(f"/comments/delete/{mute_token}/").status_code == 404
    assert Comment.objects.count() == 1


def test_a_deleted_comment_with_replies_leaves_a_placeholder(client, essay, approved_comment):
    top = approved_comment(body="Top words.")
    approved_comment(parent=top, body="A reply.", email="other@example.com")
    client.post(top.get_delete_url())
    top.refresh_from_db()
    assert top.is_removed and top.email == "" and top.body == ""
    html = client.get(essay.get_absolute_url()).content.decode()
    assert "deleted by its writer" in html and "A reply." in html and "Top words." not in html
