"""Turn what an author wrote into safe HTML: the only module that imports bleach.

The pipeline (see shared/DESIGN.md):
1. Markdown -> HTML with markdown-it-py (raw HTML allowed), or imported HTML as it is;
2. a supported video URL alone in a paragraph becomes a marker paragraph carrying a random
   per-render nonce, so nothing an author types can pass for one;
3. the whole HTML passes one bleach allowlist, with our own URL-scheme check (bleach's parser
   reads ``javascript:123`` as host:port and would keep it);
4. markers become ``<closer-video>`` placeholders, which the page later expands into a player
   facade (``videos.embed``): placeholders are never produced from author text.

Library images work the same way (and stills, ``[still:7]``, and side-by-side videos,
``[compare: URL | URL]``): a paragraph holding only ``[image:42]`` becomes a
``<closer-image data-id="42">`` placeholder, expanded at display time (``blog.images``) into a
``<figure>`` with a ``<picture>``/``srcset``, so the stored body never goes stale when an image's
alt text, caption or renditions change.
"""

import html
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from functools import partial

import bleach
import bleach.linkifier
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify as heading_slug
from mdit_py_plugins.footnote import footnote_plugin

from videos.compare import BadComparison, parse_compare
from videos.embed import compare_placeholder_html, placeholder_html
from videos.providers import UnsupportedVideoURL, parse_video_url

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q",
        "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Classes our own Markdown plugins emit; author-chosen classes could restyle the page chrome.
SAFE_CLASSES = re.compile(
    r"^(footnotes|footnotes-sep|footnotes-list|footnote-item|footnote-ref|footnote-backref"
    r"|language-[a-z0-9_+-]{1,30})$"
)
# Ids the site's own pages (and the admin around the live preview) use: an author's element
# with one of them would hijack the skip link or a label.
PAGE_IDS = frozenset(
    {
        "content", "content-main", "main", "container", "header", "footer", "branding",
        "nav-sidebar", "user-tools", "site-name", "attached-videos-title", "narrowing-title",
        "related-title", "search-q", "site-search-q", "notfound-q", "series-nav-title",
        "video-moments-title", "shot-list-title", "comments", "comments-title", "comment-form",
        "comment-form-title", "closer-share-url", "closer-retry-videos", "toc", "toc-title",
    }
)  # fmt: skip
# Ids the pages number themselves: a moment quoted (videos.embed), a comment, an archive year,
# a subscribe field.
PAGE_ID_PATTERN = re.compile(r"^((moment|comment|year)-\d+|subscribe-.*)$", re.IGNORECASE)
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_:.-]{0,80}$", re.IGNORECASE)
TAG_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start", "reversed"},
    "li": {"id", "class"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "code": {"class"},
    "section": {"class"},
    "hr": {"class"},
    "sup": {"id", "class"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
}  # fmt: skip
NUMERIC_ATTRIBUTES = frozenset({"width", "height", "start", "colspan", "rowspan"})
# Characters browsers ignore inside a URL scheme: controls, zero-width and other format chars.
_IGNORED_IN_SCHEME = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]"
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def is_safe_url(value: str) -> bool:
    """Return whether a link or image URL uses http(s), mailto, or is relative."""
    normalised = html.unescape(value)
    normalised = unicodedata.normalize("NFKC", normalised)
    normalised = _IGNORED_IN_SCHEME.sub("", normalised).lower()
    if normalised.startswith("\\") or normalised.startswith("/\\"):
        return False
    match = _SCHEME.match(normalised)
    if match:
        return match.group(1) in SAFE_SCHEMES
    # No scheme before the first ':'? A colon could still hide a scheme after stripping.
    return ":" not in normalised.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]


def _is_page_id(value: str) -> bool:
    value = value.lower()
    return value in PAGE_IDS or value.startswith("id_") or bool(PAGE_ID_PATTERN.match(value))


def _heading_id(title: str) -> str:
    """Return a heading's anchor id, kept clear of the ids the page itself uses."""
    slug = heading_slug(title)
    return f"{slug}-section" if _is_page_id(slug) else slug


