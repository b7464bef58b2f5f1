from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What belongs to the whole site rather than to essays or videos: health, security
    headers, the login throttle, backups, the admin user command, site context."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
