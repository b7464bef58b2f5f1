"""The shared-draft page: outside the reader namespaces, so no page cache ever stores it."""

from django.urls import path

from blog import share_views

app_name = "shared"

urlpatterns = [
    path("<str:token>/", share_views.shared_draft, name="draft"),
]