def is_own_site_path(value: str) -> bool:
    """Return whether a URL is a path on this site ("/media/a.jpg"), not another host's."""
    value = html.unescape(value).strip()
    return value.startswith("/") and not value.startswith(("//", "/\\"))


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in TAG_ATTRIBUTES.get(tag, ()):
        return False
    if tag == "img" and name == "src":
        # Images come from our own site (the image library): a remote one would be a request
        # to a third party in every feed reader, and the CSP blocks it on our pages anyway.
        return is_safe_url(value) and is_own_site_path(value)
    if name in URL_ATTRIBUTES:
        return is_safe_url(value)
    if name == "class":
        return all(SAFE_CLASSES.match(c) for c in value.split())
    if name == "id":
        return bool(SAFE_ID.match(value)) and not _is_page_id(value)
    if name in NUMERIC_ATTRIBUTES:
        return value.isdigit() and len(value) <= 5
    if name == "scope":
        return value in {"col", "row", "colgroup", "rowgroup"}
    return True


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allow_attribute,
    protocols=SAFE_SCHEMES,
    strip=True,
    strip_comments=True,
)


def sanitize_html(fragment: str) -> str:
    """Return author HTML with everything outside the allowlist removed."""
    return _cleaner.clean(fragment)


# --- Limits: what the sanitizer is asked to parse --------------------------------------------
# html5lib's cost grows with the number of elements and, per element, with the nesting depth
# (issue 11: 100 KB of nested <div>s took 13 s). These bounds keep a render well under a second;
# a 50,000-word essay with ordinary markup is far inside them.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
# Their end tag may be left out, and a second one closes the first: siblings, not nesting.
_OPTIONAL_END = frozenset(
    {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
     "rt", "rp", "colgroup", "caption"}
)  # fmt: skip


class BodyTooComplex(ValueError):
    """A body past the size, nesting or element limits the renderer accepts."""


def check_size(text: str) -> None:
    """Refuse a body longer than CLOSER_MAX_BODY_BYTES (UTF-8)."""
    limit = settings.CLOSER_MAX_BODY_BYTES
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise BodyTooComplex(
            f"The body is {filesizeformat(size)}; a post holds at most {limit} bytes "
            f"({filesizeformat(limit)}). Split it into several posts."
        )


def check_structure(fragment: str) -> None:
    """Refuse HTML nested deeper than CLOSER_MAX_BODY_DEPTH or with too many elements.

    One linear pass over the tags, stopping at the first limit crossed, so a hostile body is
    refused in milliseconds.
    """
    max_depth = settings.CLOSER_MAX_BODY_DEPTH
    max_elements = settings.CLOSER_MAX_BODY_ELEMENTS
    open_tags: list[str] = []
    elements = 0
    for match in _TAG.finditer(fragment):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if name in open_tags:
                # Like the parser: an end tag closes everything opened inside it.
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
            continue
        elements += 1
        if elements > max_elements:
            raise BodyTooComplex(
                f"The body has more than {max_elements:,} HTML elements. Split it into "
                "several posts."
            )
        if name in _VOID or name in _OPTIONAL_END or self_closing:
            continue
        open_tags.append(name)
        if len(open_tags) > max_depth:
            raise BodyTooComplex(
                f"The body nests HTML elements more than {max_depth} deep (at “<{name}>”). "
                "Look for tags that are opened but never closed, such as <div>."
            )


@dataclass
class Rendered:
    html: str
    video_urls: list[str] = field(default_factory=list)
    image_ids: list[int] = field(default_factory=list)
    still_ids: list[int] = field(default_factory=list)


IMAGE_SHORTCODE = re.compile(r"^\[image:(\d{1,12})\]$")
STILL_SHORTCODE = re.compile(r"^\[still:(\d{1,12})\]$")


