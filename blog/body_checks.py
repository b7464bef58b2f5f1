"""Checks on a body that help an author without refusing the save: lines that look like video
links but are not one (``watch?v=oops``, ``vimeo.com/notanumber``) would quietly become a plain
paragraph; the preview and the save name them."""

import re

from videos.providers import UnsupportedVideoURL, parse_video_url

_LOOKS_LIKE_VIDEO = re.compile(
    r"^(?:https?://|www\.)?\S*(?:youtube\.com|youtu\.be|vimeo\.com|dailymotion\.com|dai\.ly|"
    r"watch\?v=)\S*$",
    re.IGNORECASE,
)
_SHOWN_CHARS = 80


def body_video_line_warnings(body: str) -> list[str]:
    """Return one warning per line alone on its line that looks like a video link but is not."""
    warnings = []
    lines = (body or "").splitlines()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or not _LOOKS_LIKE_VIDEO.match(text):
            continue
        alone = (number == 1 or not lines[number - 2].strip()) and (
            number == len(lines) or not lines[number].strip()
        )
        if not alone:
            continue
        try:
            parse_video_url(text)
        except UnsupportedVideoURL:
            shown = text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"
            warnings.append(
                f"Line {number} looks like a video link but is not one we can play: “{shown}”. "
                "It shows as plain text; check the address."
            )
    return warnings
