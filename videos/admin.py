from django.contrib import admin
from django.utils.html import format_html

from videos.models import Video


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["poster_preview", "__str__", "provider", "artist", "director", "year"]
    list_display_links = ["poster_preview", "__str__"]
    list_filter = ["provider", "year"]
    search_fields = ["title", "artist", "director", "video_id", "url"]
    readonly_fields = ["poster_preview", "url", "provider", "video_id", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["url", "provider", "video_id", "title", "description"]}),
        ("Credits", {"fields": ["artist", "director", "year"]}),
        ("Poster", {"fields": ["poster_preview", "thumbnail"]}),
        (
            "Advanced",
            {
                "fields": ["private_hash", "playlist_id", "source_url", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    @admin.display(description="Poster")
    def poster_preview(self, video):
        if not video.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" width="160" height="90">', video.thumbnail.url)

    def has_add_permission(self, request):
        # Videos come from pasting a URL into a post, which parses and de-duplicates it.
        return False
