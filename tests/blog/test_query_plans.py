"""Every reader query finds its essays through an index, on both databases.

The plans are read with the database's own EXPLAIN. A modest site is enough: SQLite's planner
picks indexes without statistics, and on PostgreSQL sequential scans are priced out
(``enable_seqscan = off``), so a sequential scan that remains means no index could serve the
query. The query counts of the same pages are pinned in test_query_pins.py; this file is about
what each of those queries reads, which is what grows with the site.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from blog.models import Post, Series, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(make_post, author):
    now = timezone.now()
    tags = [Tag.objects.create(name=f"Director {n}") for n in range(6)]
    series = Series.objects.create(title="Romanek's 90s")
    posts = []
    for n in range(40):
        post = make_post(
            title=f"Essay {n}",
            published_at=now - timedelta(days=n * 9),
            status=Post.Status.PUBLISHED if n % 7 else Post.Status.DRAFT,
            series=series if n % 10 == 0 else None,
        )
        post.tags.add(tags[n % 6], tags[(n + 1) % 6])
        posts.append(post)
    return {"tags": tags, "author": author, "post": posts[1], "series": series, "now": now}


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())


def _full_scans(plan: str, table: str) -> list[str]:
    """Return the plan's lines that read every row of table without an index."""
    if connection.vendor == "postgresql":
        return [line for line in plan.splitlines() if f"Seq Scan on {table}" in line]
    # SQLite: "SEARCH blog_post USING INDEX …" is an index lookup; any "SCAN blog_post" reads
    # the whole table, or (USING INDEX) walks a whole index in order.
    return [line for line in plan.splitlines() if re.search(rf"\bSCAN {table}\b", line)]


def reader_queries(site) -> dict:
    published = Post.objects.published()
    post = site["post"]
    month = site["post"].published_at
    return {
        "home": published.order_by("-published_at")[:10],
        "post page": published.filter(slug=post.slug),
        "tag page": published.filter(tags=site["tags"][0]).order_by("-published_at")[:10],
        "author page": published.filter(author=site["author"]).order_by("-published_at")[:10],
        "archive month": published.filter(
            published_at__gte=month - timedelta(days=15), published_at__lt=month
        ).order_by("-published_at"),
        "series page": published.filter(series=site["series"]).order_by("series_part"),
        "neighbours": published.filter(published_at__lt=post.published_at).order_by(
            "-published_at"
        )[:1],
    }


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "post page",
        "tag page",
        "author page",
        "archive month",
        "series page",
        "neighbours",
    ],
)
def test_reader_queries_read_posts_through_an_index(site, name):
    plan = _plan(reader_queries(site)[name])
    assert not _full_scans(plan, "blog_post"), plan


def test_a_tag_page_reads_its_taggings_through_an_index(site):
    plan = _plan(
        Post.objects.published().filter(tags=site["tags"][0]).order_by("-published_at")[:10]
    )
    assert not _full_scans(plan, "blog_taggedpost"), plan


def test_the_check_sees_a_full_scan_when_there_is_one(site):
    """The control: a filter no index serves must be reported, or the checks above prove nothing."""
    plan = _plan(Post.objects.filter(excerpt__contains="moving room").order_by())
    assert _full_scans(plan, "blog_post"), plan
