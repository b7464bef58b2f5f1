"""The newsletter end to end, against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage

from blog.models import Post
from newsletter import tasks
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.tasks import issue_send
from videos.posters import poster_clean
from videos.services import video_set_poster

pytestmark = pytest.mark.django_db

YT_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def publish(make_post, capture, **fields):
    """Publish an essay now, running what its commit queues (the immediate task backend)."""
    fields.setdefault("published_at", timezone.now())
    with capture(execute=True):
        return make_post(**fields)


def parts(message):
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    return html, text


def jpeg_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (1280, 720), "navy").save(buffer, "JPEG")
    return buffer.getvalue()


class TestSubscribing:
    def test_double_opt_in_sends_nothing_before_the_link_is_followed(
        self, smtp, make_post, django_capture_on_commit_callbacks
    ):
        client = Client()
        response = client.post("/newsletter/", {"email": "Reader@Example.org", "website": ""})
        assert response.status_code == 302
        assert response["Location"] == "/newsletter/check-your-inbox/"
        [confirmation] = smtp.to("reader@example.org")
        assert "Confirm" in confirmation["Subject"]
        html, text = parts(confirmation)
        link = re.search(r"https://closer\.example(/newsletter/confirm/[^\s\"]+/)", text).group(1)
        assert link in html

        publish(make_post, django_capture_on_commit_callbacks, title="Before confirming")
        assert len(smtp.to("reader@example.org")) == 1  # still only the confirmation

        page = client.get(link)  # a link scanner's GET confirms nothing
        assert page.status_code == 200 and b"Yes, subscribe" in page.content
        assert Subscriber.objects.get().status == Subscriber.Status.PENDING
        assert client.post(link).status_code == 200
        assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

        publish(make_post, django_capture_on_commit_callbacks, title="After confirming")
        subjects = [m["Subject"] for m in smtp.to("reader@example.org")]
        assert subjects[1:] == ["After confirming"]

    def test_a_tampered_confirmation_link_confirms_nobody(self, smtp):
        Client().post("/newsletter/", {"email": "reader@example.org"})
        text = parts(smtp.to("reader@example.org")[0])[1]
        link = re.search(r"https://closer\.example(/newsletter/confirm/[^\s]+/)", text).group(1)
        forged = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
        assert Client().post(forged).status_code == 400
        assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    def test_only_the_chosen_tags(
        self, smtp, make_post, make_subscriber, django_capture_on_commit_callbacks
    ):
        films = publish(make_post, django_capture_on_commit_callbacks, tags=["films"]).tags.get()
        make_subscriber("films@example.org", all_essays=False, tags=[films])
        make_subscriber("all@example.org")
        publish(make_post, django_capture_on_commit_callbacks, title="On music", tags=["music"])
        publish(make_post, django_capture_on_commit_callbacks, title="On films", tags=["films"])
        assert [m["Subject"] for m in smtp.to("films@example.org")] == ["On films"]
        assert [m["Subject"] for m in smtp.to("all@example.org")] == ["On music", "On films"]


class TestTheEssayEmail:
    def test_headers_parts_and_only_our_own_resources(
        self, smtp, make_post, make_image, make_subscriber, django_capture_on_commit_callbacks
    ):
        reader = make_subscriber("reader@example.org")
        image = make_image(alt_text="A still from the film")
        post = make_post(
            title="Draft for now",
            status=Post.Status.DRAFT,
            published_at=None,
            body=f"Opening words with a [link](https://example.net/x).\n\n{YT_URL}\n\n"
            f"[image:{image.pk}]\n\nAt [0:42] it turns.",
        )
        video = post.inline_videos.get()
        video_set_poster(video=video, picture=poster_clean(jpeg_bytes()))
        video.title = "Virtual Insanity"
        video.save()
        with django_capture_on_commit_callbacks(execute=True):
            post.status, post.published_at = Post.Status.PUBLISHED, timezone.now()
            post.save()

        [message] = smtp.to("reader@example.org")
        assert message["Subject"] == "Draft for now"
        assert message["List-Unsubscribe"].strip() == (
            f"<https://closer.example/newsletter/unsubscribe/{reader.token}/>"
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_content_type() == "multipart/alternative"
        html, text = parts(message)
        for tag in ("<iframe", "<script", "<style", "<link", "<video", "<object"):
            assert tag not in html.lower()
        sources = re.findall(r'\ssrc="([^"]+)"', html)
        assert len(sources) == 2  # the poster and the library image
        assert all(src.startswith("https://closer.example/media/") for src in sources)
        essay = "https://closer.example" + post.get_absolute_url()
        # The poster is linked to the essay on our site, not to a player.
        assert re.search(rf'<a href="{re.escape(essay)}"[^>]*>\s*<img[^>]+/videos/posters/', html)
        assert 'style="' in html  # the stylesheet was inlined
        assert f'href="https://closer.example/newsletter/unsubscribe/{reader.token}/"' in html
        assert "Opening words" in text and "https://example.net/x" in text
        assert f"Unsubscribe: https://closer.example/newsletter/unsubscribe/{reader.token}/" in text
        assert "<" not in text.replace("<https", "")

    def test_excerpt_setting_sends_the_summary_and_a_link(
        self, smtp, settings, make_post, make_subscriber, django_capture_on_commit_callbacks
    ):
        settings.CLOSER_NEWSLETTER_CONTENT = "excerpt"
        make_subscriber("reader@example.org")
        publish(
            make_post,
            django_capture_on_commit_callbacks,
            excerpt="The short version.",
            body="The whole long essay text that stays on the site.",
        )
        html, text = parts(smtp.to("reader@example.org")[0])
        assert "The short version." in html and "The short version." in text
        assert "stays on the site" not in html and "stays on the site" not in text


class TestUnsubscribing:
    def test_one_click_post_without_cookies_unsubscribes_at_once(
        self, smtp, make_post, make_subscriber, django_capture_on_commit_callbacks
    ):
        make_subscriber("reader@example.org")
        publish(make_post, django_capture_on_commit_callbacks, title="First")
        url = smtp.to("reader@example.org")[0]["List-Unsubscribe"].strip().strip("<>")
        path = url.removeprefix("https://closer.example")
        # As a mail client does it (RFC 8058): a POST, no cookie, no CSRF token, no login.
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
        assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
        publish(make_post, django_capture_on_commit_callbacks, title="Second")
        assert [m["Subject"] for m in smtp.to("reader@example.org")] == ["First"]

    def test_get_only_asks(self, make_subscriber):
        reader = make_subscriber("reader@example.org")
        response = Client().get(reader.unsubscribe_url())
        assert response.status_code == 200 and b"Unsubscribe</button>" in response.content
        reader.refresh_from_db()
        assert reader.status == Subscriber.Status.CONFIRMED
        assert Client().post("/newsletter/unsubscribe/not-a-token/").status_code == 404


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, no except clause catches it."""


