from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save

from blog import search_index


class BlogConfig(AppConfig):
    name = "blog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        search_index.connect_signals()
        # Imported here: the module needs the models, which exist only once apps are ready.
        from blog import page_cache
        from blog.models import AuthorProfile, Series, Still, author_profile_on_user_created

        page_cache.connect_signals()
        page_cache.watch_model(AuthorProfile)
        page_cache.watch_model(Series)
        page_cache.watch_model(Still)
        post_save.connect(
            author_profile_on_user_created,
            sender=get_user_model(),
            dispatch_uid="closer-author-profile",
        )
