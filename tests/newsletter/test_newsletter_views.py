"""The subscribe form on cached pages, its abuse limits, and the confirmation pages."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsletter.models import Subscriber

pytestmark = pytest.mark.django_db


def test_the_form_is_on_cached_pages_and_sets_no_cookie(make_post):
    post = make_post(title="An essay")
    client = Client()
    for url in ("/", post.get_absolute_url()):
        first = client.get(url)
        assert b'action="/newsletter/"' in first.content
        assert not first.cookies  # no CSRF cookie: the page stays cacheable
        assert "public" in first.headers["Cache-Control"]
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url)
        assert again.content == first.content and len(queries) == 1  # served from the cache
    essay = client.get(post.get_absolute_url()).content.decode()
    assert 'id="subscribe-email-essay"' in essay and 'id="subscribe-email-footer"' in essay


def test_the_subscribe_page_offers_tags_readers_can_see(make_post, scheduled):
    make_post(tags=["Films"])
    scheduled.tags.set(["Secret tag"])
    page = Client().get("/newsletter/").content.decode()
    assert "Films" in page and "Secret tag" not in page


def test_only_some_tags(make_post):
    films = make_post(tags=["Films"]).tags.get()
    response = Client().post(
        "/newsletter/", {"email": "a@example.org", "all_essays": "0", "tags": [films.pk]}
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert not subscriber.all_essays and list(subscriber.tags.all()) == [films]
    assert (
        Client().post("/newsletter/", {"email": "b@example.org", "all_essays": "0"}).status_code
        == 400
    )


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not an address"},
        {"email": "a" * 300 + "@example.org"},
        {"email": ""},
        {},
        {"email": "x@example.org\r\nBcc: victim@example.org"},
        {"email": "x@example.org", "all_essays": "maybe", "tags": ["nope", "-1"]},
    ],
)
def test_bad_input_gets_a_clear_answer_and_no_mail(data):
    response = Client().post("/newsletter/", data)
    assert response.status_code == 400
    assert b"field-error" in response.content
    assert not mail.outbox and not Subscriber.objects.exists()


def test_the_honeypot_answers_like_success_and_sends_nothing():
    response = Client().post("/newsletter/", {"email": "bot@example.org", "website": "http://spam"})
    assert response.status_code == 302
    assert not mail.outbox and not Subscriber.objects.exists()


def test_rate_limits_per_address_and_site_wide(settings):
    settings.CLOSER_NEWSLETTER_RATE_PER_ADDRESS = 2
    settings.CLOSER_NEWSLETTER_RATE_GLOBAL = 4
    client = Client()
    codes = [
        client.post("/newsletter/", {"email": "Same@Example.org"}).status_code for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2
    codes = [
        client.post("/newsletter/", {"email": f"n{n}@example.org"}).status_code for n in range(3)
    ]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 4
    assert b"Too many requests" in client.post("/newsletter/", {"email": "z@example.org"}).content


def test_a_confirmed_address_gets_no_more_confirmation_mail():
    Subscriber.objects.create(email="old@example.org", status=Subscriber.Status.CONFIRMED)
    assert Client().post("/newsletter/", {"email": "old@example.org"}).status_code == 302
    assert not mail.outbox
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_a_mail_server_that_is_down_is_a_clear_error(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = Client().post("/newsletter/", {"email": "a@example.org"})
    assert response.status_code == 503
    assert b"could not send" in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/newsletter/confirm/garbage/",
        "/newsletter/confirm/%00%ff/",
        "/newsletter/unsubscribe/%00/",
        "/newsletter/unsubscribe/" + "x" * 5000 + "/",
    ],
)
def test_bad_links_never_500(url):
    for method in ("get", "post"):
        assert getattr(Client(), method)(url).status_code in (400, 404)


def test_other_methods_are_refused():
    assert Client().put("/newsletter/").status_code == 405
    assert Client().delete("/newsletter/unsubscribe/x/").status_code == 405
