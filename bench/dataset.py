"""Generate the benchmark site: N essays of ~1,200 words, 2 videos each, 3–6 of 1,000 tags.

    .venv/bin/python bench/dataset.py --essays 10000   (run by bench/run.py, in its data folder)

Runs with the settings of the environment it is given (CLOSER_VAR_DIR or DATABASE_URL decide
where the site lives) into a freshly migrated, empty database. Fast: twenty body templates are
rendered once each and every essay reuses one with its own two video ids substituted, rows go
in with bulk_create, and the search index is built once at the end. Deterministic for a given
size (seeded), so figures from two runs compare. Writes pages.json: the paths bench/run.py
measures, chosen from the data (a mid-sized tag, two tags that share essays, a busy author).
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from blog.models import Post, PostVideo, Tag, TaggedPost  # noqa: E402
from blog.rendering import render  # noqa: E402
from blog.search_index import search_index_rebuild  # noqa: E402
from videos.models import Video  # noqa: E402

# Bump when the data changes: bench/run.py keys its cached databases by it.
GENERATOR_VERSION = 1
TEMPLATES = 20
WORDS_PER_ESSAY = 1200
VIDEO_SLOTS = ("SLOTAAAAAA1", "SLOTBBBBBB2")  # 11 characters, like a YouTube id
SEARCH_WORD = "camera"  # a word in every template: the broadest search readers can make

VOCABULARY = [
    "film",
    "frame",
    "shot",
    "cut",
    "scene",
    "light",
    "shadow",
    "colour",
    "sound",
    "music",
    "rhythm",
    "dance",
    "movement",
    "actor",
    "director",
    "editor",
    "lens",
    "focus",
    "close",
    "wide",
    "long",
    "take",
    "montage",
    "silence",
    "voice",
    "score",
    "chorus",
    "verse",
    "street",
    "room",
    "window",
    "door",
    "mirror",
    "water",
    "fire",
    "night",
    "morning",
    "city",
    "desert",
    "forest",
    "road",
    "car",
    "train",
    "crowd",
    "face",
    "hand",
    "eye",
    "body",
    "gesture",
    "memory",
    "dream",
    "time",
    "space",
    "story",
    "image",
    "screen",
    "video",
    "clip",
    "song",
    "band",
    "record",
    "studio",
    "stage",
    "tour",
    "album",
    "single",
    "beat",
    "tempo",
    "loop",
    "sample",
    "grain",
    "texture",
    "surface",
    "motion",
    "blur",
    "flare",
    "zoom",
    "pan",
    "tilt",
    "dolly",
    "crane",
    "steadicam",
    "handheld",
    "practical",
    "effect",
    "puppet",
    "miniature",
    "matte",
    "composite",
    "animation",
    "stop",
    "motion",
    "rotoscope",
    "tension",
    "release",
    "surprise",
    "rhyme",
    "echo",
    "pattern",
    "symmetry",
    "contrast",
    "palette",
    "saturation",
    "costume",
    "makeup",
    "set",
    "design",
    "location",
    "weather",
    "season",
    "ritual",
    "game",
    "chase",
    "fall",
    "flight",
]
FILLER = [
    "the",
    "a",
    "of",
    "and",
    "in",
    "to",
    "with",
    "on",
    "as",
    "by",
    "for",
    "from",
    "that",
    "this",
    "its",
    "their",
]


def sentence(rng: random.Random, words: int) -> str:
    picked = [
        rng.choice(FILLER) if rng.random() < 0.35 else rng.choice(VOCABULARY) for _ in range(words)
    ]
    return " ".join(picked).capitalize() + "."


def body_template(rng: random.Random) -> str:
    """Return ~1,200 words of Markdown with the two video slots, a timecode and some markup."""
    paragraphs, words = [], 0
    while words < WORDS_PER_ESSAY:
        n = rng.randint(50, 90)
        text = " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(n // 12 + 1))
        if rng.random() < 0.3:
            text += f" At [{rng.randint(0, 9)}:{rng.randint(10, 59)}] the **{SEARCH_WORD}** moves."
        if rng.random() < 0.2:
            text += " See [this note](https://example.com/notes) for more."
        paragraphs.append(text)
        words += len(text.split())
        if len(paragraphs) == 2:
            paragraphs.append(f"https://www.youtube.com/watch?v={VIDEO_SLOTS[0]}")
        if len(paragraphs) == 8:
            paragraphs.append(f"https://www.youtube.com/watch?v={VIDEO_SLOTS[1]}")
    paragraphs.insert(1, f"A {SEARCH_WORD} and a song.")
    return "\n\n".join(paragraphs)


def video_ids(n: int) -> tuple[str, str]:
    return f"b{n:08d}x1", f"b{n:08d}x2"


def fill(body: str, html: str, ids: tuple[str, str]) -> tuple[str, str]:
    for slot, video_id in zip(VIDEO_SLOTS, ids, strict=True):
        body, html = body.replace(slot, video_id), html.replace(slot, video_id)
    return body, html


def generate(essays: int, tags: int, seed: int = 10) -> dict:
    rng = random.Random(seed)
    started = time.perf_counter()
    authors = [
        get_user_model().objects.create_user(
            f"writer{n}", first_name=f"Writer{n}", last_name="Bench", is_staff=True
        )
        for n in range(5)
    ]
    templates = []
    for _ in range(TEMPLATES):
        body = body_template(rng)
        templates.append((body, render(body, Post.BodyFormat.MARKDOWN).html))

    tag_rows = Tag.objects.bulk_create(
        Tag(
            name=f"{rng.choice(VOCABULARY).title()} {n}",
            slug=f"{slugify(rng.choice(VOCABULARY))}-{n}",
        )
        for n in range(tags)
    )
    now = timezone.now()
    posts, videos = [], []
    for n in range(essays):
        body, html = fill(*templates[n % TEMPLATES], video_ids(n))
        title = sentence(rng, rng.randint(3, 7)).rstrip(".")
        # About 1 % drafts and 1 % scheduled: they must never show, and they cost nothing.
        status, published_at = Post.Status.PUBLISHED, now - timedelta(hours=6 * (essays - n))
        if n % 100 == 17:
            status, published_at = Post.Status.DRAFT, None
        elif n % 100 == 53:
            published_at = now + timedelta(days=30)
        posts.append(
            Post(
                title=title,
                slug=f"{slugify(title)[:150]}-{n}",
                author=authors[n % len(authors)],
                excerpt=sentence(rng, 20) if n % 3 else "",
                body=body,
                body_html=html,
                status=status,
                published_at=published_at,
            )
        )
        for k, video_id in enumerate(video_ids(n)):
            videos.append(
                Video(
                    url=f"https://www.youtube.com/watch?v={video_id}",
                    provider="youtube",
                    video_id=video_id,
                    title=f"{sentence(rng, 4).rstrip('.')} (video {n}.{k})",
                )
            )
    with transaction.atomic():
        posts = Post.objects.bulk_create(posts, batch_size=500)
        videos = Video.objects.bulk_create(videos, batch_size=1000)
        embedded = Post.inline_videos.through
        embedded.objects.bulk_create(
            (embedded(post_id=post.pk, video_id=video.pk) for post, video in _pairs(posts, videos)),
            batch_size=2000,
        )
        # Popular tags are popular: tag k is chosen with weight 1/(k+1) (a Zipf-like spread).
        weights = [1 / (k + 1) for k in range(len(tag_rows))]
        tagged = []
        for post in posts:
            chosen = set(rng.choices(range(len(tag_rows)), weights=weights, k=rng.randint(3, 6)))
            tagged += [TaggedPost(content_object_id=post.pk, tag_id=tag_rows[k].pk) for k in chosen]
        TaggedPost.objects.bulk_create(tagged, batch_size=2000)
    # Attached videos too (one post in ten), as authors add them beside the body.
    PostVideo.objects.bulk_create(
        PostVideo(post_id=post.pk, video_id=videos[2 * n].pk, caption="Watch first")
        for n, post in enumerate(posts)
        if n % 10 == 0
    )
    loaded = time.perf_counter()
    search_index_rebuild()
    if connection.vendor == "postgresql":
        # What autovacuum does on a live site: planner statistics, and the GIN index's pending
        # list merged (without it every search scans the index's unsorted tail).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    indexed = time.perf_counter()
    pages = _pages(posts)
    print(
        f"generated {essays} essays, {len(tag_rows)} tags, {len(videos)} videos, "
        f"{len(tagged)} taggings in {loaded - started:.1f} s; search index {indexed - loaded:.1f} s",
        flush=True,
    )
    return pages


def _pairs(posts, videos):
    for n, post in enumerate(posts):
        yield post, videos[2 * n]
        yield post, videos[2 * n + 1]


def _pages(posts) -> dict[str, str]:
    """Return the path of each page type, picked from the generated data."""
    published = Post.objects.published()
    post = published.order_by("-published_at")[len(posts) // 10]  # an essay neither new nor old
    by_size = list(
        Tag.objects.filter(tagged_posts__content_object__in=published)
        .annotate(n=Count("tagged_posts"))
        .order_by("-n")
        .values_list("slug", "n")
    )
    # The tag ranked tenth: a real tag page with several pages of essays.
    tag = by_size[min(9, len(by_size) - 1)][0]
    pair = (
        TaggedPost.objects.filter(tag__slug=tag)
        .values("content_object")
        .order_by()
        .values_list("content_object__tags__slug", flat=True)
    )
    others = [slug for slug in pair if slug != tag]
    second = max(set(others), key=others.count)
    author = published.values("author__profile__slug").annotate(n=Count("pk")).order_by("-n")[0]
    return {
        "home": "/",
        "post": post.get_absolute_url(),
        "tag": f"/tags/{tag}/",
        "two-tag filter": f"/tags/{tag}+{second}/",
        "archive": "/archive/",
        "author": f"/authors/{author['author__profile__slug']}/",
        "search": f"/search/?q={SEARCH_WORD}",
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
        "videos index": "/videos/",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--essays", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=1_000)
    parser.add_argument("--pages-file", required=True, help="where to write pages.json")
    options = parser.parse_args()
    if Post.objects.exists():
        raise SystemExit("The database already holds posts: the generator needs an empty one.")
    pages = generate(options.essays, options.tags)
    Path(options.pages_file).write_text(json.dumps(pages, indent=2))


if __name__ == "__main__":
    main()
