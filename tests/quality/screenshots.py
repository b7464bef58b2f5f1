"""Screenshots of every page type at phone and desktop widths, light and dark.

Not a test: run it against a server you started yourself, then look at the PNGs.

    CLOSER_VAR_DIR=/tmp/me-var DEBUG=true .venv/bin/python manage.py migrate
    CLOSER_VAR_DIR=/tmp/me-var DEBUG=true .venv/bin/python manage.py load_demo
    CLOSER_VAR_DIR=/tmp/me-var DEBUG=true .venv/bin/python manage.py runserver 127.0.0.1:8051 &
    .venv/bin/python tests/quality/screenshots.py http://127.0.0.1:8051 /tmp/shots
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = {
    "home": "/",
    "post": "/posts/the-room-that-moves-virtual-insanity/",
    "tag": "/tags/jonathan-glazer/",
    "multi-tag": "/tags/jonathan-glazer+1990s/without/film/",
    "tag-index": "/tags/",
    "archive": "/archive/",
    "search": "/search/?q=glazer",
    "author": "/authors/ana-reyes/",
    "videos": "/videos/",
    "series": "/series/glazers-nineties/",
    "series-index": "/series/",
    "404": "/posts/no-such-essay/",
}
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main(base: str, out: Path, full_page: bool = True) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for scheme in ("light", "dark"):
            for size, (width, height) in SIZES.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path)
                    page.screenshot(path=out / f"{name}-{size}-{scheme}.png", full_page=full_page)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]))
