"""Read a WordPress eXtended RSS (WXR 1.0–1.2) export into plain data.

Namespaces differ between exporters and versions (``http://wordpress.org/export/1.2/``,
``https://…``, 1.0, 1.1), so elements are matched by a short prefix chosen from what their
namespace *is* (WordPress, content, excerpt, Dublin Core), never by the exact URI.
"""

from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree


class WXRError(ValueError):
    """The file is not a readable WordPress export; the message is one line for the user."""


@dataclass
class WXRAuthor:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class WXRTerm:
    taxonomy: str  # "category", "post_tag", "nav_menu", …
    slug: str
    name: str
    description: str = ""
    parent: str = ""


@dataclass
class WXRComment:
    approved: str  # "1", "0" (pending), "spam", "trash"
    comment_type: str  # "" or "comment"; "pingback", "trackback"; plugins add their own
    comment_id: str = ""
    parent: str = ""  # "0" or "" for a comment that answers the post
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""


@dataclass
class WXRItem:
    post_id: str
    post_type: str
    title: str = ""
    guid: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    pub_date: str = ""
    slug: str = ""
    status: str = ""
    password: str = ""
    sticky: bool = False
    parent: str = ""
    attachment_url: str = ""
    terms: list[WXRTerm] = field(default_factory=list)
    post_format: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WXRComment] = field(default_factory=list)


@dataclass
class WXRSite:
    version: str
    base_url: str
    title: str = ""
    authors: dict[str, WXRAuthor] = field(default_factory=dict)
    terms: dict[tuple[str, str], WXRTerm] = field(default_factory=dict)
    items: list[WXRItem] = field(default_factory=list)


def _prefix(namespace: str) -> str:
    namespace = namespace.lower()
    if "wordpress.org/export" in namespace:
        return "excerpt:" if "excerpt" in namespace else "wp:"
    if "purl.org/rss/1.0/modules/content" in namespace:
        return "content:"
    if "purl.org/dc" in namespace:
        return "dc:"
    return namespace + ":"


def _key(element) -> str:
    """Return "wp:post_id", "content:encoded", "title"… whatever the namespace URI says."""
    if not isinstance(element.tag, str):
        return ""  # a comment or processing instruction
    qname = etree.QName(element)
    return (_prefix(qname.namespace) if qname.namespace else "") + qname.localname


def _children(element) -> dict[str, list]:
    found: dict[str, list] = {}
    for child in element:
        found.setdefault(_key(child), []).append(child)
    return found


def _text(children: dict, key: str) -> str:
    elements = children.get(key)
    if not elements:
        return ""
    return "".join(elements[0].itertext())


def slug_decode(slug: str) -> str:
    """Return a WordPress slug as readers see it: ``%e6%98%a0`` becomes 映."""
    return unquote(slug.strip())


def wxr_parse(source) -> WXRSite:
    """Parse a WXR file (a path or a binary file object); raise WXRError when it is not one."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True
    )
    try:
        root = etree.parse(source, parser).getroot()
    except etree.XMLSyntaxError as error:
        raise WXRError(f"The file is not well-formed XML: {error}") from None
    except OSError as error:
        raise WXRError(f"The file cannot be read: {error}") from None
    channel = root.find("channel") if _key(root) == "rss" else None
    if channel is None:
        raise WXRError("This is not a WordPress export: there is no <rss><channel>.")
    top = _children(channel)
    version = _text(top, "wp:wxr_version").strip()
    if not version and "wp:post_id" not in {_key(c) for i in top.get("item", []) for c in i}:
        raise WXRError("This is not a WordPress export: it has no wp:wxr_version.")
    site = WXRSite(
        version=version or "1.0",
        base_url=(_text(top, "wp:base_site_url") or _text(top, "link")).strip().rstrip("/"),
        title=_text(top, "title").strip(),
    )
    for element in top.get("wp:author", []):
        found = _children(element)
        login = _text(found, "wp:author_login").strip()
        if login:
            site.authors[login] = WXRAuthor(
                login=login,
                email=_text(found, "wp:author_email").strip(),
                display_name=_text(found, "wp:author_display_name").strip(),
                first_name=_text(found, "wp:author_first_name").strip(),
                last_name=_text(found, "wp:author_last_name").strip(),
            )
    for key, taxonomy, slug_key, name_key, description_key in (
        ("wp:category", "category", "wp:category_nicename", "wp:cat_name", "wp:category_description"),
        ("wp:tag", "post_tag", "wp:tag_slug", "wp:tag_name", "wp:tag_description"),
        ("wp:term", None, "wp:term_slug", "wp:term_name", "wp:term_description"),
    ):  # fmt: skip
        for element in top.get(key, []):
            found = _children(element)
            term = WXRTerm(
                taxonomy=taxonomy or _text(found, "wp:term_taxonomy").strip(),
                slug=slug_decode(_text(found, slug_key)),
                name=_text(found, name_key).strip(),
                description=_text(found, description_key).strip(),
                parent=slug_decode(_text(found, "wp:category_parent")),
            )
            if term.slug:
                site.terms.setdefault((term.taxonomy, term.slug), term)
    for element in top.get("item", []):
        site.items.append(_item(element))
    return site


def _item(element) -> WXRItem:
    found = _children(element)
    item = WXRItem(
        post_id=_text(found, "wp:post_id").strip(),
        post_type=_text(found, "wp:post_type").strip() or "post",
        title=_text(found, "title"),
        guid=_text(found, "guid").strip(),
        link=_text(found, "link").strip(),
        creator=_text(found, "dc:creator").strip(),
        content=_text(found, "content:encoded"),
        excerpt=_text(found, "excerpt:encoded"),
        post_date=_text(found, "wp:post_date").strip(),
        post_date_gmt=_text(found, "wp:post_date_gmt").strip(),
        pub_date=_text(found, "pubDate").strip(),
        slug=slug_decode(_text(found, "wp:post_name")),
        status=_text(found, "wp:status").strip() or "draft",
        password=_text(found, "wp:post_password"),
        sticky=_text(found, "wp:is_sticky").strip() == "1",
        parent=_text(found, "wp:post_parent").strip(),
        attachment_url=_text(found, "wp:attachment_url").strip(),
    )
    for category in found.get("category", []):
        domain = category.get("domain", "")
        name = "".join(category.itertext()).strip()
        slug = slug_decode(category.get("nicename", ""))
        if domain == "post_format":
            item.post_format = slug.removeprefix("post-format-")
        elif domain in ("category", "post_tag") and (slug or name):
            item.terms.append(WXRTerm(taxonomy=domain, slug=slug, name=name or slug))
    for meta in found.get("wp:postmeta", []):
        meta_found = _children(meta)
        key = _text(meta_found, "wp:meta_key").strip()
        if key:
            item.meta.setdefault(key, _text(meta_found, "wp:meta_value"))
    for comment in found.get("wp:comment", []):
        comment_found = _children(comment)
        item.comments.append(
            WXRComment(
                approved=_text(comment_found, "wp:comment_approved").strip(),
                comment_type=_text(comment_found, "wp:comment_type").strip(),
                comment_id=_text(comment_found, "wp:comment_id").strip(),
                parent=_text(comment_found, "wp:comment_parent").strip(),
                author=_text(comment_found, "wp:comment_author").strip(),
                author_email=_text(comment_found, "wp:comment_author_email").strip(),
                author_url=_text(comment_found, "wp:comment_author_url").strip(),
                date=_text(comment_found, "wp:comment_date").strip(),
                date_gmt=_text(comment_found, "wp:comment_date_gmt").strip(),
                content=_text(comment_found, "wp:comment_content"),
            )
        )
    return item
