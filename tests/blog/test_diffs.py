"""The revisions diff does bounded work for any essay (issue 11, item 7: it was quadratic)."""

import difflib
import random

import pytest

from blog import diffs, services
from blog.models import Revision

WORDS = 20_000


def essay(words: int, *, seed: int = 7, sentences: bool = True) -> list[str]:
    rng = random.Random(seed)
    vocabulary = [f"word{n}" for n in range(2_000)] + ["the", "a", "of", "and"] * 100
    text = [rng.choice(vocabulary) for _ in range(words)]
    if sentences:
        for i in range(14, words, 15):
            text[i] += "."
    return text


def edited(text: list[str]) -> str:
    """Change every third word: the audit's worst case."""
    return " ".join(word + "X" if n % 3 == 0 else word for n, word in enumerate(text))


@pytest.fixture
def matchers(monkeypatch):
    """Record the length of both sequences of every SequenceMatcher the diff builds."""
    seen = []

    class CountingMatcher(difflib.SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            seen.append((len(a), len(b)))
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(diffs.difflib, "SequenceMatcher", CountingMatcher)
    return seen


@pytest.mark.parametrize("sentences", [True, False], ids=["prose", "no-punctuation"])
def test_a_one_line_20000_word_body_diffs_in_bounded_units(matchers, sentences):
    text = essay(WORDS, sentences=sentences)
    old, new = " ".join(text), edited(text)
    budget = diffs.DiffBudget()
    lines = diffs.text_diff(old, new, budget=budget)
    unit_level, *word_level = matchers
    # One line is not one unit: it is cut into sentences (or pieces) of bounded length.
    assert 200 < unit_level[0] <= diffs.MAX_UNITS
    assert all(max(pair) <= diffs.WORD_DIFF_MAX_TOKENS for pair in word_level)
    assert sum(a * b for a, b in word_level) <= diffs.PAGE_WORD_BUDGET
    # It still shows what changed, word by word where the budget allowed.
    added = [line for line in lines if line.kind == "added"]
    assert any(changed and "X" in text for line in added for changed, text in line.parts)
    assert any(not changed for line in added for changed, _ in line.parts)  # words, not units
    assert 0 < len(lines) <= diffs.MAX_FIELD_ROWS


def test_many_short_lines_are_compared_in_blocks(matchers):
    old = "\n".join(f"line{n}" for n in range(100_000))
    new = old.replace("line500\n", "line five hundred\n")
    lines = diffs.text_diff(old, new)
    assert max(matchers[0]) <= diffs.MAX_UNITS
    assert any("five hundred" in text for line in lines for _, text in line.parts)


def test_small_edits_keep_word_marks():
    old = "The room moves. " * 50 + "The floor stays."
    new = "The room moves. " * 50 + "The ceiling stays."
    changed = [p for line in diffs.text_diff(old, new) for p in line.parts if p[0]]
    assert (True, "floor") in changed and (True, "ceiling") in changed


def test_a_page_of_revisions_shares_one_budget(matchers):
    texts = [essay(WORDS, seed=n) for n in range(12)]
    revisions = [Revision(title="T", excerpt="", body=edited(t)) for t in texts]
    budget = diffs.DiffBudget()
    results = [
        diffs.revision_diff(a, b, budget=budget)
        for a, b in zip(revisions, revisions[1:], strict=False)
    ]
    shown_rows = sum(len(d.lines) for r in results for d in r)
    assert shown_rows <= diffs.PAGE_ROW_BUDGET
    # Word-level matchers are small; the rest compare units, within the page's unit budget.
    unit_level = [a + b for a, b in matchers if max(a, b) > diffs.WORD_DIFF_MAX_TOKENS]
    word_level = [a * b for a, b in matchers if max(a, b) <= diffs.WORD_DIFF_MAX_TOKENS]
    assert sum(word_level) <= diffs.PAGE_WORD_BUDGET
    assert sum(unit_level) <= diffs.PAGE_UNIT_BUDGET + 2 * diffs.MAX_UNITS
    # Once the budget is spent the remaining bodies say so instead of being compared.
    assert any(d.too_long for r in results for d in r)


@pytest.mark.django_db
def test_revisions_page_of_a_long_essay_is_short_and_escaped(client, make_user, make_post):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    text = essay(WORDS)
    post = make_post(body=" ".join(text))
    for n in range(3):
        post.body = f"<script>alert({n})</script> " + edited(text)
        text = post.body.split()
        services.post_save(post=post)
    response = client.get(f"/admin/blog/post/{post.pk}/revisions/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(" not in page and "&lt;script&gt;alert(" in page
    assert page.count('<tr class="diff-') <= diffs.PAGE_ROW_BUDGET
    assert "more changed passages" in page
