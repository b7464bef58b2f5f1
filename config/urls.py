from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe
from django.views.static import serve

from core.health import healthz

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Write and publish"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("videos/", include("blog.video_urls")),
    path("newsletter/", include("newsletter.urls")),
    path("comments/", include("comments.urls")),
    path("shared/", include("blog.share_urls")),
    path("", include("blog.urls")),
]


@require_safe
def media(request, path):
    """Serve an uploaded file from MEDIA_ROOT, read per request so tests can move it."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    # One machine, files on disk: Django hands out uploads itself (a proxy in front may take
    # over /media/). With object storage, readers fetch media from the bucket or CDN instead.
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{prefix}(?P<path>.*)$", media, name="media"),
    ]
