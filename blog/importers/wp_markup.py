"""Turn a WordPress post body into HTML Closer renders (``body_format="html"``).

What comes out is still untrusted: ``Post.save`` sends it through ``blog.rendering``'s sanitizer
like any author HTML. This module only translates WordPress's own conventions:

- Gutenberg embed and video blocks, ``[embed]``/``[video]`` shortcodes, player iframes and a
  bare URL on its own line become ``<p>URL</p>``: the renderer turns a supported video URL
  alone in a paragraph into Closer's video placeholder (through ``parse_video_url``);
- other services' embeds become a plain link, listed;
- ``[caption]`` becomes ``<figure>``/``<figcaption>``; ``[gallery]``, ``[audio]`` and unknown
  shortcodes stay as visible text, listed; ``<!--more-->`` marks the excerpt,
  ``<!--nextpage-->`` goes, noted; block comments go, their inner content stays;
- classic bodies get paragraphs from blank lines (``wpautop``), before sanitizing;
- ``<img>`` tags are handed to a resolver that returns our library copy or nothing (then a
  visible placeholder with the alt text replaces the image: never a hotlink to the old host).
  An image standing on its own (its own line or paragraph, or a figure, a ``[caption]``) becomes
  the library's ``[image:ID]`` when the library image shows the same alt text and caption (a
  caption given here is kept as the image's when it has none yet); otherwise, and inside text,
  it stays an ``<img>`` of our copy, listed.
"""

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from videos.providers import UnsupportedVideoURL, parse_video_url

# Services WordPress embeds that Closer does not play: kept as a link, and listed.
OTHER_EMBED_HOSTS = (
    "twitter.com", "x.com", "facebook.com", "fb.watch", "instagram.com", "wordpress.tv",
    "soundcloud.com", "spotify.com", "flickr.com", "tiktok.com", "tumblr.com", "reddit.com",
    "imgur.com", "slideshare.net", "ted.com", "twitch.tv", "mixcloud.com", "issuu.com",
    "scribd.com", "kickstarter.com", "videopress.com", "animoto.com", "cloudup.com",
    "speakerdeck.com", "smugmug.com", "amazon.com", "pinterest.com", "wistia.com",
)  # fmt: skip
MEDIA_FILE = re.compile(r"\.(mov|mp4|m4v|webm|ogv|flv|wmv|avi|mp3|m4a|ogg|oga|wav|flac)$", re.I)


@dataclass
class Converted:
    html: str
    more_excerpt: str = ""  # the text before <!--more-->, plain
    notes: list[str] = field(default_factory=list)
    unconverted: list[str] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)
    media_links: list[str] = field(default_factory=list)
    images_kept: list[str] = field(default_factory=list)  # in the library, left as <img>
    videos: int = 0


@dataclass
class LibraryImage:
    """Our copy of an image, as the body needs it; ``caption`` may be set by a first use."""

    id: int
    url: str
    alt: str
    caption: str
    caption_claimed: bool = False  # set here: the importer stores it


# ImageResolver(url, alt) -> our library copy, or None when it could not be imported.
ImageResolver = Callable[[str, str], LibraryImage | None]


def _is_uploads_url(url: str) -> bool:
    return "/uploads/" in urlsplit(url).path


def _host_is(url: str, hosts) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def _absolute(url: str) -> str:
    url = html.unescape(url.strip())
    return "https:" + url if url.startswith("//") else url


def _link(url: str) -> str:
    escaped = html.escape(url)
    return f'<p><a href="{escaped}">{escaped}</a></p>'


