"""What a browser would fetch from the initial HTML of a page, read with a real HTML parser."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

# Elements and attributes that make a browser fetch something without a click.
LOADING_ATTRIBUTES = {
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "script": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
LOADING_LINK_RELS = {
    "stylesheet",
    "preload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "icon",
    "modulepreload",
}


class _Loads(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        names = LOADING_ATTRIBUTES.get(tag, ())
        if tag == "link" and set((attrs.get("rel") or "").lower().split()) & LOADING_LINK_RELS:
            names = ("href",)
        for name in names:
            value = attrs.get(name)
            if not value:
                continue
            if name == "srcset":
                self.urls += [part.strip().split()[0] for part in value.split(",") if part.strip()]
            else:
                self.urls.append(value)
        if "style" in attrs and "url(" in attrs["style"]:
            self.urls.append(attrs["style"])  # inline styles are forbidden anyway


def loaded_urls(html: str) -> list[str]:
    parser = _Loads()
    parser.feed(html)
    return parser.urls


def third_party_loads(html: str, local_hosts=("", "testserver")) -> list[str]:
    """Return every URL the page would load from a host other than ours."""
    return [url for url in loaded_urls(html) if urlsplit(url).netloc not in local_hosts]
