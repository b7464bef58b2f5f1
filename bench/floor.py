"""The floor: a bare Django view returning a page of BENCH_FLOOR_BYTES bytes (`make bench`).

bench/run.py serves it with the same gunicorn and settings file as the site, so the ratio of a
page's figures to these says what Closer itself costs: no middleware, no database, no template.

    gunicorn --config config/gunicorn.conf.py bench.floor:application
"""

import os

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

_LINE = "<p>" + "x" * 75 + "</p>\n"
PAGE = (_LINE * (int(os.environ.get("BENCH_FLOOR_BYTES", "60000")) // len(_LINE) + 1)).encode()[
    : int(os.environ.get("BENCH_FLOOR_BYTES", "60000"))
]


def page(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page)]
application = get_wsgi_application()