class _Converter:
    def __init__(self, resolve_image: ImageResolver | None):
        self.resolve_image = resolve_image
        self.out = Converted(html="")
        self.listed: set[str] = set()  # images already named in images_kept

    # --- Embeds -----------------------------------------------------------------------------

    def embed(self, url: str, *, where: str) -> str:
        """Return the block an embedded URL becomes: a video paragraph, or a link (listed)."""
        url = _absolute(url)
        if not url.startswith(("http://", "https://")):
            self.out.unconverted.append(f"{where} without a usable URL: {url[:120]!r}")
            return html.escape(url)
        if _is_uploads_url(url) and MEDIA_FILE.search(urlsplit(url).path):
            self.out.media_links.append(url)
            return _link(url)
        try:
            parse_video_url(url)
        except UnsupportedVideoURL:
            self.out.unconverted.append(f"{where} of {urlsplit(url).hostname or url}: {url}")
            return _link(url)
        self.out.videos += 1
        return f"\n\n<p>{html.escape(url)}</p>\n\n"

    def gutenberg_block(self, match) -> str:
        name, attributes, inner = match.group(1), match.group(2) or "", match.group(4) or ""
        try:
            data = json.loads(attributes) if attributes.strip() else {}
        except ValueError:
            data = {}
        url = data.get("url") if isinstance(data, dict) else None
        if not url:
            found = re.search(r'<video[^>]*\ssrc="([^"]+)"', inner) or re.search(
                r"wp-block-embed__wrapper[^>]*>\s*(\S+?)\s*</div>", inner
            )
            url = html.unescape(found.group(1)) if found else ""
        caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", inner, re.S)
        block = self.embed(str(url), where=f"Block wp:{name}")
        if caption and caption.group(1).strip():
            block += f"\n\n<p>{caption.group(1).strip()}</p>\n\n"
        return block

    def iframe(self, match) -> str:
        src = re.search(r"""\ssrc\s*=\s*["']([^"']+)["']""", match.group(0), re.I)
        if not src:
            self.out.unconverted.append("An <iframe> without a source (removed)")
            return ""
        return self.embed(src.group(1), where="An <iframe>")

    def bare_url_line(self, match) -> str:
        url = match.group(1)
        is_media = _is_uploads_url(url) and MEDIA_FILE.search(urlsplit(url).path)
        try:
            parse_video_url(html.unescape(url))
            is_video = True
        except UnsupportedVideoURL:
            is_video = False
        if is_media or is_video or _host_is(html.unescape(url), OTHER_EMBED_HOSTS):
            return self.embed(url, where="An embedded URL")
        return match.group(0)

    # --- Shortcodes -------------------------------------------------------------------------

    def shortcode(self, match) -> str:
        opening_escape, name, attributes, self_closing, inner, closing_escape = match.groups()
        whole = match.group(0)
        if opening_escape and closing_escape:
            return whole[1:-1]  # [[gallery]] is how WordPress writes a literal [gallery]
        lowered = name.lower()
        if lowered == "image" and re.fullmatch(r":\d+", attributes.strip()):
            return "&#91;" + whole[1:]  # Closer's own shortcode, typed in WordPress: stays text
        attrs = _shortcode_attributes(attributes)
        if lowered in ("caption", "wp_caption"):
            return self.caption(attrs, inner or "")
        if lowered == "embed":
            return self.embed((inner or attrs.get("src", "")).strip(), where="[embed]")
        if lowered == "video":
            url = next(
                (
                    attrs[k]
                    for k in ("src", "mp4", "m4v", "webm", "ogv", "flv", "wmv")
                    if k in attrs
                ),
                (inner or "").strip(),
            )
            return self.embed(url, where="[video]")
        looks_like_shortcode = (
            lowered in ("gallery", "audio", "playlist")
            or "=" in attributes
            or inner is not None
            or self_closing
        )
        if looks_like_shortcode:
            self.out.unconverted.append(f"[{name}] shortcode kept as text: {whole[:120]}")
            links = [attrs[k] for k in ("src", "mp3", "m4a", "ogg", "wav") if k in attrs]
            kept = html.escape(whole, quote=False)
            return kept + "".join(" " + _link(_absolute(url))[3:-4] for url in links[:1])
        return whole  # "[simple boat]": text that only looks like a shortcode

    def caption(self, attrs: dict, inner: str) -> str:
        inner = inner.strip()
        image = re.match(r"((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)", inner, re.S | re.I)
        media, text = (image.group(1), image.group(2).strip()) if image else (inner, "")
        text = attrs.get("caption", "") or text
        figcaption = f"<figcaption>{text}</figcaption>" if text else ""
        return f"\n\n<figure>{media}{figcaption}</figure>\n\n"

    # --- Images -----------------------------------------------------------------------------

    def image(self, match) -> str:
        tag = match.group(0)
        attrs = _tag_attributes(tag)
        src, alt = _absolute(attrs.get("src", "")), attrs.get("alt", "").strip()
        ours = self.resolve_image(src, alt) if self.resolve_image and src else None
        if ours is None:
            self.out.missing_media.append(src or "an <img> without a source")
            label = f"Image not imported: {alt}" if alt else "Image not imported"
            return f"<em>[{html.escape(label)}]</em>"
        if src not in self.listed:
            self.out.images_kept.append(f"{src}: it sits inside text")
            self.listed.add(src)
        kept = [f'src="{html.escape(ours.url)}"', f'alt="{html.escape(alt)}"']
        kept += [f'{k}="{attrs[k]}"' for k in ("width", "height") if attrs.get(k, "").isdigit()]
        return "<img " + " ".join(kept) + ">"

    def image_link(self, match) -> str:
        """A link around an image pointing at the old host's full-size file: ours, or none."""
        href, inner = _absolute(match.group(1)), match.group(2)
        ours = self.resolve_image(href, "") if self.resolve_image else None
        return f'<a href="{html.escape(ours.url)}">{inner}</a>' if ours else inner

    def placed_image(self, match) -> str:
        """An image on its own (a figure, a paragraph, a line): the library's [image:ID]."""
        whole, href, tag = match.group(0), match.group("href"), match.group("img")
        caption = (match.groupdict().get("caption") or "").strip()
        attrs = _tag_attributes(tag)
        src, alt = _absolute(attrs.get("src", "")), attrs.get("alt", "").strip()
        if not src or not self.resolve_image:
            return whole
        if href and not (_is_uploads_url(_absolute(href)) or _absolute(href) == src):
            return whole  # an image that links to a page keeps its link, as an <img>
        ours = self.resolve_image(src, alt)
        if ours is None:
            return whole  # listed as missing by image() below
        reason = _placement_refusal(ours, alt, caption)
        if reason:
            self.out.images_kept.append(f"{src}: {reason}")
            self.listed.add(src)
            return whole
        if caption and not ours.caption:
            ours.caption, ours.caption_claimed = plain_text(caption)[:500], True
        return f"\n\n<p>[image:{ours.id}]</p>\n\n"


