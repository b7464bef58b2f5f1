"""Tag names as authors type them: the field's text, and which names are near-duplicates.

The tag field is a comma-separated list kept in the author's order and spelling:
``Mark Romanek, music videos, Nine Inch Nails, 1990s`` saves and re-displays exactly so (taggit's
own parser sorts the names and splits a comma-less entry at its spaces; its writer quotes every
name with a space). A name holding a comma is written in double quotes (``"a, b"``).

Two names are near-duplicates when they share a *match key*: the name case-folded, without
accents, spaces, hyphens or punctuation, each word without a plural ``s``/``es`` (``Music
Videos``, ``music-video`` and ``musicvideo`` all key to ``musicvideo``; ``Björk`` and ``bjork``
to ``bjork``). The key is stored on every tag (``Tag.match_key``), so suggestions and the
near-duplicate question are one indexed lookup.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

KEY_MAX_CHARS = 100
_WORD = re.compile(r"\w+")


def parse_tag_string(text: str) -> list[str]:
    """Return the tag names in text, in the author's order and spelling, each name once.

    Commas separate names; double quotes group a name that holds a comma. Names differing
    only in case count once (the first spelling wins), as the tag table's lookups do.
    """
    if not text:
        return []
    names, buffer, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            names.append("".join(buffer))
            buffer = []
        else:
            buffer.append(char)
    names.append("".join(buffer))
    seen, result = set(), []
    for name in (" ".join(part.split()) for part in names):
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            result.append(name)
    return result


def tag_string(tags) -> str:
    """Return the field's text for tags (Tag rows or names) in their order, quoting only commas."""
    names = [getattr(tag, "name", tag) for tag in tags]
    return ", ".join(f'"{name}"' if "," in name else name for name in names)


def _singular(word: str) -> str:
    # "videos" → "video", "boxes" → "box", "movies" → "movi" (as "movie" → "movi"), "glass"
    # stays "glass"; a final "e" is dropped too, so a word and its "-es" plural meet.
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def tag_match_key(name: str) -> str:
    """Return the key near-duplicate names share (case, accents, plurals, spaces, hyphens)."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    key = "".join(_singular(word) for word in _WORD.findall(plain.replace("_", " ")))
    # Names of symbols only ("!!!", "🎬") have no letters to compare: they key to themselves.
    return (key or name.casefold())[:KEY_MAX_CHARS]


@dataclass(frozen=True)
class NearDuplicate:
    """A name the author typed that no tag has, and the existing tags it looks like."""

    typed: str
    existing: tuple  # of Tag rows

    @property
    def choice_name(self) -> str:
        """Return the name of the form's radio group that answers for this name."""
        key = tag_match_key(self.typed)
        plain = re.sub(r"\W", "", key, flags=re.ASCII)[:40]
        if plain != key:  # letters beyond ASCII ("映画"): a digest keeps groups apart
            plain += "_" + hashlib.sha256(key.encode()).hexdigest()[:8]
        return "tag_choice_" + plain


def near_duplicates(names: list[str], tags) -> tuple[list[str], list[NearDuplicate]]:
    """Return names with case variants of existing tags (of ``tags``) spelled as those tags,
    and for each name no tag carries, the existing tags it looks like.

    One query whatever the number of names. A name that matches a tag but for its case is that
    tag (the tag lookups ignore case), so it is no question.
    """
    keys = {tag_match_key(name) for name in names}
    if not keys:
        return list(names), []
    found = list(tags.filter(match_key__in=keys).order_by("name"))
    by_folded = {tag.name.casefold(): tag for tag in found}
    spelled, questions = [], []
    for name in names:
        same = by_folded.get(name.casefold())
        if same is not None:
            spelled.append(same.name)
            continue
        spelled.append(name)
        alike = tuple(tag for tag in found if tag.match_key == tag_match_key(name))
        if alike:
            questions.append(NearDuplicate(typed=name, existing=alike))
    return spelled, questions
