"""Search over published posts: titles, excerpts, tags, bodies and the titles of their videos.

On PostgreSQL this is weighted full-text search (title A; excerpt, tags and video titles B;
body C; English stemming, ``websearch`` query syntax) ranked by ``SearchRank``, with
``SearchHeadline`` snippets computed for the shown page only. The vectors are built at query
time: about 0.6 s for 1,000 essays of 400 words on the dev machine. A stored, GIN-indexed
vector on Post (a model change) is the way past a few thousand posts.

On SQLite the fallback is a documented, simpler ranked match: every word of the query must
appear (case-insensitively; ASCII case folding only) in the title, excerpt, a tag name, an
embedded video's title or the body as readers see it (no markup); the score adds, per word, 8
for the title, 4 for the excerpt, tags or video titles and 1 for the body. No stemming. Snippets are cut in
Python around the first match. Both return the same thing: published posts, best first,
each given a ``snippet`` by ``add_snippets`` (escaped text where only <mark> is markup).
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from blog.models import Post, TaggedPost

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
SNIPPET_CHARS = 240
SEARCH_CONFIG = "english"
WEIGHTS = {"title": 8, "excerpt": 4, "tags": 4, "videos": 4, "body": 1}
# Markers PostgreSQL puts around matches; stripped of anything else, they become <mark>.
_START, _STOP = "\x02", "\x03"


@dataclass(frozen=True)
class Query:
    text: str
    shortened: bool = False


def clean_query(raw: str) -> Query:
    """Return a query without control characters, collapsed, and at most a sensible length."""
    text = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" else ch
        for ch in unicodedata.normalize("NFC", raw)
    )
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        return Query(
            text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0].strip() or text[:MAX_QUERY_CHARS], True
        )
    return Query(text)


def terms_of(text: str) -> list[str]:
    """Return the distinct words of a query, for the fallback match and for highlighting."""
    words = re.findall(r"\w[\w'’-]*", text)
    return list(dict.fromkeys(word.lower() for word in words))[:MAX_TERMS]


def search_posts(text: str):
    """Return published posts matching text, best first, with what a result card shows."""
    posts = Post.objects.published().for_listing()
    if connection.vendor == "postgresql":
        return _postgres_search(posts, text)
    return _fallback_search(posts, text)


def _tag_names():
    from django.contrib.postgres.aggregates import StringAgg

    return Subquery(
        TaggedPost.objects.filter(content_object=OuterRef("pk"))
        .order_by()
        .values("content_object")
        .annotate(names=StringAgg("tag__name", " "))
        .values("names"),
        output_field=TextField(),
    )


def _video_titles():
    from django.contrib.postgres.aggregates import StringAgg

    through = Post.embedded_videos.through
    return Subquery(
        through.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(titles=StringAgg("video__title", " "))
        .values("titles"),
        output_field=TextField(),
    )


def _plain_body():
    # Tags out, so markup never matches and never reaches a snippet; entities are decoded in
    # Python before escaping.
    return Func(
        F("body_html"),
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _postgres_search(posts, text: str):
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    empty = Value("", output_field=TextField())
    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("excerpt", weight="B", config=SEARCH_CONFIG)
        + SearchVector(Coalesce(_tag_names(), empty), weight="B", config=SEARCH_CONFIG)
        + SearchVector(Coalesce(_video_titles(), empty), weight="B", config=SEARCH_CONFIG)
        + SearchVector(_plain_body(), weight="C", config=SEARCH_CONFIG)
    )
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    ranked = (
        posts.annotate(search=vector)
        .filter(search=query)
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "-published_at", "-pk")
    )
    # The vectors are built at query time, the costly part: build them once (ids in rank
    # order) rather than once for the paginator's count and again for the page.
    return RankedPosts(list(ranked.values_list("pk", flat=True)), posts)


class RankedPosts:
    """Post ids in rank order that a Paginator can count and slice into full posts."""

    def __init__(self, ids: list[int], posts):
        self.ids, self.posts = ids, posts

    def count(self) -> int:
        return len(self.ids)

    __len__ = count

    def __getitem__(self, index):
        ids = self.ids[index] if isinstance(index, slice) else [self.ids[index]]
        by_pk = self.posts.in_bulk(ids)
        found = [by_pk[pk] for pk in ids if pk in by_pk]
        return found if isinstance(index, slice) else found[0]


def _fallback_search(posts, text: str):
    terms = terms_of(text)
    if not terms:
        return posts.none()
    through = Post.embedded_videos.through
    # The rendered body without markup: comments, link targets and stripped tags in the source
    # must not match (blog.apps registers the function on every SQLite connection).
    posts = posts.alias(
        _visible_body=Func(F("body_html"), function="closer_visible_text", output_field=TextField())
    )
    score = Value(0)
    for n, term in enumerate(terms):
        fields = {
            "title": Q(title__icontains=term),
            "excerpt": Q(excerpt__icontains=term),
            "body": Q(_visible_body__icontains=term),
            "tags": Exists(
                TaggedPost.objects.filter(content_object=OuterRef("pk"), tag__name__icontains=term)
            ),
            "videos": Exists(
                through.objects.filter(post=OuterRef("pk"), video__title__icontains=term)
            ),
        }
        matches_any = Q()
        for name, condition in fields.items():
            flag = f"_m{n}_{name}"
            posts = posts.alias(**{flag: _as_int(condition)})
            score = score + F(flag) * WEIGHTS[name]
            matches_any |= Q(**{flag: 1})
        posts = posts.filter(matches_any)  # every word must be found somewhere
    return posts.annotate(rank=score).order_by("-rank", "-published_at", "-pk")


def _as_int(condition):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _postgres_headlines(posts, text: str) -> dict[int, str]:
    """Return PostgreSQL's headline for each post, computed for this page's posts only."""
    from django.contrib.postgres.search import SearchHeadline, SearchQuery

    # ts_headline re-parses the whole body: run it on ten rows, not on every match.
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    rows = (
        Post.objects.filter(pk__in=[post.pk for post in posts])
        .annotate(
            headline=SearchHeadline(
                _plain_body(),
                query,
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("pk", "headline")
    )
    return dict(rows)


def add_snippets(posts, text: str) -> None:
    """Give each post a `snippet`: escaped text around the matches, matches in <mark>."""
    posts = list(posts)
    terms = terms_of(text)
    headlines = (
        _postgres_headlines(posts, text) if posts and connection.vendor == "postgresql" else {}
    )
    for post in posts:
        headline = headlines.get(post.pk)
        if headline and _START in headline:
            post.snippet = _marked(headline)
        else:
            post.snippet = highlight(_excerpt_around(post, terms), terms)


def _marked(headline: str) -> SafeString:
    """Turn a PostgreSQL headline into HTML: escape everything, then add our <mark>s."""
    text = escape(html.unescape(headline))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _excerpt_around(post, terms: list[str]) -> str:
    body = " ".join(html.unescape(strip_tags(post.body_html)).split())
    lowered = body.lower()
    positions = [i for i in (lowered.find(term) for term in terms) if i >= 0]
    if not positions:
        return post.summary if len(post.summary) <= SNIPPET_CHARS else body[:SNIPPET_CHARS] + " …"
    start = max(0, min(positions) - SNIPPET_CHARS // 3)
    if start:
        start = body.find(" ", start) + 1 or start
    snippet = body[start : start + SNIPPET_CHARS]
    cut = start + SNIPPET_CHARS < len(body)
    if cut and " " in snippet:
        snippet = snippet.rsplit(" ", 1)[0]  # end on a whole word
    return ("… " if start else "") + snippet + (" …" if cut else "")


def highlight(text: str, terms: list[str]) -> SafeString:
    """Return text escaped, with each occurrence of a term wrapped in <mark>."""
    if not terms:
        return escape(text)
    pattern = re.compile(
        "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.I
    )
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))
