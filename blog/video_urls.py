"""/videos/: the videos our essays discuss (blog.video_pages), under their own namespace."""

from django.urls import path

from blog import video_pages

app_name = "videos"

urlpatterns = [
    path("", video_pages.VideoListView.as_view(), name="index"),
    path("sitemap.xml", video_pages.video_sitemap, name="sitemap"),
    path("<str:provider>/<str:video_id>/", video_pages.VideoDetailView.as_view(), name="detail"),
]
