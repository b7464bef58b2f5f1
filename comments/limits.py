"""Rate limits on new comments, counted in the cache: per address and for the whole site.

Fixed windows keyed by their start time: one `add` and one `incr` per comment. A cache outage
lets comments through (moderation still stands between them and readers) rather than refusing
every reader.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _window_key(scope: str) -> tuple[str, int]:
    window = settings.CLOSER_COMMENT_RATE_WINDOW
    start = int(time.time()) // window * window
    return f"comments:rate:{scope}:{start}", window


def _count(scope: str) -> int:
    key, window = _window_key(scope)
    try:
        cache.add(key, 0, window + 5)
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, window + 5)
        return 1
    except Exception:
        logger.warning("Comment rate limit unavailable (cache down)", exc_info=True)
        return 0


def rate_limit_message(address: str) -> str | None:
    """Count one attempt from `address`; return why it is refused, or None if it may go on."""
    scope = "addr:" + hashlib.sha256(address.encode()).hexdigest()[:16]
    minutes = max(1, settings.CLOSER_COMMENT_RATE_WINDOW // 60)
    if _count(scope) > settings.CLOSER_COMMENT_RATE_PER_ADDRESS:
        return (
            f"You have sent several comments in a short time. Please wait about {minutes} "
            "minutes and send this one again (your text is kept below)."
        )
    if _count("global") > settings.CLOSER_COMMENT_RATE_GLOBAL:
        return (
            "The site is receiving an unusual number of comments right now. Please try again "
            f"in about {minutes} minutes (your text is kept below)."
        )
    return None
