"""The author profile in the admin: each author edits their own, Editors everyone's."""

from django.contrib import admin
from django.shortcuts import redirect

from blog.models import AuthorProfile, Image


def _can_edit_any(request) -> bool:
    return request.user.has_perm("blog.change_any_post")


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "slug"]
    search_fields = ["display_name"]
    fields = ["display_name", "slug", "bio", "avatar", "links"]
    prepopulated_fields = {"slug": ["display_name"]}

    def get_queryset(self, request):
        profiles = super().get_queryset(request).select_related("avatar")
        return profiles if _can_edit_any(request) else profiles.filter(user=request.user)

    def _is_allowed_on(self, request, profile) -> bool:
        return profile is None or _can_edit_any(request) or profile.user_id == request.user.pk

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._is_allowed_on(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._is_allowed_on(request, obj)

    def has_add_permission(self, request):
        return False  # every account gets its profile when it is created

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "avatar":
            # Any library image passed the pipeline's checks; an author picks among their own.
            images = Image.objects.all()
            if not _can_edit_any(request):
                images = images.filter(uploaded_by=request.user)
            kwargs["queryset"] = images
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        # An author has one profile: go straight to it.
        if not _can_edit_any(request):
            own = self.get_queryset(request).first()
            if own is not None:
                return redirect("admin:blog_authorprofile_change", own.pk)
        return super().changelist_view(request, extra_context)
