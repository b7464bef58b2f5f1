"""HTTP methods no Closer page answers, refused before any view runs."""

from django.http import HttpResponseNotAllowed

# Function views declare their methods (require_safe, require_POST) and class-based views
# refuse what they do not implement; this also covers views we do not write (feeds,
# sitemaps, the admin), which would answer TRACE like GET.
REFUSED_METHODS = {"TRACE", "CONNECT"}
# What a Closer URL may accept: pages GET and HEAD, forms POST.
ALLOWED_METHODS = ["GET", "HEAD", "POST"]


class RefuseTraceMiddleware:
    """Answer TRACE (and CONNECT) with 405 on every URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in REFUSED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)
