"""Measure what videos cost: the reader's bytes before play, and our time to render them.

    .venv/bin/python bench/videos.py

Runs against a throwaway SQLite database in a temporary folder; touches nothing else.
"""

import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["CLOSER_VAR_DIR"] = tempfile.mkdtemp(prefix="closer-bench-")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from io import BytesIO  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from blog.models import Post  # noqa: E402
from videos.embed import expand_placeholders  # noqa: E402
from videos.models import Video  # noqa: E402
from videos.posters import poster_clean  # noqa: E402
from videos.services import video_set_poster  # noqa: E402


def best_of(function, repeat=5, number=20):
    """Return the best mean time per call, in milliseconds."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            function()
        timings.append((time.perf_counter() - start) / number)
    return min(timings) * 1000


def main():
    call_command("migrate", verbosity=0)
    player = ROOT / "static" / "closer" / "player.js"
    minified = subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "terser"), str(player), "-c", "-m"],
        capture_output=True,
        check=True,
    ).stdout
    print(
        f"player.js: {player.stat().st_size} B source, {len(minified)} B minified, "
        f"{len(gzip.compress(minified))} B minified+gzip"
    )

    buffer = BytesIO()
    Image.new("RGB", (1280, 720), (120, 40, 30)).save(buffer, "JPEG", quality=90)
    start = time.perf_counter()
    poster = poster_clean(buffer.getvalue())
    sample = Video(provider="youtube", video_id="bench")
    video_set_poster(video=sample, picture=poster)
    renditions = sample.poster_renditions
    print(
        f"poster: 1280x720 JPEG ({len(buffer.getvalue())} B) -> {len(renditions)} renditions "
        f"in {(time.perf_counter() - start) * 1000:.0f} ms: "
        + ", ".join(
            f"{r['format']} {r['width']}w {default_storage.size(r['name'])} B" for r in renditions
        )
    )

    author = get_user_model().objects.create_user("bench")
    paragraphs = []
    for n in range(10):
        paragraphs.append(f"https://www.youtube.com/watch?v={n:011d}")
        paragraphs += [
            f"Paragraph {n}.{k} with a timecode at [{k}:{n:02d}] and prose." for k in range(5)
        ]
    post = Post.objects.create(
        title="Bench",
        body="\n\n".join(paragraphs),
        author=author,
        status=Post.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    for video in post.inline_videos.all():
        video.title = f"Video {video.video_id}"
        video_set_poster(video=video, picture=poster)
        video.save()
    videos = list(post.inline_videos.all())
    html = expand_placeholders(post.body_html, videos)
    facade_bytes = (len(html) - len(post.body_html)) / len(videos)
    print(
        f"body with 10 videos and 50 timecodes: {best_of(lambda: expand_placeholders(post.body_html, videos)):.2f} ms "
        f"to expand; about {facade_bytes:.0f} B of HTML per video facade"
    )

    client = Client(HTTP_HOST="127.0.0.1")
    url = post.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    page = response.content
    print(
        f"post page: {len(page)} B HTML ({len(gzip.compress(page))} B gzip), "
        f"{best_of(lambda: client.get(url), number=5):.1f} ms per request (test client, SQLite)"
    )
    print(
        f"/videos/: {best_of(lambda: client.get('/videos/'), number=5):.1f} ms; "
        f"/videos/sitemap.xml: {best_of(lambda: client.get('/videos/sitemap.xml'), number=5):.1f} ms"
    )


if __name__ == "__main__":
    main()
