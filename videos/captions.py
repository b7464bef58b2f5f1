"""Caption files (WebVTT) and transcripts: parse, check, and turn them into readable lines.

An uploaded caption file is parsed here and refused, with the line at fault, unless it is real
WebVTT: UTF-8, the ``WEBVTT`` signature, cue timings in order, and cue text with only WebVTT's
own markup (``<b> <i> <u> <c> <v> <lang> <ruby> <rt>`` and timestamps). What we store and
serve is not the upload but the file written back from the parsed cues (as the picture
pipeline re-encodes images): STYLE and REGION blocks, comments and anything else a player
might read are gone.

A transcript is plain text an author pasted, one line per moment (``[0:12] text`` or
``0:12 text``), or the cues of a caption file written in that form. Pages show it as text
whose times seek the player; it is always escaped, never treated as HTML.
"""

import re
from dataclasses import dataclass
from html import unescape

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError

from videos.providers import format_timecode, parse_timecode

MAX_CUES = 20_000
NEWLINE = b"\n"
MAX_TRANSCRIPT_CHARS = 300_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_TIMESTAMP = r"(?:([0-9]{2,}):)?([0-5][0-9]):([0-5][0-9])\.([0-9]{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t]+(.*))?$")
_SETTING_NAMES = {"vertical", "line", "position", "size", "align", "region"}
_SIGNATURE = re.compile(r"^WEBVTT(?:[ \t].*)?$")
# WebVTT's cue markup: a span tag with optional classes (and an annotation for <v> and
# <lang>), its end tag, or an inline timestamp. Nothing else is WebVTT.
_TAG = re.compile(
    rf"<(?:(?P<end>/)?(?P<name>c|i|b|u|ruby|rt|v|lang)(?:\.[A-Za-z0-9_-]+)*"
    rf"(?:[ \t](?P<annotation>[^>\n]*))?|{_TIMESTAMP})>"
)
_ANY_TAG = re.compile(r"<[^>]*>?")
_VOICE = re.compile(r"<v(?:\.[A-Za-z0-9_.-]+)?[ \t]+([^>]+)>")
ALLOWED_MARKUP = "<b>, <i>, <u>, <c>, <v>, <lang>, <ruby>, <rt>"

# A language tag as BCP 47 writes them, the forms people use: "en", "pt-BR", "zh-Hant",
# "sr-Latn-RS", "es-419". Private-use and grandfathered tags are not worth the confusion.
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?$")

# "[0:12] text", "0:12 text", "[1:02:03] — text": a time at the start of a transcript line.
_TRANSCRIPT_LINE = re.compile(
    r"^\s*(?:\[([0-9]{1,2}(?::[0-5][0-9]){1,2})\]|([0-9]{1,2}(?::[0-5][0-9]){1,2})(?=\s))"
    r"\s*(?:[-\u2013\u2014:|]\s*)?(.*)$"
)


@dataclass(frozen=True)
class Cue:
    identifier: str
    start: float
    end: float
    settings: str
    text: str


@dataclass(frozen=True)
class TranscriptLine:
    start_seconds: int | None
    text: str

    @property
    def timecode(self) -> str:
        return format_timecode(self.start_seconds) if self.start_seconds is not None else ""


def language_clean(value: str) -> str:
    """Return a caption language tag in its usual case ("pt-BR"), or raise ValidationError."""
    value = (value or "").strip()
    if not _LANGUAGE.fullmatch(value):
        raise ValidationError(
            "Write the language as a code such as en, fr, pt-BR or zh-Hant (BCP 47).",
            code="language",
        )
    parts = value.split("-")
    parts[0] = parts[0].lower()
    for index, part in enumerate(parts[1:], start=1):
        parts[index] = part.title() if len(part) == 4 else part.upper()
    return "-".join(parts)


def language_name(code: str) -> str:
    """Return the language's own name for a tag ("Français" for "fr-CA"), or the tag."""
    info = LANG_INFO.get(code.lower()) or LANG_INFO.get(code.split("-")[0].lower())
    if info and "fallback" in info:
        info = LANG_INFO.get(info["fallback"][0])
    if not info:
        return code
    # Django's names are lower case where the language writes them so mid-sentence.
    return info["name_local"][:1].upper() + info["name_local"][1:]


def webvtt_parse(data: bytes) -> list[Cue]:
    """Return the cues of a WebVTT file, or raise ValidationError saying what is wrong where."""
    limit = settings.CLOSER_MAX_CAPTION_BYTES
    if len(data) > limit:
        raise ValidationError(
            f"This caption file is {len(data) // 1024:,} KB; the limit is {limit // 1024:,} KB.",
            code="size",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"This caption file is not UTF-8 text (line {data.count(NEWLINE, 0, error.start) + 1} "
            "is not): save it as UTF-8 and upload it again.",
            code="encoding",
        ) from None
    if "\x00" in text:
        raise ValidationError("This caption file contains NUL characters.", code="nul")
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not _SIGNATURE.fullmatch(lines[0]):
        raise ValidationError(
            "This is not a WebVTT file: its first line must be WEBVTT. (SubRip .srt files "
            "need converting first.)",
            code="signature",
        )
    cues = []
    blocks = _blocks(lines)
    next(blocks, None)  # the header block (signature and any header lines)
    for first_line, block in blocks:
        if block[0].startswith(("NOTE", "STYLE", "REGION")) and "-->" not in block[0]:
            continue  # dropped: we write the file back without them
        cue = _cue(first_line, block, previous=cues[-1] if cues else None)
        cues.append(cue)
        if len(cues) > MAX_CUES:
            raise ValidationError(f"A caption file may hold at most {MAX_CUES:,} cues.")
    if not cues:
        raise ValidationError(
            "This caption file has no cues (no line with a timing such as "
            "00:00:01.000 --> 00:00:04.000).",
            code="empty",
        )
    return cues