class _VideoMarkers:
    """Swap video URLs and image shortcodes for marker paragraphs only this render can produce."""

    def __init__(self):
        self.nonce = secrets.token_hex(12)
        self.found: list[tuple[str, object]] = []  # (url, VideoRef)
        self.image_ids: list[int] = []
        self.still_ids: list[int] = []
        self.comparisons: list = []  # videos.compare.Comparison

    @property
    def video_urls(self) -> list[str]:
        compared = [url for c in self.comparisons for url in (c.first_url, c.second_url)]
        return [url for url, _ in self.found] + compared

    def still_marker_for(self, text: str) -> str | None:
        match = STILL_SHORTCODE.match(text.strip())
        if not match:
            return None
        self.still_ids.append(int(match.group(1)))
        return f"<p>closer-still-{self.nonce}-{match.group(1)}</p>\n"

    def compare_marker_for(self, text: str) -> str | None:
        try:
            comparison = parse_compare(text)
        except BadComparison:
            return None  # kept as written; the preview and the save say why
        if comparison is None:
            return None
        self.comparisons.append(comparison)
        return f"<p>closer-compare-{self.nonce}-{len(self.comparisons) - 1}</p>\n"

    def image_marker_for(self, text: str) -> str | None:
        match = IMAGE_SHORTCODE.match(text.strip())
        if not match:
            return None
        self.image_ids.append(int(match.group(1)))
        return f"<p>closer-image-{self.nonce}-{match.group(1)}</p>\n"

    def marker_for(self, url: str) -> str | None:
        try:
            ref = parse_video_url(url)
        except UnsupportedVideoURL:
            return None
        self.found.append((url, ref))
        return f"<p>closer-video-{self.nonce}-{len(self.found) - 1}</p>\n"

    def expand(self, sanitized: str) -> str:
        pattern = re.compile(rf"<p>closer-video-{self.nonce}-(\d+)</p>")

        def replace(match):
            url, ref = self.found[int(match.group(1))]
            return placeholder_html(ref, url)

        sanitized = pattern.sub(replace, sanitized)
        sanitized = re.sub(
            rf"<p>closer-compare-{self.nonce}-(\d+)</p>",
            lambda match: compare_placeholder_html(self.comparisons[int(match.group(1))]),
            sanitized,
        )
        sanitized = re.sub(
            rf"<p>closer-still-{self.nonce}-(\d+)</p>",
            r'<closer-still data-id="\1"></closer-still>',
            sanitized,
        )
        return re.sub(
            rf"<p>closer-image-{self.nonce}-(\d+)</p>",
            r'<closer-image data-id="\1"></closer-image>',
            sanitized,
        )


def _video_paragraph_rule(markers: _VideoMarkers):
    def rule(state):
        tokens = state.tokens
        for i in range(len(tokens) - 2):
            opening, inline, closing = tokens[i : i + 3]
            if (
                opening.type != "paragraph_open"
                or closing.type != "paragraph_close"
                or opening.hidden
                or opening.level != 0
            ):
                continue
            candidate = inline.content.strip()
            marker = (
                markers.image_marker_for(candidate)
                or markers.still_marker_for(candidate)
                or markers.compare_marker_for(candidate)
            )
            if marker is not None:
                _replace_paragraph(opening, inline, closing, marker)
                continue
            if candidate.startswith("<") and candidate.endswith(">"):
                candidate = candidate[1:-1]  # CommonMark autolink <https://...>
            if not candidate.startswith(("http://", "https://")) or any(
                c.isspace() for c in candidate
            ):
                continue
            marker = markers.marker_for(candidate)
            if marker is None:
                continue
            _replace_paragraph(opening, inline, closing, marker)

    return rule


def _replace_paragraph(opening, inline, closing, marker: str) -> None:
    """Turn a paragraph's three tokens into one raw marker paragraph."""
    opening.type, opening.tag, opening.nesting = "html_block", "", 0
    opening.content = marker
    for token in (inline, closing):
        token.type, token.tag, token.nesting = "html_block", "", 0
        token.content, token.children = "", None


def _markdown(markers: _VideoMarkers) -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": True, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(anchors_plugin, min_level=2, max_level=4, slug_func=_heading_id)
    )
    md.core.ruler.push("closer_video_paragraphs", _video_paragraph_rule(markers))
    return md


