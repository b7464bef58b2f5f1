import pytest
from fake_provider import FakeProvider


@pytest.fixture
def provider(settings):
    """A fake provider server; every oEmbed provider's endpoint points at it."""
    fake = FakeProvider().start()
    settings.CLOSER_OEMBED_ENDPOINTS = {
        name: f"{fake.url}/oembed/{name}"
        for name in (
            "youtube",
            "vimeo",
            "dailymotion",
            "peertube",
            "archive",
            "bandcamp",
            "soundcloud",
        )
    }
    # Generous: an answer from this machine never takes this long, however busy it is. Tests
    # of the deadline itself shorten it (short_deadline) against answers that come far later.
    settings.CLOSER_OEMBED_TIMEOUT = 10
    yield fake
    fake.stop()


SHORT_DEADLINE = 0.5


@pytest.fixture
def short_deadline(settings):
    """Give providers half a second: for tests whose provider answers 2 s late, or never."""
    settings.CLOSER_OEMBED_TIMEOUT = SHORT_DEADLINE
    return SHORT_DEADLINE


PEERTUBE_HOST = "tube.example.org"


@pytest.fixture
def peertube(settings):
    """Allow one PeerTube instance, as an operator would in CLOSER_PEERTUBE_HOSTS."""
    settings.CLOSER_PEERTUBE_HOSTS = [PEERTUBE_HOST]
    return PEERTUBE_HOST
