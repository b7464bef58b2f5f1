from django.apps import AppConfig

from blog import search_index


class BlogConfig(AppConfig):
    name = "blog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        search_index.connect_signals()
        # Imported here: the module needs the models, which exist only once apps are ready.
        from blog import page_cache

        page_cache.connect_signals()
