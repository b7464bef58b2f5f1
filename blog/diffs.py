"""What changed between two texts, for the revisions page: rows of units with changed words marked.

The work is bounded whatever the text (issue 11: a 2,000-word one-line body took 98 s). Texts
are compared in units of a line, or a sentence of a long line, so a one-line essay is not one
giant unit; difflib runs with its autojunk heuristic over units; changed words are marked only
inside units of at most WORD_DIFF_MAX_TOKENS tokens, within a word budget shared by the page.
Past the budgets a unit shows whole (a paragraph diff), or a field says it is too long to compare.
"""

import difflib
import re
from dataclasses import dataclass, field

MAX_UNIT_CHARS = 500  # a longer line is split into sentences (then at spaces)
MAX_UNITS = 6_000  # per text: about 60,000 words of ordinary prose
WORD_DIFF_MAX_TOKENS = 400  # words and spaces in a unit whose changed words we mark
MAX_FIELD_ROWS = 200  # rows one field's diff shows; the rest are counted
PAGE_UNIT_BUDGET = 20_000  # units compared on one revisions page
PAGE_WORD_BUDGET = 120_000  # token pairs compared word by word on one revisions page
PAGE_ROW_BUDGET = 600  # rows one revisions page shows

_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+")
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed", "gap"
    # (changed, text) pieces; changed pieces are the words that differ within the line.
    parts: list[tuple[bool, str]] = field(default_factory=list)


@dataclass
class FieldDiff:
    label: str
    lines: list[DiffLine]
    too_long: bool = False  # the page's budget ran out before this field was compared
    more: int = 0  # changed rows left out to keep the page short

    @property
    def changed(self) -> bool:
        return (
            self.too_long
            or self.more > 0
            or any(line.kind in ("added", "removed") for line in self.lines)
        )


@dataclass
class DiffBudget:
    """How much comparing one page may still do; every diff on the page draws from it."""

    units: int = PAGE_UNIT_BUDGET
    word_pairs: int = PAGE_WORD_BUDGET
    rows: int = PAGE_ROW_BUDGET

    @property
    def spent(self) -> bool:
        return self.units <= 0 or self.rows <= 0


def units_of(text: str) -> list[str]:
    """Return text cut into comparable units: lines, long lines cut into sentences."""
    units = []
    for line in text.splitlines():
        if len(line) <= MAX_UNIT_CHARS:
            units.append(line)
            continue
        for sentence in _SENTENCE_END.split(line):
            while len(sentence) > MAX_UNIT_CHARS:
                cut = sentence.rfind(" ", 0, MAX_UNIT_CHARS) + 1 or MAX_UNIT_CHARS
                units.append(sentence[:cut].rstrip())
                sentence = sentence[cut:]
            if sentence:
                units.append(sentence)
    if len(units) > MAX_UNITS:
        # Pathological input (say 100,000 one-word lines): compare blocks of lines instead.
        size = -(-len(units) // MAX_UNITS)
        units = ["\n".join(units[i : i + size]) for i in range(0, len(units), size)]
    return units


def _word_parts(old: str, new: str, budget: DiffBudget) -> tuple[list, list]:
    """Return both units split into (changed, text) pieces, marking the words that differ."""
    if budget.word_pairs <= 0:
        return [(True, old)], [(True, new)]
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    cost = len(a) * len(b)
    if max(len(a), len(b)) > WORD_DIFF_MAX_TOKENS or cost > budget.word_pairs:
        return [(True, old)], [(True, new)]
    budget.word_pairs -= cost
    old_parts, new_parts = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            old_parts.append((False, "".join(a[i1:i2])))
            new_parts.append((False, "".join(b[j1:j2])))
        else:
            if i2 > i1:
                old_parts.append((True, "".join(a[i1:i2])))
            if j2 > j1:
                new_parts.append((True, "".join(b[j1:j2])))
    return old_parts, new_parts


def text_diff(
    old: str, new: str, *, context: int = 1, budget: DiffBudget | None = None
) -> list[DiffLine]:
    """Return a unit diff with changed words marked; the template escapes every piece."""
    return field_diff("", old, new, context=context, budget=budget).lines


def field_diff(
    label: str, old: str, new: str, *, context: int = 1, budget: DiffBudget | None = None
) -> FieldDiff:
    """Return the diff of one field, as many rows as the budget allows."""
    budget = budget or DiffBudget()
    if old == new:
        return FieldDiff(label, [])
    if budget.spent:
        return FieldDiff(label, [], too_long=True)
    a, b = units_of(old), units_of(new)
    budget.units -= len(a) + len(b)
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, a, b)  # autojunk: blank lines cannot anchor
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap"))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                lines += [DiffLine("same", [(False, unit)]) for unit in a[i1:i2]]
                continue
            removed, added = a[i1:i2], b[j1:j2]
            paired = min(len(removed), len(added)) if op == "replace" else 0
            # Each changed unit just above its new version, so a cut-off page still pairs them.
            for n in range(paired):
                old_parts, new_parts = _word_parts(removed[n], added[n], budget)
                lines += [DiffLine("removed", old_parts), DiffLine("added", new_parts)]
            lines += [DiffLine("removed", [(True, unit)]) for unit in removed[paired:]]
            lines += [DiffLine("added", [(True, unit)]) for unit in added[paired:]]
    room = min(MAX_FIELD_ROWS, budget.rows)
    more = sum(line.kind in ("added", "removed") for line in lines[room:])
    lines = lines[:room]
    budget.rows -= len(lines)
    return FieldDiff(label, lines, more=more)


def revision_diff(older, newer, *, budget: DiffBudget | None = None) -> list[FieldDiff]:
    """Return what changed from one revision to the next, field by field."""
    budget = budget or DiffBudget()
    diffs = [
        field_diff(
            label, getattr(older, name) if older else "", getattr(newer, name), budget=budget
        )
        for name, label in (("title", "Title"), ("excerpt", "Excerpt"), ("body", "Body"))
    ]
    return [diff for diff in diffs if diff.changed]
