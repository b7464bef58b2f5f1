from django.apps import AppConfig

from blog import search_index


class BlogConfig(AppConfig):
    name = "blog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        search_index.connect_signals()
