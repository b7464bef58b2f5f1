"""A video gone from its provider, in chromium: the memorial card, and nothing else loads.

check_videos asks a real local server (answering 404 as YouTube does for a removed video);
then the essay is read as a reader would: the card, its Wayback link, no player, no request
to another site, and no axe violations on phone or desktop.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from videos.models import Health, Video

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__axe__/axe.min.js"
WAYBACK = "https://web.archive.org/web/*/https://www.youtube.com/watch?v=dQw4w9WgXcQ"


class Gone(BaseHTTPRequestHandler):
    """The provider's oEmbed endpoint for a removed video: 404 to everything."""

    def do_GET(self):
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error": "Not Found"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def removed_provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gone)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CLOSER_OEMBED_ENDPOINTS = {"youtube": f"http://127.0.0.1:{server.server_port}/oembed"}
    yield
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_removed_video_reads_as_a_memorial_card(
    browser, live_server, make_post, removed_provider, width
):
    post = make_post(
        title="The set is revealed",
        body="https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nThe reveal at [1:23-1:45].",
    )
    video = post.inline_videos.get()
    video.title, video.artist, video.year = "Never gonna", "Rick Astley", 1987
    video.save()
    call_command("check_videos", stdout=StringIO(), stderr=StringIO())
    assert Video.objects.get().health == Health.REMOVED

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    local = urlsplit(live_server.url).netloc
    third_party = []

    def route(route):
        url = route.request.url
        if urlsplit(url).path == AXE_PATH:
            route.fulfill(path=str(AXE), content_type="application/javascript")
        elif urlsplit(url).netloc == local or url.startswith("data:"):
            route.continue_()
        else:
            third_party.append(url)
            route.abort()

    page.route("**/*", route)
    try:
        page.goto(live_server.url + post.get_absolute_url())
        card = page.locator(".video-memorial")
        assert card.is_visible()
        assert card.get_by_text("Never gonna").is_visible()
        assert card.get_by_text("Rick Astley · 1987").is_visible()
        assert card.get_by_text("This video is no longer available on YouTube.").is_visible()
        wayback = card.get_by_role("link", name="Look for it in the Wayback Machine")
        assert wayback.get_attribute("href") == WAYBACK
        original = card.get_by_role("link", name="Original address")
        assert original.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        # No player to press: the poster is no link, the quoted clip is plain text.
        assert page.locator("a.video-facade").count() == 0
        page.locator("figure.video .video-frame").click()
        page.get_by_text("1:23\u20131:45").first.click()
        page.wait_for_timeout(300)
        assert page.locator("iframe").count() == 0
        assert third_party == []
        # The essay's shot list still leads to the quoted moment.
        shot = page.locator(".shot-list a[href='#moment-1']")
        assert shot.is_visible()
        shot.click()
        assert page.url.endswith("#moment-1")
        # Nothing on the card breaks accessibility.
        page.add_script_tag(url=live_server.url + AXE_PATH)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']}))"
            ".violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(', '))"
        )
        assert violations == []
    finally:
        context.close()
