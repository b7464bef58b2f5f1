from django.urls import path

from videos import views

app_name = "videos"

urlpatterns = [
    path("", views.VideoListView.as_view(), name="index"),
    path("sitemap.xml", views.video_sitemap, name="sitemap"),
    path("<str:provider>/<str:video_id>/", views.VideoDetailView.as_view(), name="detail"),
]
