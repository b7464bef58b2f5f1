"""Moderation: who waits, the admin queue and its bulk actions, edits and staff replies."""

import pytest

from comments import services
from comments.models import Comment

pytestmark = pytest.mark.django_db


class TestWhoWaits:
    def test_a_first_comment_waits_and_later_ones_from_an_approved_address_do_not(
        self, essay, send_comment
    ):
        send_comment(essay, body="First.")
        first = Comment.objects.get()
        assert first.status == "pending"
        send_comment(essay, body="Second, before any approval.")
        assert Comment.objects.get(body__startswith="Second").status == "pending"
        services.comment_set_status(comments=Comment.objects.filter(pk=first.pk), status="approved")
        send_comment(essay, body="Third.", email="MARTA@example.com")  # the same address
        assert Comment.objects.get(body="Third.").status == "approved"
        send_comment(essay, body="Someone new.", email="new@example.com")
        assert Comment.objects.get(body="Someone new.").status == "pending"

    def test_an_address_with_spam_always_waits(self, essay, send_comment, approved_comment):
        approved_comment(email="marta@example.com")
        approved_comment(email="marta@example.com", status="spam")
        send_comment(essay)
        assert Comment.objects.latest().status == "pending"

    def test_all_held(self, essay, send_comment, approved_comment, settings):
        settings.CLOSER_COMMENTS_MODERATION = "all"
        approved_comment(email="marta@example.com")
        send_comment(essay)
        assert Comment.objects.latest().status == "pending"

    def test_none_held(self, essay, send_comment, settings):
        settings.CLOSER_COMMENTS_MODERATION = "none"
        send_comment(essay)
        assert Comment.objects.get().status == "approved"


class TestAdminQueue:
    @pytest.fixture
    def queue(self, approved_comment):
        return [
            approved_comment(status="pending", body="held one"),
            approved_comment(status="pending", body="held two"),
            approved_comment(status="approved", body="shown"),
            approved_comment(status="spam", body="buy now"),
        ]

    def test_counts_per_status(self, admin_client, queue):
        html = admin_client.get("/admin/comments/comment/").content.decode()
        assert "Waiting for approval: <strong>2</strong>" in html
        assert "Approved: <strong>1</strong>" in html and "Spam: <strong>1</strong>" in html

    @pytest.mark.parametrize(
        ("action", "status"),
        [("approve", "approved"), ("reject", "rejected"), ("mark_spam", "spam")],
    )
    def test_bulk_actions(
        self, admin_client, queue, action, status, django_capture_on_commit_callbacks
    ):
        held = [c.pk for c in queue[:2]]
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                "/admin/comments/comment/", {"action": action, "_selected_action": held}
            )
        assert response.status_code == 302
        assert set(Comment.objects.filter(pk__in=held).values_list("status", flat=True)) == {status}

    def test_approving_shows_the_comment(self, client, admin_client, essay, queue):
        assert "held one" not in client.get(essay.get_absolute_url()).content.decode()
        admin_client.post(
            "/admin/comments/comment/", {"action": "approve", "_selected_action": [queue[0].pk]}
        )
        assert "held one" in client.get(essay.get_absolute_url()).content.decode()

    def test_an_edit_is_rendered_again(self, client, admin_client, essay, queue):
        comment = queue[2]
        response = admin_client.post(
            f"/admin/comments/comment/{comment.pk}/change/",
            {"status": "approved", "name": "Jonas", "email": "jonas@example.com", "website": "",
             "body": "Edited *gently*."},
        )  # fmt: skip
        assert response.status_code == 302
        assert "Edited <em>gently</em>." in client.get(essay.get_absolute_url()).content.decode()

    def test_reply_as_staff(self, client, admin_client, admin_user, essay, queue):
        held = queue[0]
        page = admin_client.get(f"/admin/comments/comment/{held.pk}/reply/")
        assert page.status_code == 200 and "replying approves it" in page.content.decode()
        response = admin_client.post(
            f"/admin/comments/comment/{held.pk}/reply/", {"body": "Thanks for reading."}
        )
        assert response.status_code == 302
        reply = Comment.objects.get(staff_user=admin_user)
        assert reply.parent == held and reply.status == "approved"
        held.refresh_from_db()
        assert held.status == "approved"
        html = client.get(essay.get_absolute_url()).content.decode()
        assert "Thanks for reading." in html and "comment-staff" in html

    def test_close_comments_from_the_queue(self, client, admin_client, essay, queue):
        admin_client.post(
            "/admin/comments/comment/",
            {"action": "close_comments", "_selected_action": [queue[0].pk]},
        )
        assert "Comments are closed" in client.get(essay.get_absolute_url()).content.decode()

    def test_readers_cannot_reach_the_queue(self, client, queue):
        assert client.get("/admin/comments/comment/").status_code == 302
