"""Checks on a body that help an author without refusing the save: lines that look like video
links but are not one (``watch?v=oops``, ``vimeo.com/notanumber``) would quietly become a plain
paragraph, a ``[compare: …]`` line that cannot be shown stays text, and ``[still:ID]`` of a
still that does not exist shows readers a "missing" note; the preview and the save name them."""

import re

from blog.models import Still
from videos.compare import BadComparison, parse_compare
from videos.providers import UnsupportedVideoURL, parse_video_url

_LOOKS_LIKE_VIDEO = re.compile(
    r"^(?:https?://|www\.)?\S*(?:youtube\.com|youtu\.be|vimeo\.com|dailymotion\.com|dai\.ly|"
    r"watch\?v=)\S*$",
    re.IGNORECASE,
)
_SHOWN_CHARS = 80


_STILL = re.compile(r"^\[still:(\d{1,12})\]$")


def body_warnings(body: str) -> list[str]:
    """Return every warning the preview and the save show about a Markdown body."""
    return body_video_line_warnings(body) + body_shortcode_warnings(body)


def _lines_alone(body: str):
    """Yield (number, text) for each line that stands alone (blank lines around it)."""
    lines = (body or "").splitlines()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if (
            text
            and (number == 1 or not lines[number - 2].strip())
            and (number == len(lines) or not lines[number].strip())
        ):
            yield number, text


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def body_shortcode_warnings(body: str) -> list[str]:
    """Return one warning per side-by-side line that cannot be shown or unknown still."""
    warnings, stills = [], {}
    for number, text in _lines_alone(body):
        if match := _STILL.match(text):
            stills.setdefault(int(match.group(1)), []).append(number)
            continue
        try:
            parse_compare(text)
        except BadComparison as error:
            warnings.append(
                (
                    number,
                    f"Line {number} cannot be shown side by side: {error}. It shows as plain "
                    f"text: “{_shown(text)}”.",
                )
            )
    known = set(Still.objects.filter(pk__in=stills).values_list("pk", flat=True)) if stills else ()
    for pk, numbers in stills.items():
        if pk not in known:
            warnings += [
                (
                    number,
                    f"Line {number} places still {pk}, which does not exist: readers see a "
                    "note that it is missing. Check the number in Blog › Stills.",
                )
                for number in numbers
            ]
    return [warning for _, warning in sorted(warnings)]


def body_video_line_warnings(body: str) -> list[str]:
    """Return one warning per line alone on its line that looks like a video link but is not."""
    warnings = []
    for number, text in _lines_alone(body):
        if not _LOOKS_LIKE_VIDEO.match(text):
            continue
        try:
            parse_video_url(text)
        except UnsupportedVideoURL:
            warnings.append(
                f"Line {number} looks like a video link but is not one we can play: “{_shown(text)}”. "
                "It shows as plain text; check the address."
            )
    return warnings
