from django.conf import settings


def site(request):
    """Expose the site's name, tagline and this page's canonical address to every template."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_URL": settings.SITE_URL,
        "canonical_url": canonical_url(request),
    }


def canonical_url(request) -> str:
    """Return the page's address on the public site: its path, and its page number if any."""
    if request is None:
        return settings.SITE_URL + "/"
    url = settings.SITE_URL + request.path
    page = request.GET.get("page", "")
    # isdigit() alone accepts "²", which int() refuses: ASCII digits only.
    if page.isascii() and page.isdigit() and page not in ("0", "1"):
        url += f"?page={int(page)}"
    return url
