"""Time `import_wordpress` on a generated 5,000-post export with two video embeds per post.

    .venv/bin/python bench/wordpress.py [--posts 5000] [--comments 0]

Runs against a throwaway SQLite database in a temporary folder (unset DATABASE_URL first, or
set it to a scratch PostgreSQL database); touches nothing else. Figures only: no pass or fail.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["CLOSER_VAR_DIR"] = tempfile.mkdtemp(prefix="closer-bench-")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TASKS_BACKEND", "immediate")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from blog.models import Post  # noqa: E402

YOUTUBE_IDS = ["dQw4w9WgXcQ", "9bZkp7q19f0", "kJQP7kiw5Fk", "JGwWNGJdvx8", "OPf0YbXqDm0"]
PARAGRAPH = (
    "The camera holds on the corridor for a long time, long enough that the room starts to "
    "feel like a character, and the cut, when it comes, lands like a door closing."
)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def comments_xml(n: int, per_post: int) -> str:
    """Approved comments on post n, every second one a reply to the one before."""
    parts = []
    for k in range(per_post):
        comment_id = n * 1000 + k
        parent = comment_id - 1 if k % 2 else 0
        parts.append(
            f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
            f"<wp:comment_author>{cdata('Reader ' + str(k))}</wp:comment_author>"
            f"<wp:comment_author_email>reader{k}@example.org</wp:comment_author_email>"
            "<wp:comment_date_gmt>2020-01-02 10:00:00</wp:comment_date_gmt>"
            f"<wp:comment_content>{cdata('A <em>fine</em> point, thank you.')}"
            "</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
            f"<wp:comment_type></wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>"
            "</wp:comment>"
        )
    return "".join(parts)


def export_text(posts: int, comments: int = 0) -> str:
    items = []
    for n in range(1, posts + 1):
        first = f"https://www.youtube.com/watch?v={YOUTUBE_IDS[n % 5]}"
        second = f"https://vimeo.com/{76979871 + n % 50}"
        body = f"{PARAGRAPH}\n\n{first}\n\n{PARAGRAPH}\n\n[embed]{second}[/embed]\n\n{PARAGRAPH}"
        items.append(
            f"""<item><title>Essay number {n}</title>
<dc:creator>{cdata("author" + str(n % 7))}</dc:creator>
<guid isPermaLink="false">https://old.example/?p={n}</guid>
<content:encoded>{cdata(body)}</content:encoded><excerpt:encoded>{cdata("")}</excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>
<wp:post_name>essay-{n}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category" nicename="film-{n % 20}">{cdata("Film " + str(n % 20))}</category>
<category domain="post_tag" nicename="tag-{n % 50}">{cdata("Tag " + str(n % 50))}</category>
{comments_xml(n, comments)}</item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example</wp:base_site_url>
{"".join(items)}
</channel></rss>"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--comments", type=int, default=0, help="approved comments per post")
    arguments = parser.parse_args()
    posts, comments = arguments.posts, arguments.comments
    call_command("migrate", verbosity=0)
    path = Path(os.environ["CLOSER_VAR_DIR"]) / "export.xml"
    path.write_text(export_text(posts, comments), encoding="utf-8")
    print(f"Export: {posts} posts, {posts * comments} comments, {path.stat().st_size / 1e6:.1f} MB")
    start, cpu = time.perf_counter(), time.process_time()
    call_command("import_wordpress", str(path), verbosity=0)
    first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
    videos = sum(post.inline_videos.count() for post in Post.objects.all()[:100])
    print(
        f"First import: {first:.1f} s ({posts / first:.0f} posts/s, {first_cpu:.1f} s of CPU); "
        f"{videos} videos in 100 posts"
    )
    start, cpu = time.perf_counter(), time.process_time()
    call_command("import_wordpress", str(path), verbosity=0)
    print(
        f"Second run (nothing changed): {time.perf_counter() - start:.1f} s "
        f"({time.process_time() - cpu:.1f} s of CPU)"
    )


if __name__ == "__main__":
    main()
