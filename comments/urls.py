from django.urls import path

from comments import feeds, views

app_name = "comments"

urlpatterns = [
    path("essay/<int:post_id>/", views.comment_post, name="post"),
    path("essay/<int:post_id>/held/", views.comment_held, name="held"),
    path("essay/<int:post_id>/token/", views.comment_form_token, name="token"),
    path("essay/<int:post_id>/feed/", feeds.PostCommentsFeed(), name="post-feed"),
    path("essay/<int:post_id>/feed/atom/", feeds.AtomPostCommentsFeed(), name="post-feed-atom"),
    path("feed/", feeds.CommentsFeed(), name="feed"),
    path("feed/atom/", feeds.AtomCommentsFeed(), name="feed-atom"),
    path("delete/<str:token>/", views.comment_delete, name="delete"),
    path("mute/<str:token>/", views.comment_mute, name="mute"),
]
