"""One careful HTTP GET for talking to video providers: short, small, and on a leash.

Provider answers end up in our database and on our pages, so every fetch has a deadline (not
just a per-read socket timeout, which a server trickling one byte a second would never trip),
a byte limit, and follows redirects only on the host it started on. Standard library only.
"""

import logging
import time
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urljoin, urlsplit

logger = logging.getLogger(__name__)

USER_AGENT = "Closer/1.0 (+video metadata; one request per video)"
MAX_REDIRECTS = 3
_CHUNK = 16 * 1024


class FetchError(Exception):
    """A fetch that did not produce a usable answer; the message is fit for an author."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    content_type: str
    body: bytes


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    allowed_hosts: frozenset[str] | None = None,
    accept: str = "*/*",
) -> Response:
    """GET url within timeout seconds and max_bytes; raise FetchError for anything else.

    Redirects are followed only to the same host (or to one of allowed_hosts). Any status
    other than 200 raises FetchError carrying the status, so callers can tell 404 from 500.
    """
    deadline = time.monotonic() + timeout
    start = urlsplit(url)
    hosts = {start.hostname} | set(allowed_hosts or ())
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in hosts:
            raise FetchError(f"refused to follow a redirect to another site ({parts.hostname}).")
        if not _same_origin_or_https(parts, start):
            raise FetchError("refused to follow a redirect to another port or down to http.")
        status, headers, body = _get(parts, deadline=deadline, max_bytes=max_bytes, accept=accept)
        if status in (301, 302, 303, 307, 308) and headers.get("location"):
            url = urljoin(url, headers["location"])
            continue
        if status != 200:
            raise FetchError(f"the provider answered HTTP {status}.", status=status)
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        return Response(url=url, status=status, content_type=content_type, body=body)
    raise FetchError("too many redirects.")


def _same_origin_or_https(parts, start) -> bool:
    # A redirect may stay where it started or move to plain https: never to another port of
    # the same host (a different service) and never from https down to http.
    if parts.scheme == "https" and parts.port in (None, 443):
        return True
    return (parts.scheme, parts.hostname, parts.port) == (start.scheme, start.hostname, start.port)


def _get(parts, *, deadline: float, max_bytes: int, accept: str):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _too_slow()
    connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=remaining)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    try:
        connection.connect()
        # getresponse() may drop the connection's reference; the reads still use this socket.
        sock = connection.sock
        connection.request(
            "GET", path, headers={"User-Agent": USER_AGENT, "Accept": accept, "Connection": "close"}
        )
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"the answer is too large (over {max_bytes:,} bytes).")
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise _too_slow()
            # Each read gets only the time left, so a trickling server cannot outlast us.
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"the answer is too large (over {max_bytes:,} bytes).")
            chunks.append(chunk)
        return response.status, headers, b"".join(chunks)
    except TimeoutError:
        raise _too_slow() from None
    except (OSError, HTTPException) as error:
        # The exception's name (gaierror, ConnectionRefusedError) goes to the log, not to an
        # author: the message says what happened in words.
        logger.info("fetch from %s failed: %r", parts.hostname, error)
        raise FetchError("could not reach the provider.") from None
    finally:
        connection.close()


def _too_slow() -> FetchError:
    return FetchError("the provider did not answer in time.")
