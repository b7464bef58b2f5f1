"""Response headers the whole site sends that Django's own middleware does not set."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Add the Permissions-Policy header from settings.PERMISSIONS_POLICY."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.PERMISSIONS_POLICY
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
