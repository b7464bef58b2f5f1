"""Side by side: ``[compare: URL_A | URL_B]`` (optionally ``| offset=12``) on a line of its own.

Two videos shown next to each other (stacked on a phone) with one button that starts both:
a music video and the film it quotes. The offset says how much later the second one starts
(``offset=-12``: the first one waits), in seconds or as a time (``offset=1:05``, ``1m5s``).
This module only reads the line; ``videos.embed`` draws it.
"""

import re
from dataclasses import dataclass

from videos.providers import UnsupportedVideoURL, VideoRef, parse_timecode, parse_video_url

LINE = re.compile(r"^\[compare:(.*)\]$", re.IGNORECASE | re.DOTALL)
# Loose on purpose: a line that starts like one is named in the preview when it is not one.
LOOKS_LIKE = re.compile(r"^\[\s*compare\b", re.IGNORECASE)
_OFFSET = re.compile(r"^offset\s*=\s*(-?)\s*(\S+)$", re.IGNORECASE)
MAX_OFFSET = 6 * 3600
SYNTAX = "[compare: URL_A | URL_B] or [compare: URL_A | URL_B | offset=12]"


class BadComparison(ValueError):
    """A compare line that cannot be shown, with the reason in the author's terms."""


@dataclass(frozen=True)
class Comparison:
    first_url: str
    first: VideoRef
    second_url: str
    second: VideoRef
    offset: int = 0


def parse_compare(text: str) -> Comparison | None:
    """Return the comparison a line asks for, None if it is no compare line.

    Raises BadComparison, saying why, for a compare line that cannot be shown.
    """
    match = LINE.match(text.strip())
    if not match:
        if LOOKS_LIKE.match(text.strip()):
            raise BadComparison(f"write it as {SYNTAX}")
        return None
    parts = [part.strip() for part in match.group(1).split("|")]
    if len(parts) not in (2, 3) or not all(parts):
        raise BadComparison(f"it needs two video addresses: {SYNTAX}")
    offset = _offset(parts[2]) if len(parts) == 3 else 0
    refs = []
    for which, url in (("first", parts[0]), ("second", parts[1])):
        try:
            refs.append(parse_video_url(url))
        except UnsupportedVideoURL as error:
            raise BadComparison(
                f"the {which} address is not a video we can play ({error})"
            ) from None
    return Comparison(parts[0], refs[0], parts[1], refs[1], offset)


def _offset(text: str) -> int:
    match = _OFFSET.match(text)
    seconds = parse_timecode(match.group(2)) if match else None
    if seconds is None or seconds > MAX_OFFSET:
        raise BadComparison(
            f"“{text[:40]}” is not an offset: write offset=12 (seconds), offset=-12 or offset=1:05"
        )
    return -seconds if match.group(1) else seconds


def offset_text(offset: int) -> str:
    """Return what the offset means, for readers ("" for none)."""
    if not offset:
        return ""
    amount = abs(offset)
    amount_text = f"{amount} seconds" if amount < 60 else _clock(amount)
    later = "second" if offset > 0 else "first"
    other = "first" if offset > 0 else "second"
    return f"The {later} starts {amount_text} after the {other}."


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
