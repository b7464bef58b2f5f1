from django.urls import path, register_converter

from blog import views
from blog.converters import TagSlugsConverter

register_converter(TagSlugsConverter, "tagslugs")

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="home"),
    path("posts/<slug:slug>/", views.PostDetailView.as_view(), name="post"),
    path("tags/<tagslugs:slugs>/", views.tag_filter, name="tag"),
]
