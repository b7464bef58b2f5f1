from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.urls import Resolver404, resolve, reverse

from blog.importers.old_urls import wordpress_id_location, wordpress_path_location
from blog.page_cache import FULL_QUERY_STRING

NUL = "\x00"


class NulByteMiddleware:
    """Keep NUL bytes out of every view: 404 in a path, U+FFFD in a query, no such cookie.

    No address of the site contains NUL, and PostgreSQL refuses it in any string it is given
    (a 500 wherever request input reaches a query: a username, a video id, a search, an admin
    filter, a session key). Handled once here, it covers every view, present and future. In a
    query parameter NUL becomes U+FFFD, as HTML parsers do: a search still answers (with what
    matches, usually nothing), a page number is not a number (404).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path:
            raise Http404("No address contains a NUL byte.")
        query = request.META.get("QUERY_STRING", "")
        # Only "%00" (or a raw NUL) decodes to NUL: most requests are done with in one look.
        if ("%00" in query or NUL in query) and any(
            NUL in key + "".join(values) for key, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(_replace_nul(key), [_replace_nul(value) for value in values])
            cleaned._mutable = False
            request.GET = cleaned
            request.META["QUERY_STRING"] = cleaned.urlencode()
        if "HTTP_COOKIE" in request.META:
            for name in [name for name, value in request.COOKIES.items() if NUL in name + value]:
                del request.COOKIES[name]  # a session key with NUL is as good as no session
        return self.get_response(request)


def _replace_nul(text: str) -> str:
    return text.replace(NUL, "\ufffd")


class OldURLRedirectMiddleware:
    """Send readers from a retired post or tag URL to its new home (301) instead of a 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # WordPress's /?p=ID lives on our home page (a 200): answered before the view.
        if (
            request.path_info == "/"
            and request.method in ("GET", "HEAD")
            and any(name in request.GET for name in ("p", "page_id"))
        ):
            target = wordpress_id_location(request.GET)
            if target is not None:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        target = self.new_location(request.path_info) or wordpress_path_location(request.path_info)
        if target is None:
            return response
        # With the tracking parameters the page cache set aside: the new address gets them too.
        query = request.META.get(FULL_QUERY_STRING, request.META.get("QUERY_STRING", ""))
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)

    @staticmethod
    def new_location(path: str) -> str | None:
        """Return where a retired post or tag path lives now, or None."""
        from blog import services

        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.view_name == "blog:post":
            post = services.post_for_retired_slug(match.kwargs["slug"])
            return post.get_absolute_url() if post else None
        # Every tag URL (the filter, its feeds, "without" variants) names tags in these kwargs.
        tag_kwargs = [name for name in ("slugs", "excluded") if name in match.kwargs]
        if not match.view_name.startswith("blog:") or not tag_kwargs:
            return None
        kwargs, changed = dict(match.kwargs), False
        for name in tag_kwargs:
            slugs = services.tag_slugs_for_retired(list(kwargs[name]))
            if slugs is not None:
                kwargs[name], changed = slugs, True
        return reverse(match.view_name, kwargs=kwargs) if changed else None
