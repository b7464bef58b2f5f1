"""Comment fixtures: a published essay, and a helper that posts the form as a browser would."""

import time

import pytest

from comments import tokens
from comments.models import Comment


@pytest.fixture
def essay(make_post, author):
    author.email = "writer@example.com"
    author.save()
    return make_post(title="The moving room", body="https://youtu.be/dQw4w9WgXcQ\n\nA body.")


def form_data(post, **overrides) -> dict:
    """Return a valid comment form, served a minute ago."""
    data = {
        "name": "Marta",
        "email": "marta@example.com",
        "website": "",
        "body": "A *fine* essay.",
        "token": tokens.form_token(post.pk, now=time.time() - 60),
        "homepage_url": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def send_comment(client, django_capture_on_commit_callbacks):
    """POST the comment form (no JavaScript); return the response, after-commit work done."""

    def send(post, *, json=False, headers=None, **overrides):
        headers = dict(headers or {})
        if json:
            headers["Accept"] = "application/json"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/comments/essay/{post.pk}/", form_data(post, **overrides), headers=headers
            )

    return send


@pytest.fixture
def approved_comment(essay):
    def make(**fields):
        values = {
            "post": essay,
            "name": "Jonas",
            "email": "jonas@example.com",
            "body": "Earlier words.",
            "status": Comment.Status.APPROVED,
        }
        values.update(fields)
        return Comment.objects.create(**values)

    return make
