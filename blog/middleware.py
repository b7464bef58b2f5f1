from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse

NUL = "\x00"


class RefuseNulMiddleware:
    """Answer 404 to a path or query parameter holding a NUL byte; drop such cookies.

    No address of the site contains NUL, and PostgreSQL refuses it in any string it is given
    (a 500 wherever request input reaches a query: a username, a video id, a search, an admin
    filter, a session key). Refusing it once here covers every view, present and future.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or any(
            NUL in key or any(NUL in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise Http404("No address contains a NUL byte.")
        for name in [name for name, value in request.COOKIES.items() if NUL in name + value]:
            del request.COOKIES[name]  # a session key with NUL is as good as no session
        return self.get_response(request)


class OldURLRedirectMiddleware:
    """Send readers from a retired post or tag URL to its new home (301) instead of a 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        target = self.new_location(request.path_info)
        if target is None:
            return response
        query = request.META.get("QUERY_STRING", "")
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