_BLOCK_START = re.compile(
    r"^\s*<(p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|section|hr|dl|details)\b", re.I
)
_HTML_VIDEO_PARAGRAPH = re.compile(r"<p>\s*(https?://[^\s<>\"']+)\s*</p>", re.I)
_HTML_IMAGE_PARAGRAPH = re.compile(r"<p>\s*(\[image:\d{1,12}\])\s*</p>", re.I)
_HTML_STILL_PARAGRAPH = re.compile(r"<p>\s*(\[still:\d{1,12}\])\s*</p>", re.I)
_HTML_COMPARE_PARAGRAPH = re.compile(r"<p>\s*(\[compare:[^<\]]*\])\s*</p>", re.I)


def _autop(text: str) -> str:
    """Wrap blank-line-separated text in paragraphs, as WordPress does at display time."""
    if re.search(r"<p[\s>]", text, re.I):
        return text
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if c.strip()]
    return "\n".join(
        c if _BLOCK_START.match(c) else "<p>" + c.replace("\n", "<br>\n") + "</p>" for c in chunks
    )


def check_body(text: str, body_format: str = "markdown") -> str:
    """Refuse a body the renderer would not accept; return the HTML bleach would be given."""
    markers = _VideoMarkers()
    return _checked_raw_html(text or "", body_format, markers)


def _checked_raw_html(text: str, body_format: str, markers) -> str:
    check_size(text)
    if body_format == "html":
        raw = _HTML_VIDEO_PARAGRAPH.sub(
            lambda m: markers.marker_for(html.unescape(m.group(1))) or m.group(0), _autop(text)
        )
        raw = _HTML_IMAGE_PARAGRAPH.sub(
            lambda m: markers.image_marker_for(m.group(1)) or m.group(0), raw
        )
        raw = _HTML_STILL_PARAGRAPH.sub(
            lambda m: markers.still_marker_for(m.group(1)) or m.group(0), raw
        )
        raw = _HTML_COMPARE_PARAGRAPH.sub(
            lambda m: markers.compare_marker_for(html.unescape(m.group(1))) or m.group(0), raw
        )
    else:
        raw = _markdown(markers).render(text)
    check_structure(raw)
    return raw


def render(text: str, body_format: str = "markdown") -> Rendered:
    """Render a post body to sanitized HTML and list the video URLs it embeds.

    Raises BodyTooComplex for a body past the limits (forms check first, with a message).
    """
    markers = _VideoMarkers()
    raw = _checked_raw_html(text or "", body_format, markers)
    safe = _anchor_headings(sanitize_html(raw))
    safe = markers.expand(safe)
    return Rendered(
        html=safe,
        video_urls=markers.video_urls,
        image_ids=markers.image_ids,
        still_ids=markers.still_ids,
    )


# --- Headings: anchors for the table of contents -----------------------------------------------
# Run over bleach's output, whose heading tags carry at most an id (the allowlist), written
# as id="..."; so a regex reads them reliably here, and only here.
_HEADING = re.compile(r'<h([2-4])(?: id="([^"]*)")?>(.*?)</h\1>', re.DOTALL)
_ANY_ID = re.compile(r'\sid="([^"]*)"')
_ANY_TAG = re.compile(r"<[^>]*>")
TOC_LEVELS = (2, 3)
TOC_MIN_HEADINGS = 3


def _anchor_headings(safe: str) -> str:
    """Give every h2-h4 a unique id that no page element or other body element uses.

    Markdown headings arrive with one (the anchors plugin); imported HTML headings, headings
    whose slug the sanitizer refused (non-ASCII) and an author's duplicate ids do not.
    """
    headings = list(_HEADING.finditer(safe))
    if not headings:
        return safe
    heading_spans = {m.start() for m in headings}
    taken = {
        m.group(1).lower()
        for m in _ANY_ID.finditer(safe)
        if not any(start <= m.start() < start + 4 for start in heading_spans)
    }

    def replace(match):
        level, wanted, inner = match.group(1, 2, 3)
        # A non-ASCII title ("Über") folds to ASCII ("uber"): SAFE_ID refuses the rest.
        base = (
            wanted
            or unicodedata.normalize("NFKD", heading_slug(html.unescape(_ANY_TAG.sub("", inner))))
            .encode("ascii", "ignore")
            .decode()
        )
        if not SAFE_ID.match(base or "") or _is_page_id(base):
            base = "section" if not SAFE_ID.match(base or "") else f"{base}-section"
        anchor, n = base, 1
        while anchor.lower() in taken or _is_page_id(anchor):
            n += 1
            anchor = f"{base}-{n}"
        taken.add(anchor.lower())
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return _HEADING.sub(replace, safe)


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