class TestResumableSending:
    def test_a_worker_killed_mid_batch_then_restarted_sends_each_message_once(
        self, smtp, settings, make_post, make_subscriber, monkeypatch
    ):
        settings.CLOSER_NEWSLETTER_BATCH = 3
        readers = [make_subscriber(f"reader{n}@example.org") for n in range(8)]
        post = make_post(title="Batched", published_at=timezone.now())
        issue = Issue.objects.get(post=post)

        real_deliver = tasks._deliver
        calls = []

        def deliver_then_die(connection, message):
            calls.append(message.to[0])
            if len(calls) == 5:
                raise WorkerKilled  # the fifth row is claimed, its message never leaves
            return real_deliver(connection, message)

        monkeypatch.setattr(tasks, "_deliver", deliver_then_die)
        with pytest.raises(WorkerKilled):
            issue_send.call(issue.pk)
        monkeypatch.setattr(tasks, "_deliver", real_deliver)

        statuses = list(Delivery.objects.values_list("status", flat=True))
        assert statuses.count(Delivery.Status.SENT) == 4
        assert statuses.count(Delivery.Status.CLAIMED) == 2  # the rest of the second batch
        assert statuses.count(Delivery.Status.QUEUED) == 2
        assert len(smtp.messages) == 4

        # Restarted while the claims are fresh (the dead worker might still be alive): its
        # rows are left alone, the unclaimed ones go out.
        issue_send.call(issue.pk)
        assert len(smtp.messages) == 6
        assert Delivery.objects.filter(status=Delivery.Status.CLAIMED).count() == 2

        # Once the claims have expired, the dead worker's rows are sent, and only those.
        settings.CLOSER_NEWSLETTER_CLAIM_SECONDS = 0
        assert issue_send.call(issue.pk).startswith("done")
        received = sorted(r for m in smtp.messages for r in m.rcpt_tos)
        assert received == sorted(r.email for r in readers)  # everyone, once
        assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
        issue.refresh_from_db()
        assert issue.state == Issue.State.DONE
        assert issue_send.call(issue.pk) == "sent already"
        assert len(smtp.messages) == 8

    def test_a_refused_address_is_a_bounce_in_the_report(self, smtp, make_post, make_subscriber):
        make_subscriber("ok@example.org")
        gone = make_subscriber("gone@example.org")
        post = make_post(published_at=timezone.now())
        issue_send.call(Issue.objects.get(post=post).pk)
        by_status = dict(Delivery.objects.values_list("subscriber__email", "status"))
        assert by_status == {"ok@example.org": "sent", "gone@example.org": "bounced"}
        gone.refresh_from_db()
        assert gone.status == Subscriber.Status.BOUNCED
        assert "550" in Delivery.objects.get(subscriber=gone).error


