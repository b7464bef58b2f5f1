import html

from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.backends.signals import connection_created
from django.db.models.signals import post_save
from django.utils.html import strip_tags


def visible_text(fragment: str | None) -> str:
    """Return what a reader sees of an HTML fragment: no tags, entities decoded."""
    return html.unescape(strip_tags(fragment or ""))


def _add_sqlite_functions(sender, connection, **kwargs):
    # SQLite search matches the text readers see, as PostgreSQL's regexp_replace does there.
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "closer_visible_text", 1, visible_text, deterministic=True
        )


class BlogConfig(AppConfig):
    name = "blog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        connection_created.connect(_add_sqlite_functions, dispatch_uid="closer_sqlite_functions")
        # Imported here: the module needs the models, which exist only once apps are ready.
        from blog import page_cache
        from blog.models import AuthorProfile, author_profile_on_user_created

        page_cache.connect_signals()
        page_cache.watch_model(AuthorProfile)
        post_save.connect(
            author_profile_on_user_created,
            sender=get_user_model(),
            dispatch_uid="closer-author-profile",
        )