def headings_in(body_html: str) -> list[Heading]:
    """Return the stored body's h2/h3 headings with their anchors, as plain text."""
    found = []
    for match in _HEADING.finditer(body_html):
        level, anchor, inner = int(match.group(1)), match.group(2), match.group(3)
        text = " ".join(html.unescape(_ANY_TAG.sub("", inner)).split())
        if level in TOC_LEVELS and anchor and text:
            found.append(Heading(level, anchor, text))
    return found


def render_body(text: str, body_format: str = "markdown") -> str:
    """Return the sanitized HTML for a post body."""
    return render(text, body_format).html


# --- Readers' comments -------------------------------------------------------------------------
# A smaller language than essays: paragraphs, emphasis, links, quotes and code; no raw HTML,
# headings, images or tables. Links (written or bare) get rel="nofollow ugc".
COMMENT_TAGS = frozenset({"p", "br", "em", "strong", "a", "blockquote", "code", "pre"})
COMMENT_MAX_DEPTH = 8  # quotes in quotes: enough for a conversation, far from a parser's limit


def _allow_comment_attribute(tag: str, name: str, value: str) -> bool:
    return tag == "a" and name == "href" and is_safe_url(value)


def _comment_link_rel(attrs, new=False):
    if not is_safe_url(attrs.get((None, "href"), "")):
        return None  # text that only looked like a link stays text
    attrs[(None, "rel")] = "nofollow ugc"
    attrs.pop((None, "target"), None)
    return attrs


_comment_markdown = (
    MarkdownIt("zero", {"html": False, "typographer": False, "maxNesting": COMMENT_MAX_DEPTH})
    .enable(["paragraph", "newline", "emphasis", "link", "autolink", "blockquote"])
    .enable(["backticks", "code", "fence", "escape", "entity"])
)
_comment_cleaner = bleach.Cleaner(
    tags=COMMENT_TAGS,
    attributes=_allow_comment_attribute,
    protocols={"http", "https"},
    strip=True,
    strip_comments=True,
    filters=[
        partial(
            bleach.linkifier.LinkifyFilter,
            callbacks=[_comment_link_rel],
            skip_tags=["pre", "code"],
            parse_email=False,
        )
    ],
)


def render_comment(text: str) -> str:
    """Return a reader's comment as sanitized HTML (the comment subset, nofollow ugc links)."""
    text = _IGNORED_IN_COMMENT.sub("", text or "")
    return _comment_cleaner.clean(_comment_markdown.render(text))


# --- Short author text: a series' description ---------------------------------------------
# Paragraphs, emphasis, links, lists and quotes: no headings (the page has its own), images,
# raw HTML or videos. Links are the author's own, so they carry no nofollow.
DESCRIPTION_TAGS = frozenset(
    {"p", "br", "em", "strong", "a", "blockquote", "code", "ul", "ol", "li"}
)
DESCRIPTION_MAX_BYTES = 20_000

_description_markdown = (
    MarkdownIt("zero", {"html": False, "typographer": False, "maxNesting": COMMENT_MAX_DEPTH})
    .enable(["paragraph", "newline", "emphasis", "link", "autolink", "blockquote", "list"])
    .enable(["backticks", "escape", "entity"])
)
_description_cleaner = bleach.Cleaner(
    tags=DESCRIPTION_TAGS,
    attributes=_allow_comment_attribute,
    protocols=SAFE_SCHEMES,
    strip=True,
    strip_comments=True,
)


def render_description(text: str) -> str:
    """Return a short piece of author Markdown (a series' description) as sanitized HTML."""
    text = _IGNORED_IN_COMMENT.sub("", text or "")[:DESCRIPTION_MAX_BYTES]
    return _description_cleaner.clean(_description_markdown.render(text))


# NUL and other C0 controls except tab and newlines: nothing a reader means to type.
_IGNORED_IN_COMMENT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
