from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: the module needs the models, which exist only once apps are ready.
        from videos import signals

        signals.connect_signals()