def _placement_refusal(ours: LibraryImage, alt: str, caption: str) -> str:
    """Return why [image:ID] would not show what the body showed ("" when it would)."""
    if alt and alt != ours.alt:
        return f"its alt text here (“{alt[:60]}”) differs from the library image's"
    if "<" in caption:
        return "its caption has markup the library's plain-text caption cannot keep"
    text = plain_text(caption)
    if len(text) > 500:
        return "its caption is longer than a library caption"
    if text != ours.caption and (ours.caption or not text):
        return "its caption differs from the library image's"
    return ""


def _shortcode_attributes(text: str) -> dict[str, str]:
    attrs = {}
    pattern = r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)"""
    for match in re.finditer(pattern, text or ""):
        if match.group(1):
            attrs[match.group(1).lower()] = match.group(2)
        elif match.group(3):
            attrs[match.group(3).lower()] = match.group(4)
        else:
            attrs[match.group(5).lower()] = match.group(6)
    return {key: html.unescape(value) for key, value in attrs.items()}


def _tag_attributes(tag: str) -> dict[str, str]:
    attrs = {}
    for match in re.finditer(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", tag):
        value = match.group(2) if match.group(2) is not None else match.group(3) or match.group(4)
        attrs.setdefault(match.group(1).lower(), html.unescape(value or ""))
    return attrs


GUTENBERG_EMBED = re.compile(
    r"<!--\s*wp:(embed|core-embed/[a-z0-9-]+|video)(\s+\{.*?\})?\s*(/)?-->"
    r"(?:(.*?)<!--\s*/wp:\1\s*-->)?",
    re.S,
)
GUTENBERG_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->")
# WordPress's own shortcode grammar: [[escaped]], [name attrs], [name/], [name]…[/name].
SHORTCODE = re.compile(
    r"\[(\[?)([a-zA-Z_][\w-]*)(?![\w-])([^\]\[/]*(?:/(?!\])[^\]\[/]*)*?)(/)?\]"
    r"(?:(.*?)\[/\2\])?(\]?)",
    re.S,
)
IFRAME = re.compile(r"<iframe\b[^>]*>(?:.*?</iframe>)?", re.S | re.I)
BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.M)
IMG = re.compile(r"<img\b[^>]*>", re.I)
_LINKED_IMG = (
    r"""(?:<a\b[^>]*?\shref\s*=\s*["'](?P<href>[^"']*)["'][^>]*>\s*)?(?P<img><img\b[^>]*>)"""
    r"(?(href)\s*</a>)"
)
# An image that stands on its own: a figure (a converted [caption], a Gutenberg image block),
# its own paragraph, or its own line.
PLACED_IMAGES = (
    re.compile(
        rf"<figure\b[^>]*>\s*{_LINKED_IMG}\s*"
        r"(?:<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>\s*)?</figure>",
        re.S | re.I,
    ),
    re.compile(rf"^[ \t]*<p\b[^>]*>\s*{_LINKED_IMG}\s*</p>[ \t]*$", re.I | re.M),
    re.compile(rf"^[ \t]*{_LINKED_IMG}[ \t]*$", re.I | re.M),
)
IMAGE_LINK = re.compile(
    r"""<a\b[^>]*?\shref\s*=\s*["']([^"']*/uploads/[^"']+\.(?:jpe?g|png|gif|webp))["'][^>]*>"""
    r"(.*?)</a>",
    re.S | re.I,
)
MORE = re.compile(r"<!--more(.*?)?-->", re.I)
NEXTPAGE = re.compile(r"<!--nextpage-->", re.I)
PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
BLOCK_TAGS = (
    "address|article|aside|blockquote|details|div|dl|dd|dt|fieldset|figcaption|figure|footer"
    "|form|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|summary|table|tbody|thead|tfoot|tr|td"
    "|th|ul|iframe|style|script|hgroup|menu|math|select|option"
)
BLOCK_START = re.compile(rf"^\s*(?:<(?:/?(?:{BLOCK_TAGS})\b)|<!--)", re.I)


