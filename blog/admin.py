from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from blog.forms import PostVideoForm
from blog.models import Post, PostVideo, Tag
from videos.services import videos_fetch_missing_metadata


class PostVideoInline(admin.TabularInline):
    model = PostVideo
    form = PostVideoForm
    extra = 1
    verbose_name = "attached video"
    verbose_name_plural = "Attached videos (shown after the essay, in this order)"


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "status_label", "published_at", "author", "tag_names"]
    list_filter = ["status", "tags", "author", "published_at"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PostVideoInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "body_format", "excerpt", "tags"]}),
        ("Publishing", {"fields": ["status", "published_at", "author"]}),
        ("Featured image", {"fields": ["featured_image", "featured_image_alt"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author").prefetch_related("tags")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        post = form.instance
        videos = {*post.embedded_videos.all(), *post.videos.all()}
        for warning in videos_fetch_missing_metadata(videos=videos):
            messages.warning(request, warning)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="Status", ordering="status")
    def status_label(self, post):
        if post.is_scheduled:
            local = timezone.localtime(post.published_at)
            return format_html("Scheduled for {}", local.strftime("%-d %b %Y, %H:%M"))
        return post.get_status_display()

    @admin.display(description="Tags")
    def tag_names(self, post):
        return ", ".join(tag.name for tag in post.tags.all())


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
