"""Editors' side: subscribers (CSV out and in), the issue report, preview, test, hold."""

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from blog.models import Post
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.tasks import issue_send

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsletter/subscriber/"


def test_csv_export(admin_client, make_subscriber):
    make_subscriber("a@example.org", source="=HYPERLINK(1)")
    make_subscriber("b@example.org", status=Subscriber.Status.PENDING)
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "export_csv",
            "_selected_action": Subscriber.objects.values_list("pk", flat=True),
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["email"]: row["status"] for row in rows} == {
        "a@example.org": "confirmed",
        "b@example.org": "pending",
    }
    assert [row["source"] for row in rows if row["email"] == "a@example.org"] == ["'=HYPERLINK(1)"]


def upload(text):
    return SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")


def test_csv_import_needs_consent_and_leaves_existing_addresses_alone(
    admin_client, make_subscriber
):
    make_subscriber("left@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    text = "name,email\nAda,ada@example.org\nLeft,LEFT@example.org\nBad,not-an-email\n,\n"
    refused = admin_client.post(
        CHANGELIST + "import/", {"file": upload(text), "source": "old list"}
    )
    assert refused.status_code == 200 and b"This field is required" in refused.content
    assert Subscriber.objects.count() == 1

    response = admin_client.post(
        CHANGELIST + "import/",
        {"file": upload(text), "source": "signup sheet 2025", "consent": "on"},
        follow=True,
    )
    assert b"Added 1; already listed 1" in response.content
    assert b"not an email address: 1" in response.content
    ada = Subscriber.objects.get(email="ada@example.org")
    assert ada.status == Subscriber.Status.CONFIRMED and "signup sheet 2025" in ada.source
    assert Subscriber.objects.get(email="left@example.org").status == "unsubscribed"
    assert not mail.outbox


def test_import_refuses_a_file_that_is_not_text(admin_client):
    response = admin_client.post(
        CHANGELIST + "import/",
        {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00\x81"), "source": "s", "consent": "on"},
    )
    assert response.status_code == 200 and b"not UTF-8" in response.content


def test_the_report_counts_each_outcome(admin_client, make_post, make_subscriber):
    post = make_post(title="Reported", published_at=timezone.now())
    issue = Issue.objects.get(post=post)
    for n, status in enumerate(["sent", "sent", "failed", "bounced", "queued"]):
        Delivery.objects.create(
            issue=issue, subscriber=make_subscriber(f"r{n}@x.org"), status=status
        )
    page = admin_client.get("/admin/newsletter/issue/").content.decode()
    assert "Reported" in page
    assert '<td class="field-sent">2</td>' in page
    assert '<td class="field-failed">1</td>' in page
    assert '<td class="field-bounced">1</td>' in page
    detail = admin_client.get(f"/admin/newsletter/issue/{issue.pk}/change/").content.decode()
    assert "Sent: 2" in detail and "Refused by the server: 1" in detail


def test_preview_and_test_to_myself(admin_client, admin_user, make_post):
    post = make_post(title="Not out yet", status=Post.Status.DRAFT, published_at=None)
    issue = Issue.objects.create(post=post, held=True)
    preview = admin_client.get(f"/admin/newsletter/issue/{issue.pk}/preview/")
    assert preview.status_code == 200
    assert b"Not out yet" in preview.content and b"List-Unsubscribe-Post" in preview.content
    assert "'unsafe-inline'" in preview.headers["Content-Security-Policy"]

    admin_user.email = "editor@example.org"
    admin_user.save()
    admin_client.post(
        "/admin/newsletter/issue/", {"action": "send_test", "_selected_action": [issue.pk]}
    )
    [test] = mail.outbox
    assert test.to == ["editor@example.org"] and test.subject == "[Test] Not out yet"
    assert test.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_readers_cannot_reach_the_preview(client, make_post):
    issue = Issue.objects.create(post=make_post(status=Post.Status.DRAFT, published_at=None))
    response = client.get(f"/admin/newsletter/issue/{issue.pk}/preview/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_hold_then_release(
    admin_client, make_post, make_subscriber, django_capture_on_commit_callbacks
):
    make_subscriber("reader@example.org")
    post = make_post(title="Wait", published_at=timezone.now())
    issue = Issue.objects.get(post=post)
    admin_client.post(
        "/admin/newsletter/issue/", {"action": "hold", "_selected_action": [issue.pk]}
    )
    assert issue_send.call(issue.pk) == "held"
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/newsletter/issue/", {"action": "release", "_selected_action": [issue.pk]}
        )
    assert [m.subject for m in mail.outbox] == ["Wait"]
