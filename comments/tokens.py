"""Signed values the comment pages hand out: the form's start time, and the owner's links.

The form token carries the essay's id and the moment the form was served, signed with the
secret key: posting proves the form came from us and how long the reader had it open, with no
session and no CSRF cookie, so the essay page stays one cached copy for every reader.
"""

import hashlib
import time

from django.core import signing

FORM_SALT = "closer.comments.form"
OWNER_SALT = "closer.comments.owner"


class BadToken(Exception):
    pass


def form_token(post_id: int, *, now: float | None = None) -> str:
    """Return a signed token naming the essay and the moment the form was served."""
    now = time.time() if now is None else now
    return signing.dumps({"p": post_id, "t": int(now)}, salt=FORM_SALT, compress=False)


def form_age(token: str, post_id: int, *, max_age: int) -> float:
    """Return how many seconds ago the form was served; BadToken if forged, stale or foreign."""
    try:
        data = signing.loads(token, salt=FORM_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadToken("invalid") from error
    if not isinstance(data, dict) or data.get("p") != post_id or not isinstance(data.get("t"), int):
        raise BadToken("invalid")
    age = time.time() - data["t"]
    if age > max_age:
        raise BadToken("expired")
    return age


def _owner_digest(comment) -> str:
    # Binds the link to the address that wrote the comment, without putting it in the URL.
    return hashlib.sha256(f"{comment.pk}:{comment.email}".encode()).hexdigest()[:16]


def owner_token(comment, action: str) -> str:
    """Return a signed token letting the comment's writer `action` ("delete", "mute") it."""
    return signing.dumps(
        {"c": comment.pk, "a": action, "d": _owner_digest(comment)}, salt=OWNER_SALT
    )


def owner_comment_id(token: str, action: str) -> tuple[int, str]:
    """Return (comment id, digest) from an owner token; BadToken if it is not one for `action`."""
    try:
        data = signing.loads(token, salt=OWNER_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadToken("invalid") from error
    if not isinstance(data, dict) or data.get("a") != action or not isinstance(data.get("c"), int):
        raise BadToken("invalid")
    return data["c"], str(data.get("d"))


def owner_matches(comment, digest: str) -> bool:
    return _owner_digest(comment) == digest