def wpautop(text: str) -> str:
    """Add paragraphs as WordPress does at display time: blank lines part them, newlines break."""
    kept: list[str] = []

    def protect(match):
        kept.append(match.group(0))
        return f"\n\n<!--closer-kept-{len(kept) - 1}-->\n\n"

    text = PRE.sub(protect, text.replace("\r\n", "\n").replace("\r", "\n"))
    # Block-level tags stand on their own, so text around them becomes its own paragraph.
    text = re.sub(rf"(<(?:{BLOCK_TAGS})\b[^>]*>)", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</(?:{BLOCK_TAGS})>)", r"\1\n\n", text, flags=re.I)
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]
    paragraphs = []
    for chunk in chunks:
        if BLOCK_START.match(chunk) or re.fullmatch(r"</?[a-z][^>]*>", chunk, re.I):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    joined = "\n".join(paragraphs)
    return re.sub(r"<!--closer-kept-(\d+)-->", lambda m: kept[int(m.group(1))], joined)


def plain_text(fragment: str) -> str:
    """Return an HTML fragment's text (for titles and excerpts, which are plain text)."""
    # A script's or style's text is no text a reader saw.
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", fragment or "", flags=re.I | re.S)
    # Block boundaries part words; inline tags do not ("Tom<em>’s</em>" is one word).
    text = re.sub(rf"</?(?:{BLOCK_TAGS}|br|img)\b[^>]*>", " ", text, flags=re.I)
    text = re.sub(r"<[^>]*>", "", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def wordpress_to_html(content: str, *, resolve_image: ImageResolver | None = None) -> Converted:
    """Convert a WordPress body (classic or block editor) into HTML for ``body_format="html"``."""
    converter = _Converter(resolve_image)
    out = converter.out
    text = (content or "").replace("\r\n", "\n")
    is_blocks = "<!-- wp:" in text
    text = GUTENBERG_EMBED.sub(converter.gutenberg_block, text)
    text = GUTENBERG_COMMENT.sub("", text)
    if NEXTPAGE.search(text):
        out.notes.append("<!--nextpage--> page breaks removed: the essay is one page")
        text = NEXTPAGE.sub("\n\n", text)
    more = MORE.search(text)
    if more:
        out.more_excerpt = plain_text(
            _strip_shortcodes(BARE_URL_LINE.sub("", text[: more.start()]))
        )
        text = text[: more.start()] + "\n\n" + text[more.end() :]
    text = SHORTCODE.sub(converter.shortcode, text)
    text = IFRAME.sub(converter.iframe, text)
    text = BARE_URL_LINE.sub(converter.bare_url_line, text)
    for pattern in PLACED_IMAGES:
        text = pattern.sub(converter.placed_image, text)
    text = IMAGE_LINK.sub(converter.image_link, text)
    text = IMG.sub(converter.image, text)
    out.html = text.strip() if is_blocks else wpautop(text)
    if is_blocks:
        # Block bodies already carry paragraphs; converted blocks sit between them.
        out.html = wpautop_blocks(out.html)
    return out


def wpautop_blocks(text: str) -> str:
    """Wrap the stray text between a block body's elements (converted embeds) in paragraphs."""
    return wpautop(text) if re.search(r"^(?!\s*<)[^\n]+$", text, re.M) else text


def _strip_shortcodes(text: str) -> str:
    return re.sub(r"\[/?[a-zA-Z_][\w-]*[^\]]*\]", " ", text)


# --- Comments --------------------------------------------------------------------------------
# WordPress keeps a comment as the few tags it allows commenters (a, b, strong, em, i, code,
# blockquote, del, q…) in text whose blank lines part paragraphs. Closer's comments are a
# Markdown subset rendered by blog.rendering.render_comment: translate the one into the other
# here, and let the comment renderer sanitize what comes out like any reader's text.

_COMMENT_ESCAPED = re.compile(r"([\\`*_\[\]<>])")
_COMMENT_DROPPED = frozenset({"script", "style", "iframe", "object", "embed", "template", "svg"})
_COMMENT_INLINE = {"b": "**", "strong": "**", "em": "*", "i": "*", "cite": "*", "code": "`"}
_COMMENT_SCHEMES = ("http://", "https://")


class _CommentMarkdown(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0  # inside <script> and the like: the text goes too
        self.quote_depth = 0
        self.links: list[str | None] = []  # the href of each open <a>, None when refused
        self.code = 0

    def handle_starttag(self, tag, attrs):
        if tag in _COMMENT_DROPPED:
            self.dropping += 1
        elif self.dropping:
            return
        elif tag in _COMMENT_INLINE:
            self.code += tag == "code"
            self.parts.append(_COMMENT_INLINE[tag])
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            safe = href.lower().startswith(_COMMENT_SCHEMES) and not re.search(r"[\s<>]", href)
            self.links.append(href if safe else None)
            if safe:
                self.parts.append("[")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("p", "div"):
            self.parts.append("\n\n")
        elif tag == "blockquote":
            self.parts.append("\n\n\x01")  # where a quote opens: lines get "> " below
            self.quote_depth += 1
        elif tag == "q":
            self.parts.append("“")

    def handle_endtag(self, tag):
        if tag in _COMMENT_DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif self.dropping:
            return
        elif tag in _COMMENT_INLINE:
            self.code = max(0, self.code - (tag == "code"))
            self.parts.append(_COMMENT_INLINE[tag])
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append("](" + href.replace("(", "%28").replace(")", "%29") + ")")
        elif tag in ("p", "div"):
            self.parts.append("\n\n")
        elif tag == "blockquote" and self.quote_depth:
            self.quote_depth -= 1
            self.parts.append("\x02\n\n")
        elif tag == "q":
            self.parts.append("”")

    def handle_data(self, data):
        if self.dropping:
            return
        self.parts.append(data if self.code else _COMMENT_ESCAPED.sub(r"\\\1", data))

    def markdown(self) -> str:
        text = "".join(self.parts).replace("\r\n", "\n").replace("\r", "\n")
        # Quotes: every line between the marks gets "> " (nested quotes, one per level).
        lines, depth = [], 0
        for line in text.split("\n"):
            depth += line.count("\x01")
            line_depth = depth
            depth -= line.count("\x02")
            line = line.replace("\x01", "").replace("\x02", "")
            lines.append("> " * line_depth + line.strip() if line_depth else line.strip())
        text = "\n".join(lines)
        paragraphs = [p.strip() for p in re.split(r"\n(?:[> ]*\n)+", text) if p.strip(" >\n")]
        # One newline in WordPress is a line break: a backslash before it says so in Markdown.
        return "\n\n".join(re.sub(r"\n(?!\n)", "\\\\\n", p) for p in paragraphs)


def comment_markdown(content: str) -> str:
    """Return a WordPress comment (its HTML subset in plain text) as Closer's comment Markdown."""
    parser = _CommentMarkdown()
    parser.feed(content or "")
    parser.close()
    return parser.markdown()
