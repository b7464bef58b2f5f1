"""The admin login throttle: refusals past the limit (429), per address and user name, counted
in the database so that every worker and process on the machine shares the counts."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from core import throttle
from core.models import LoginThrottle


@pytest.mark.django_db
class TestLoginThrottle:
    ADDRESS = "203.0.113.7"

    @pytest.fixture
    def editor(self, make_user):
        return make_user(username="editor", password="the-right-password-1", is_staff=True)

    def attempt(self, client, password, *, username="editor", address=ADDRESS):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "next": "/admin/"},
            REMOTE_ADDR=address,
        )

    def test_blocks_after_repeated_failures_then_lets_in_after_the_window(
        self, client, editor, settings, monkeypatch
    ):
        settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW = 5, 900
        # The throttle's clock stands still until the test moves it: Retry-After is exact
        # however long the requests take on a busy machine.
        start = throttle.now()
        monkeypatch.setattr(throttle, "now", lambda: start)
        for _ in range(5):
            response = self.attempt(client, "wrong")
            assert response.status_code == 200  # the admin's own "incorrect password" page
            assert "correct username and password" in response.content.decode()

        blocked = self.attempt(client, "the-right-password-1")
        assert blocked.status_code == 429
        assert blocked["Retry-After"] == "900"
        text = blocked.content.decode()
        assert "Too many failed login attempts" in text
        assert "blocked for 15 more minutes" in text
        assert "<form" in text  # still the admin's login page, with its styles
        assert "_auth_user_id" not in client.session

        # Another address is not affected by this one's failures.
        other = self.attempt(client, "the-right-password-1", address="198.51.100.2")
        assert other.status_code == 302
        client.logout()

        monkeypatch.setattr(throttle, "now", lambda: start + 901)
        response = self.attempt(client, "the-right-password-1")
        assert response.status_code == 302 and response["Location"] == "/admin/"

    def test_success_forgets_earlier_failures(self, client, editor, settings):
        settings.LOGIN_FAILURE_LIMIT = 3
        self.attempt(client, "wrong")
        self.attempt(client, "wrong")
        assert self.attempt(client, "the-right-password-1").status_code == 302
        client.logout()
        self.attempt(client, "wrong")
        self.attempt(client, "wrong")
        assert self.attempt(client, "the-right-password-1").status_code == 302

    def test_one_address_guessing_many_user_names_is_blocked(self, client, editor, settings):
        settings.LOGIN_FAILURE_LIMIT = 2  # so 8 failures from one address, across names
        for n in range(8):
            self.attempt(client, "wrong", username=f"guess{n}")
        assert self.attempt(client, "the-right-password-1").status_code == 429

    def test_behind_a_proxy_the_forwarded_address_counts(self, client, editor, settings):
        settings.TRUST_X_FORWARDED_FOR, settings.LOGIN_FAILURE_LIMIT = True, 2
        for _ in range(2):
            client.post(
                "/admin/login/",
                {"username": "editor", "password": "wrong"},
                HTTP_X_FORWARDED_FOR="forged, 192.0.2.10",
            )
        blocked = client.post(
            "/admin/login/",
            {"username": "editor", "password": "the-right-password-1"},
            HTTP_X_FORWARDED_FOR="192.0.2.10",
        )
        assert blocked.status_code == 429
        other = client.post(
            "/admin/login/",
            {"username": "editor", "password": "the-right-password-1"},
            HTTP_X_FORWARDED_FOR="192.0.2.11",
        )
        assert other.status_code == 302


def test_user_model_has_no_lockout_side_effects(make_user, client, settings):
    """The throttle never touches accounts: a user locked out by guesses is still active."""
    settings.LOGIN_FAILURE_LIMIT = 1
    user = make_user(username="victim")
    client.post("/admin/login/", {"username": "victim", "password": "x"}, REMOTE_ADDR="192.0.2.99")
    assert get_user_model().objects.get(pk=user.pk).is_active


@pytest.mark.django_db
def test_counts_live_in_the_database_not_the_process(make_user, client, settings):
    """What one worker counted, another sees (two real servers: tests/test_production.py)."""
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(username="editor", password="the-right-password-1", is_staff=True)
    throttle.record_failure("192.0.2.5", "editor")
    throttle.record_failure("192.0.2.5", "Editor ")  # the same user name, as typed
    assert throttle.locked_until("192.0.2.5", "editor") is None
    assert LoginThrottle.objects.get(scope="192.0.2.5").failures == 2
    response = client.post(
        "/admin/login/", {"username": "editor", "password": "wrong"}, REMOTE_ADDR="192.0.2.5"
    )
    assert response.status_code == 200
    assert throttle.locked_until("192.0.2.5", "editor") is not None
    refused = client.post(
        "/admin/login/",
        {"username": "editor", "password": "the-right-password-1"},
        REMOTE_ADDR="192.0.2.5",
    )
    assert refused.status_code == 429


@pytest.mark.django_db
def test_counts_expire_after_the_window(settings, monkeypatch):
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW = 3, 60
    start = throttle.now()
    throttle.record_failure("192.0.2.6", "editor")
    throttle.record_failure("192.0.2.6", "editor")
    monkeypatch.setattr(throttle, "now", lambda: start + 61)
    throttle.record_failure("192.0.2.6", "editor")  # the first two no longer count
    assert throttle.locked_until("192.0.2.6", "editor") is None
    assert LoginThrottle.objects.filter(failures=1).count() == 2  # both scopes started again


@pytest.mark.django_db(transaction=True)
def test_fails_open_with_a_log_line_when_its_table_cannot_be_used(
    make_user, client, settings, caplog
):
    """A throttle that cannot count must not stop logins: it lets them through and says so."""
    make_user(username="editor", password="the-right-password-1", is_staff=True)
    with connection.schema_editor() as editor:
        editor.delete_model(LoginThrottle)
    try:
        with caplog.at_level(logging.WARNING, logger="core.throttle"):
            failed = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
            logged_in = client.post(
                "/admin/login/?next=/admin/",
                {"username": "editor", "password": "the-right-password-1", "next": "/admin/"},
            )
    finally:
        with connection.schema_editor() as editor:
            editor.create_model(LoginThrottle)
    assert failed.status_code == 200
    assert logged_in.status_code == 302 and logged_in["Location"] == "/admin/"
    messages = [record.getMessage() for record in caplog.records]
    assert any("Login throttle unavailable, letting the attempt through" in m for m in messages)
    assert any("could not count a failed login" in m for m in messages)
