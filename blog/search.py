"""Search over published posts: titles, excerpts, tags, bodies and the titles of their videos.

Both databases search the index blog.search_index keeps (one document per post, drafts
included) and filter by ``Post.objects.published()`` when searching, so a scheduled essay is
found from the moment it appears and a draft never is.

The query language is the same on both: words (each must match: a title, excerpt, tag, video
title or the body as readers see it), "quoted phrases" and -excluded words or phrases; English
stemming (dancing finds dances). At most MAX_TERMS words are used: a query of forty hyphens
or a thousand words costs what eight do, and can never overflow PostgreSQL's tsquery stack.

- SQLite: FTS5 (porter stemming, diacritics folded), ranked by ``bm25`` with weights 8 for the
  title, 4 for excerpt, tags and video titles, 1 for the body (``BM25_WEIGHTS``, set on the
  table as its ``rank``); ``snippet()`` for the shown page only.
- PostgreSQL: the stored tsvector (weights A, B, B, B, C) through its GIN index, ranked by
  ``ts_rank``; ``ts_headline`` for the shown page only.

Each shown post gets a ``snippet`` (escaped text where only <mark> is markup) from
``add_snippets``.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Subquery, Value
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from blog.models import Post
from blog.search_index import SEARCH_CONFIG

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
SNIPPET_CHARS = 240
SNIPPET_TOKENS = 32
# A word found in every essay must not cost every essay: at most this many matches (the most
# recently written) are ranked and counted; the page says "more than" beyond it.
RANKED_MATCHES = 1000
# Markers around matches (never in indexed text); stripped of anything else, they become <mark>.
_START, _STOP = "\x02", "\x03"
# Letters and digits: what both databases' parsers keep as words (hyphens and apostrophes split).
_WORD = re.compile(r"[^\W_]+")
_CLAUSE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Query:
    text: str
    shortened: bool = False


@dataclass(frozen=True)
class Clause:
    """A word or quoted phrase of a query; a negated one excludes the posts it matches."""

    words: tuple[str, ...]
    negated: bool = False


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


def parse_query(text: str) -> list[Clause]:
    """Return the distinct clauses of a query, at most MAX_TERMS words in all."""
    clauses, budget = [], MAX_TERMS
    for match in _CLAUSE.finditer(text):
        quoted, token = match.group(2), match.group(3)
        if quoted is not None:
            negated, words = bool(match.group(1)), _WORD.findall(quoted)
        else:
            negated, words = token.startswith("-"), _WORD.findall(token)
        clause = Clause(tuple(word.lower() for word in words[:budget]), negated)
        if clause.words and clause not in clauses:
            clauses.append(clause)
            budget -= len(clause.words)
        if budget <= 0:
            break
    return clauses


def terms_of(text: str) -> list[str]:
    """Return the distinct words a query looks for, for highlighting."""
    words = [word for clause in parse_query(text) if not clause.negated for word in clause.words]
    return list(dict.fromkeys(words))


def search_posts(text: str):
    """Return published posts matching text, best first, as something a Paginator can page."""
    clauses = parse_query(text)
    posts = Post.objects.published().for_listing()
    if not any(not clause.negated for clause in clauses):
        return posts.none()  # nothing to look for (only exclusions, or no words at all)
    if connection.vendor == "postgresql":
        return _postgres_search(posts, clauses)
    return FtsResults(posts, fts_match(clauses))


# --- PostgreSQL -----------------------------------------------------------------------------


def websearch_text(clauses: list[Clause]) -> str:
    """Return clauses in websearch_to_tsquery syntax, every clause quoted (no operators)."""
    return " ".join(f'{"-" if c.negated else ""}"{" ".join(c.words)}"' for c in clauses)


def _tsquery(clauses):
    return SearchQuery(websearch_text(clauses), search_type="websearch", config=SEARCH_CONFIG)


def _postgres_search(posts, clauses):
    return PostgresResults(posts, _tsquery(clauses))


class RankedWindow:
    """Search results ranked within the newest RANKED_MATCHES matches, for a Paginator.

    Subclasses read the newest RANKED_MATCHES + 1 match ids once (``_newest_ids``): they give
    the count, whether it is capped, and the oldest ranked id that bounds the ranking.
    """

    capped = False

    def _newest_ids(self) -> list[int]:
        raise NotImplementedError

    def count(self) -> int:
        """Return the matches, at most RANKED_MATCHES (``capped`` says there were more)."""
        found = len(self._newest_ids())
        self.capped = found > RANKED_MATCHES
        return min(found, RANKED_MATCHES)

    __len__ = count


class PostgresResults(RankedWindow):
    """Published posts matching a tsquery, best first, counted and ranked within the newest
    RANKED_MATCHES matches (as FtsResults does on SQLite).

    Ranking reads each match's whole vector, and counting every match of a word found in
    every essay walks them all (about 0.7 s at 10,000 essays); a capped count and a rank over
    the newest matches only keep a broad word's first page bounded.
    """

    def __init__(self, posts, query):
        self.query = query
        self.matches = posts.filter(search_document__vector=query)
        self._newest = None

    def _newest_ids(self) -> list[int]:
        """Return the ids of the newest RANKED_MATCHES + 1 matches, newest first (read once).

        They give the count, whether it is capped, and the oldest ranked id, which bounds the
        ranking below as a constant: as a subquery it ran twice in the ranking query (4 ms each
        at 10,000 essays) and once more in the count.
        """
        if self._newest is None:
            self._newest = list(
                self.matches.order_by("-pk").values_list("pk", flat=True)[: RANKED_MATCHES + 1]
            )
        return self._newest

    def _ranked(self):
        ranked = self._newest_ids()[:RANKED_MATCHES]
        oldest_ranked = ranked[-1] if ranked else 0
        return (
            # The range on both sides of the join: PostgreSQL then checks only the newest
            # documents' vectors instead of scanning every document's.
            self.matches.filter(pk__gte=oldest_ranked, search_document__post_id__gte=oldest_ranked)
            .annotate(rank=SearchRank(F("search_document__vector"), self.query))
            .order_by("-rank", "-published_at", "-pk")
        )

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        stop = RANKED_MATCHES if stop is None else min(stop, RANKED_MATCHES)
        if start >= stop:
            return []
        # The ranking reads only ids, dates and vectors; the page's rows are read once, for
        # the page (sorting the matches' whole rows cost more than ranking them).
        page = self._ranked().values("pk")[start:stop]
        return list(
            self.matches.filter(pk__in=Subquery(page))
            .annotate(rank=SearchRank(F("search_document__vector"), self.query))
            .order_by("-rank", "-published_at", "-pk")
        )


def _postgres_headlines(posts, clauses) -> dict[int, str]:
    """Return PostgreSQL's headline for each post, computed for this page's posts only."""
    rows = (
        Post.objects.filter(pk__in=[post.pk for post in posts])
        .annotate(
            headline=SearchHeadline(
                _entities_escaped(F("search_document__body")),
                _tsquery(clauses),
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


def _entities_escaped(text):
    # ts_headline drops whatever looks like a tag ("<script>" a reader sees as text): give it
    # the text as HTML would show it, and decode the entities afterwards.
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = Replace(text, Value(char), Value(entity))
    return text


# --- SQLite ---------------------------------------------------------------------------------


def fts_match(clauses: list[Clause]) -> str:
    """Return clauses as an FTS5 query: every phrase quoted, so no operator comes from a reader."""

    def phrase(clause):
        return '"' + " ".join(clause.words) + '"'

    wanted = " AND ".join(phrase(c) for c in clauses if not c.negated)
    unwanted = " OR ".join(phrase(c) for c in clauses if c.negated)
    return f"({wanted}) NOT ({unwanted})" if unwanted else wanted


class FtsResults(RankedWindow):
    """Published posts matching an FTS5 query in bm25 order, counted and ranked within the
    newest RANKED_MATCHES matches (as PostgresResults does)."""

    def __init__(self, posts, match: str):
        self.posts, self.match = posts, match
        self._newest = None

    def _published(self):
        sql, params = self.posts.order_by().values("pk").query.sql_with_params()
        return sql, list(params)

    def _newest_ids(self) -> list[int]:
        """Return the ids of the newest RANKED_MATCHES + 1 published matches, newest first.

        Read once, they give the count, whether it is capped, and the oldest ranked id that
        bounds the ranking as a constant: a count and a subquery for that bound each walked
        the same matches again (7–8 ms each for a word in every essay, at 10,000 essays).
        "+rowid" keeps SQLite from probing the full-text index once per published post: the
        published ids (from the covering status/date index) filter the matches instead.
        """
        if self._newest is None:
            published, params = self._published()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT rowid FROM blog_search_fts WHERE blog_search_fts MATCH %s"
                    f" AND +rowid IN ({published}) ORDER BY rowid DESC LIMIT %s",
                    [self.match, *params, RANKED_MATCHES + 1],
                )
                self._newest = [row[0] for row in cursor.fetchall()]
        return self._newest

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        stop = RANKED_MATCHES if stop is None else min(stop, RANKED_MATCHES)
        ranked = self._newest_ids()[:RANKED_MATCHES]
        if start >= stop or not ranked:
            return []
        published, params = self._published()
        # One query for the page's ids and snippets: the inner query ranks the newest matches
        # (a range on rowid that FTS5 applies before bm25), the outer one looks up this page's
        # rows by rowid to cut their snippets (as `rowid IN (...) ORDER BY rank` it walked every
        # match again: 16 → 12 ms for a word in every essay). ``rank`` is bm25 with the weights
        # set on the table (blog.search_index.BM25_WEIGHTS); equal ranks put the later-written
        # post first. Never join blog_post here: reading its rows (the bodies) for every match
        # would cost more than the search.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT f.rowid, snippet(blog_search_fts, 4, char(2), char(3), ' … ', %s) FROM ("
                "  SELECT g.rowid AS id, g.rank AS rank FROM blog_search_fts AS g"
                f"  WHERE g.blog_search_fts MATCH %s AND +g.rowid IN ({published})"
                "  AND g.rowid >= %s ORDER BY g.rank, g.rowid DESC LIMIT %s OFFSET %s"
                ") AS page CROSS JOIN blog_search_fts AS f ON f.rowid = page.id"
                " WHERE f.blog_search_fts MATCH %s ORDER BY page.rank, page.id DESC",
                [SNIPPET_TOKENS, self.match, *params, ranked[-1], stop - start, start, self.match],
            )
            snippets = dict(cursor.fetchall())
        by_pk = self.posts.in_bulk(snippets)
        found = [by_pk[pk] for pk in snippets if pk in by_pk]
        for post in found:
            post.search_snippet = snippets[post.pk]  # read by add_snippets
        return found


# --- Snippets -------------------------------------------------------------------------------


def add_snippets(posts, text: str) -> None:
    """Give each post a `snippet`: escaped text around the matches, matches in <mark>."""
    posts = list(posts)
    clauses = parse_query(text)
    if not posts or not clauses:
        return
    if connection.vendor == "postgresql":
        snippets = {
            pk: html.unescape(text) for pk, text in _postgres_headlines(posts, clauses).items()
        }
    else:
        snippets = {post.pk: getattr(post, "search_snippet", "") for post in posts}
    terms = terms_of(text)
    for post in posts:
        snippet = snippets.get(post.pk) or ""
        if _START in snippet:
            post.snippet = _marked(snippet)
        else:  # the match is in the title, excerpt, tags or a video title: show the summary
            summary = post.summary
            if len(summary) > SNIPPET_CHARS:
                summary = summary[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
            post.snippet = highlight(summary, terms)


def _marked(snippet: str) -> SafeString:
    """Turn a database's snippet of plain text into HTML: escape everything, then add <mark>s."""
    return mark_safe(escape(snippet).replace(_START, "<mark>").replace(_STOP, "</mark>"))


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
