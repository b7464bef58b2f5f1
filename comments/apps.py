from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: both modules need the models, which exist only once apps are ready.
        from blog import demo, page_cache
        from blog.importers import wordpress, wxr_export
        from comments import demo_comments, importing
        from comments.models import Comment, CommentSettings

        # A comment shows on its essay page, on cards (counts) and in feeds.
        page_cache.watch_model(Comment)
        page_cache.watch_model(CommentSettings)
        demo.demo_loaded.connect(demo_comments.load, dispatch_uid="closer-demo-comments")
        wordpress.wordpress_comments.connect(
            importing.wordpress_comments_import, dispatch_uid="closer-wordpress-comments"
        )
        wxr_export.wordpress_export_comments.connect(
            importing.wordpress_comments_export, dispatch_uid="closer-wordpress-comments-out"
        )
