import pytest
from fake_provider import FakeProvider


@pytest.fixture
def provider(settings):
    """A fake provider server; every oEmbed provider's endpoint points at it."""
    fake = FakeProvider().start()
    settings.CLOSER_OEMBED_ENDPOINTS = {
        name: f"{fake.url}/oembed/{name}" for name in ("youtube", "vimeo", "dailymotion")
    }
    settings.CLOSER_OEMBED_TIMEOUT = 0.5
    yield fake
    fake.stop()
