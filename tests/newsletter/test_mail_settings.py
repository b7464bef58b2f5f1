"""Mail settings from the environment (config/mail.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.mail import CONSOLE_BACKEND, SMTP_BACKEND, mail_settings


def test_no_settings_prints_to_the_console():
    assert mail_settings({}) == {"EMAIL_BACKEND": CONSOLE_BACKEND}


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "smtp://user%40example.org:p%40ss@mail.example.org:587?tls=true",
            {
                "EMAIL_HOST": "mail.example.org",
                "EMAIL_PORT": 587,
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
                "EMAIL_HOST_USER": "user@example.org",
                "EMAIL_HOST_PASSWORD": "p@ss",
            },
        ),
        (
            "smtps://u:p@mail.example.org",
            {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False},
        ),
        ("smtp://127.0.0.1:1025", {"EMAIL_PORT": 1025, "EMAIL_HOST_USER": ""}),
    ],
)
def test_email_url(url, expected):
    settings = mail_settings({"EMAIL_URL": url})
    assert settings["EMAIL_BACKEND"] == SMTP_BACKEND
    assert expected.items() <= settings.items()


def test_email_host_and_friends():
    settings = mail_settings(
        {
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_PORT": "2525",
            "EMAIL_USE_TLS": "yes",
            "EMAIL_HOST_USER": "me",
            "EMAIL_HOST_PASSWORD": "secret",
        }
    )
    assert settings == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "me",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


@pytest.mark.parametrize(
    "environ",
    [
        {"EMAIL_URL": "http://mail.example.org"},
        {"EMAIL_URL": "smtp://"},
        {"EMAIL_URL": "smtp://host:port"},
        {"EMAIL_HOST": "h", "EMAIL_PORT": "twenty"},
    ],
)
def test_mistakes_say_which_setting(environ):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_"):
        mail_settings(environ)