def _blocks(lines):
    """Yield (number of its first line, lines) for each block between blank lines."""
    block, start = [], 1
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _seconds(groups) -> float:
    hours, minutes, seconds, millis = groups
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _cue(first_line: int, block: list[str], *, previous: Cue | None) -> Cue:
    identifier = ""
    timing_at = 0
    if "-->" not in block[0]:
        identifier, timing_at = block[0].strip(), 1
        if len(block) < 2 or "-->" not in block[1]:
            raise ValidationError(
                f"Line {first_line}: a cue needs a timing line such as "
                "00:00:01.000 --> 00:00:04.000 (hours optional, milliseconds required).",
                code="timing",
            )
    line_number = first_line + timing_at
    match = _TIMING.fullmatch(block[timing_at].strip())
    if not match:
        raise ValidationError(
            f"Line {line_number}: “{block[timing_at].strip()[:80]}” is not a cue timing; write "
            "it as 00:00:01.000 --> 00:00:04.000 (hours optional, milliseconds required).",
            code="timing",
        )
    start, end = _seconds(match.group(1, 2, 3, 4)), _seconds(match.group(5, 6, 7, 8))
    if end <= start:
        raise ValidationError(f"Line {line_number}: the cue ends before it starts.", code="timing")
    if previous is not None and start < previous.start:
        raise ValidationError(
            f"Line {line_number}: cues must be in time order; this one starts before the "
            "cue above it.",
            code="order",
        )
    cue_settings = " ".join((match.group(9) or "").split())
    for setting in cue_settings.split():
        name, colon, value = setting.partition(":")
        if name not in _SETTING_NAMES or not colon or not value:
            raise ValidationError(
                f"Line {line_number}: “{setting[:40]}” is not a WebVTT cue setting.",
                code="setting",
            )
    payload = block[timing_at + 1 :]
    for offset, line in enumerate(payload, start=line_number + 1):
        if "-->" in line:
            raise ValidationError(
                f"Line {offset}: cue text may not contain “-->” (is a blank line missing "
                "before this cue?).",
                code="text",
            )
        _check_markup(line, offset)
    return Cue(identifier, start, end, cue_settings, "\n".join(payload))


def _check_markup(line: str, number: int) -> None:
    position = 0
    while (at := line.find("<", position)) != -1:
        match = _TAG.match(line, at)
        if not match or (match.group("annotation") and match.group("name") not in ("v", "lang")):
            found = _ANY_TAG.match(line, at).group(0)[:40]
            raise ValidationError(
                f"Line {number}: “{found}” is not WebVTT cue markup; cue text may use only "
                f"{ALLOWED_MARKUP} and timestamps (write a literal < as &lt;).",
                code="markup",
            )
        position = match.end()


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def webvtt_write(cues: list[Cue]) -> str:
    """Return a WebVTT file holding exactly these cues (what we store and serve)."""
    parts = ["WEBVTT\n"]
    for cue in cues:
        timing = f"{_timestamp(cue.start)} --> {_timestamp(cue.end)}"
        if cue.settings:
            timing += " " + cue.settings
        lines = ([cue.identifier] if cue.identifier else []) + [timing]
        parts.append("\n".join(lines + ([cue.text] if cue.text else [])) + "\n")
    return "\n".join(parts)


def transcript_from_cues(cues: list[Cue]) -> str:
    """Return the cues as transcript text ("[0:12] text" lines), markup gone, repeats merged."""
    lines, last = [], None
    for cue in cues:
        text = _VOICE.sub(lambda m: m.group(1).strip() + ": ", cue.text)
        text = " ".join(unescape(_ANY_TAG.sub("", text)).split())
        if not text or text == last:
            continue
        last = text
        lines.append(f"[{format_timecode(int(cue.start))}] {text}")
    return "\n".join(lines)


def transcript_clean(text: str) -> str:
    """Return a pasted transcript with normalised line ends, or raise ValidationError."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    # Control characters (NUL, search's highlight markers) never belong in a transcript.
    text = _CONTROL.sub("", text)
    if len(text) > MAX_TRANSCRIPT_CHARS:
        raise ValidationError(
            f"A transcript may be at most {MAX_TRANSCRIPT_CHARS:,} characters "
            f"(this one has {len(text):,}).",
            code="length",
        )
    return text.strip()


def transcript_lines(text: str) -> list[TranscriptLine]:
    """Return a transcript's lines: a time where a line starts with one, else text.

    A line without a time continues the one above it, so a pasted paragraph stays one line.
    """
    lines: list[TranscriptLine] = []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        match = _TRANSCRIPT_LINE.match(raw)
        seconds = parse_timecode(match.group(1) or match.group(2)) if match else None
        if seconds is not None:
            lines.append(TranscriptLine(seconds, " ".join(match.group(3).split())))
        elif lines:
            previous = lines[-1]
            lines[-1] = TranscriptLine(previous.start_seconds, f"{previous.text} {raw.strip()}")
        else:
            lines.append(TranscriptLine(None, " ".join(raw.split())))
    return lines