class TestWhatIsNeverSent:
    def test_drafts_old_essays_and_held_issues(
        self, smtp, make_post, make_subscriber, django_capture_on_commit_callbacks
    ):
        make_subscriber("reader@example.org")
        publish(
            make_post,
            django_capture_on_commit_callbacks,
            status=Post.Status.DRAFT,
            published_at=None,
        )
        publish(
            make_post,
            django_capture_on_commit_callbacks,
            published_at=timezone.now() - timedelta(days=30),
        )
        assert not Issue.objects.exists() and not smtp.messages

        post = make_post(title="Held", status=Post.Status.DRAFT, published_at=None)
        Issue.objects.create(post=post, held=True)
        with django_capture_on_commit_callbacks(execute=True):
            post.status, post.published_at = Post.Status.PUBLISHED, timezone.now()
            post.save()
        assert not smtp.messages

    def test_a_scheduled_essay_goes_out_only_once_it_is_published(
        self, smtp, make_post, make_subscriber
    ):
        make_subscriber("reader@example.org")
        post = make_post(title="Later", published_at=timezone.now() + timedelta(hours=2))
        issue = Issue.objects.get(post=post)
        assert issue_send.call(issue.pk) == "not yet published"
        Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)
        assert issue_send.call(issue.pk) == "not published"
        assert not smtp.messages
        Post.objects.filter(pk=post.pk).update(
            status=Post.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=1)
        )
        assert issue_send.call(issue.pk).startswith("done")
        assert [m["Subject"] for m in smtp.to("reader@example.org")] == ["Later"]


class TestScheduling:
    def test_a_scheduled_essay_queues_its_send_for_its_publish_time(
        self, settings, make_post, django_capture_on_commit_callbacks
    ):
        from django_tasks_db.models import DBTaskResult

        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
        }
        when = timezone.now() + timedelta(days=2)
        with django_capture_on_commit_callbacks(execute=True):
            post = make_post(published_at=when)
        [queued] = DBTaskResult.objects.filter(task_path="newsletter.tasks.issue_send")
        assert queued.run_after == when
        assert queued.args_kwargs["args"] == [Issue.objects.get(post=post).pk]


def test_unsubscribing_while_a_send_is_under_way_stops_the_message(
    smtp, settings, make_post, make_subscriber, monkeypatch
):
    settings.CLOSER_NEWSLETTER_BATCH = 1
    readers = {
        s.email: s for s in (make_subscriber("one@example.org"), make_subscriber("two@example.org"))
    }
    post = make_post(published_at=timezone.now())
    issue = Issue.objects.get(post=post)
    real_deliver = tasks._deliver
    sent = []

    def deliver_and_unsubscribe_the_other(connection, message):
        # While the first message goes out, the other reader clicks "unsubscribe".
        if not sent:
            [other] = set(readers) - set(message.to)
            Client().post(readers[other].unsubscribe_url())
        sent.extend(message.to)
        return real_deliver(connection, message)

    monkeypatch.setattr(tasks, "_deliver", deliver_and_unsubscribe_the_other)
    assert issue_send.call(issue.pk).startswith("done")
    assert len(sent) == 1
    assert [r for m in smtp.messages for r in m.rcpt_tos] == sent
    assert Delivery.objects.get().subscriber.email == sent[0]
