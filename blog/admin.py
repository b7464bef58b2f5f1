import logging
from functools import partial
from types import SimpleNamespace

import taggit.models
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import ngettext
from taggit.utils import edit_string_for_tags

from blog import (  # noqa: F401 (author_admin, series_admin, still_admin register admins)
    admin_views,
    author_admin,
    images,
    review,
    series_admin,
    services,
    still_admin,
)
from blog.body_checks import body_warnings
from blog.forms import (
    ImageAdminForm,
    PostAdminForm,
    PostVideoForm,
    SafeImageFormField,
    ScheduleForm,
    TagAdminForm,
    TagMergeForm,
    TagRenameForm,
)
from blog.models import Image, PendingChange, Post, PostVideo, Tag
from videos.admin import VideoAdmin
from videos.models import Video
from videos.tasks import videos_enqueue_metadata

SAFE_IMAGE_FIELDS = {models.ImageField: {"form_class": SafeImageFormField}}
# Uploading a featured image adds a library image: only for those who may add one.
UPLOAD_FIELDS = ("featured_image_upload", "featured_image_alt")


def can_publish(request) -> bool:
    return request.user.has_perm("blog.publish_post")


def can_edit_any(request) -> bool:
    return request.user.has_perm("blog.change_any_post")


def held_for_review(request, post) -> bool:
    """Return whether this user's edits to post wait for an Editor (asked once per request)."""
    if post is None or post.pk is None:
        return False
    answers = request.__dict__.setdefault("_closer_held_for_review", {})
    if post.pk not in answers:
        answers[post.pk] = review.post_needs_review(user=request.user, post=post)
    return answers[post.pk]


# The writing desk's buttons (templates/admin/blog/post/_publishing_buttons.html).
PUBLISHING_BUTTONS = ("_save_draft", "_publish", "_submit_review")


def publishing_intent_apply(request, post) -> None:
    """Set what the pressed button means: a draft, published now or at its date, or for review.

    Only an Editor's buttons change the status (an Author's status is read-only, and the
    permission check after this still refuses any other path); the plain Save buttons keep
    whatever the Status field says.
    """
    if "_publish" in request.POST and can_publish(request):
        post.status = Post.Status.PUBLISHED
        post.published_at = post.published_at or timezone.now()
        post.review_requested_at = None
    elif "_save_draft" in request.POST and can_publish(request):
        post.status = Post.Status.DRAFT
    elif "_submit_review" in request.POST and post.status == Post.Status.DRAFT:
        post.review_requested_at = timezone.now()


def action_form_response(request, model_admin, queryset, *, action, title, form, intro=""):
    """Return the intermediate page of an admin action that needs a little more input."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "opts": model_admin.model._meta,
        "objects": queryset,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/blog/action_form.html", context)


class PostVideoInline(admin.TabularInline):
    model = PostVideo
    form = PostVideoForm
    extra = 1
    verbose_name = "attached video"
    verbose_name_plural = "Attached videos (shown after the essay, in this order)"

    # An Author's published post: its videos are an Editor's to change (blog.review).
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not held_for_review(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not held_for_review(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not held_for_review(request, obj)


logger = logging.getLogger(__name__)


class RefusedMediaWriteMixin:
    """A save whose file write the disk (or bucket) refuses shows the form again, with the error.

    The admin saves inside one transaction, so when storage raises OSError (disk full, read-only,
    permissions) the rows roll back and nothing of the save is kept. Instead of a 500 the same
    form is validated again, with what was sent, and refused with a message saying why.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except OSError as error:
            if request.method != "POST" or hasattr(request, "_closer_refused_write"):
                raise
            logger.exception("Storage refused a write while saving %s", self.opts.label)
            request._closer_refused_write = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "_closer_refused_write", None)
        if error is None:
            return form
        reason = error.strerror or str(error)

        class RefusedWriteForm(form):
            def clean(self):
                cleaned = super().clean()
                self.add_error(
                    None,
                    f"The file could not be stored ({reason}); nothing was saved. Try again "
                    "in a moment, or tell whoever runs the site that storage refused it.",
                )
                return cleaned

        return RefusedWriteForm


class DateBoundedChangeList(ChangeList):
    """A change list whose date drill-down refuses years Python's dates cannot hold.

    Django catches a ValueError from an odd ``published_at__year`` but not the OverflowError of
    a 40-digit year, nor the ValueError of the year after 9999: both were a 500. The admin
    answers an unusable filter by showing the list unfiltered (``?e=1``).
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


@admin.register(Post)
class PostAdmin(RefusedMediaWriteMixin, admin.ModelAdmin):
    form = PostAdminForm
    formfield_overrides = SAFE_IMAGE_FIELDS
    list_display = ["title", "status_label", "published_at", "author", "tag_names"]
    # Only the tags of the posts this user may list (an Author: their own).
    list_filter = [
        "status",
        ("tags", admin.RelatedOnlyFieldListFilter),
        ("series", admin.RelatedOnlyFieldListFilter),
        "author",
        "published_at",
    ]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["featured_image_preview"]
    raw_id_fields = ["featured_image"]
    inlines = [PostVideoInline]
    actions = ["publish_now", "unpublish", "schedule"]
    fieldsets = [
        # The writing surface: title and body; the rest is the side panel (change_form.html).
        (None, {"fields": ["title", "body"]}),
        ("Address and summary", {"fields": ["slug", "excerpt", "tags", "body_format"]}),
        ("Publishing", {"fields": ["status", "published_at", "author"]}),
        ("Series", {"fields": ["series", "series_part"]}),
        (
            "Featured image",
            {
                "fields": [
                    "featured_image_preview",
                    "featured_image",
                    "featured_image_upload",
                    "featured_image_alt",
                ],
                "description": "Pick an image from the library (🔍) or upload a new one.",
            },
        ),
    ]

    class Media:
        # Also on the change list, where it forgets browser copies of text that was saved.
        js = [
            "closer/admin/desk_local_copy.js",
            "closer/admin/editor.js",
            "closer/admin/publishing.js",
        ]

    def get_changelist(self, request, **kwargs):
        return DateBoundedChangeList

    def get_urls(self):
        def view(function, *, name):
            return self.admin_site.admin_view(partial(function, model_admin=self)), name

        routes = [
            ("preview/", *view(admin_views.preview, name="blog_post_preview")),
            ("tag-suggestions/", *view(admin_views.tag_suggestions, name="blog_post_tag_suggestions")),
            ("image-picker/", *view(admin_views.image_picker, name="blog_post_image_picker")),
            ("image-upload/", *view(admin_views.image_upload, name="blog_post_image_upload")),
            ("autosave/", *view(admin_views.autosave_new, name="blog_post_autosave_new")),
            ("<path:object_id>/autosave/", *view(admin_views.autosave, name="blog_post_autosave")),
            ("<path:object_id>/revisions/", *view(admin_views.revisions, name="blog_post_revisions")),
            (
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                *view(admin_views.restore_revision, name="blog_post_restore_revision"),
            ),
            ("<path:object_id>/review/", *view(admin_views.review_pending, name="blog_post_review")),
            ("<path:object_id>/retry-videos/", *view(admin_views.retry_videos, name="blog_post_retry_videos")),
            ("<path:object_id>/share/", *view(admin_views.share_draft, name="blog_post_share")),
        ]  # fmt: skip
        return [path(route, function, name=name) for route, function, name in routes] + (
            super().get_urls()
        )

    # --- Who may do what: Authors see and edit only their own posts and never publish. ---

    def get_queryset(self, request):
        posts = (
            super()
            .get_queryset(request)
            .select_related("author", "pending_change__created_by")
            .prefetch_related("tags")
        )
        return posts if can_edit_any(request) else posts.filter(author=request.user)

    def _is_allowed_on(self, request, post) -> bool:
        return post is None or can_edit_any(request) or post.author_id == request.user.pk

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._is_allowed_on(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._is_allowed_on(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._is_allowed_on(request, obj)

    def has_publish_permission(self, request):
        return can_publish(request)

    def _may_upload(self, request, obj) -> bool:
        # A held change keeps the live featured image: nothing to upload into it.
        return request.user.has_perm("blog.add_image") and not held_for_review(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._may_upload(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in UPLOAD_FIELDS]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request):
            fields += ["status", "published_at"]
        if not can_edit_any(request):
            fields += ["author"]
        if held_for_review(request, obj):
            fields += ["featured_image", "series", "series_part"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The near-duplicate question names only tags this writer may see (blog.review).
        form = type(form.__name__, (form,), {"tag_choices": review.tags_visible_to(request.user)})
        # After the subclass above: its metaclass would bring the declared upload fields back.
        if not self._may_upload(request, obj):
            for name in UPLOAD_FIELDS:
                form.base_fields.pop(name, None)
        pending = review.pending_change_for(obj) if held_for_review(request, obj) else None
        if pending is None:
            return form

        class WithPendingChange(form):
            """The Author goes on editing their held version, not the live one."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    self.initial.update({f: getattr(pending, f) for f in review.REVIEWED_FIELDS})
                    names = [SimpleNamespace(name=name) for name in pending.tag_names]
                    self.initial["tags"] = edit_string_for_tags(names)

        return WithPendingChange

    def change_view(self, request, object_id, form_url="", extra_context=None):
        post = self.get_object(request, object_id)
        pending = review.pending_change_for(post) if post is not None else None
        context = {
            **admin_views.provider_note(post),
            "pending_change": pending,
            "held_for_review": held_for_review(request, post),
            "may_review": review.may_publish(request.user),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.setdefault("held_for_review", held_for_review(request, obj))
        context["may_publish_posts"] = can_publish(request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if change and held_for_review(request, obj):
            # Readers keep the published text; an Editor approves this version (blog.review).
            request._closer_held = review.post_change_hold(
                post=obj, user=request.user, tag_names=form.cleaned_data.get("tags", [])
            )
            services.post_autosave_discard(post=obj, user=request.user)  # the form holds it
            return
        if not can_edit_any(request) and not change:
            obj.author = request.user
        publishing_intent_apply(request, obj)
        if not can_publish(request):
            # Read-only fields already ignore what is posted; this also stops any other path.
            before = Post.objects.filter(pk=obj.pk).values("status", "published_at").first()
            was = before or {"status": Post.Status.DRAFT, "published_at": None}
            if obj.status != was["status"] or obj.published_at != was["published_at"]:
                raise PermissionDenied("Only editors may publish, schedule or unpublish posts.")
        upload = form.cleaned_data.get("featured_image_upload")
        if upload:
            obj.featured_image = services.image_create(
                file=upload,
                alt_text=form.cleaned_data["featured_image_alt"],
                uploaded_by=request.user,
            )
        services.post_save(post=obj, user=request.user)
        if change:
            services.post_autosave_discard(post=obj, user=request.user)  # the form holds it

    def save_related(self, request, form, formsets, change):
        if change and held_for_review(request, form.instance):
            return  # tags wait in the pending change; videos are read-only here
        if change and form.instance.status == Post.Status.DRAFT:
            # A draft again, edited directly: a version held while it was published is stale.
            PendingChange.objects.filter(post=form.instance).delete()
        super().save_related(request, form, formsets, change)
        post = form.instance
        if post.body_format == Post.BodyFormat.MARKDOWN:
            for warning in body_warnings(form.cleaned_data.get("body", "")):
                messages.warning(request, warning)
        videos = {*post.inline_videos.all(), *post.attached_videos.all()}
        already_waiting = {video.pk for video in videos if video.metadata_pending}
        # Only enqueue: the fetch runs in the task worker after this transaction commits.
        # Said once: a save while a fetch is already waiting repeats nothing.
        queued = [
            video
            for video in videos_enqueue_metadata(videos=videos)
            if video.pk not in already_waiting
        ]
        if queued:
            messages.info(
                request,
                ngettext(
                    "The details and poster of %(count)d video are being fetched in the "
                    "background; the page shows a neutral poster until they arrive.",
                    "The details and posters of %(count)d videos are being fetched in the "
                    "background; the page shows neutral posters until they arrive.",
                    len(queued),
                )
                % {"count": len(queued)},
            )

    @admin.display(description="Now")
    def featured_image_preview(self, post):
        if not post.featured_image:
            return "—"
        return format_html(
            '<img class="closer-thumb" src="{}" alt="">',
            images.image_thumbnail_url(post.featured_image),
        )

    def response_add(self, request, obj, post_url_continue=None):
        return self._response_saved(request, obj) or super().response_add(request, obj)

    def _response_saved(self, request, obj):
        """After a writing-desk button: say what happened, link the page, stay in the editor."""
        intent = next((name for name in PUBLISHING_BUTTONS if name in request.POST), None)
        if intent is None:
            return None
        if obj.is_published:
            message = format_html(
                'Published: “{}”. <a href="{}" target="_blank">Read it on the site</a>.',
                obj.title,
                obj.get_absolute_url(),
            )
        elif obj.is_scheduled:
            local = timezone.localtime(obj.published_at)
            message = format_html(
                'Scheduled: “{}” appears on {}. <a href="{}" target="_blank">Preview it</a>.',
                obj.title,
                date_format(local, "j F Y, H:i"),
                obj.get_absolute_url(),
            )
        elif obj.review_requested_at and intent == "_submit_review":
            message = format_html(
                "Submitted for review: an editor publishes “{}”. "
                '<a href="{}" target="_blank">Preview it</a>.',
                obj.title,
                obj.get_absolute_url(),
            )
        else:
            message = format_html(
                'Draft saved. Readers cannot see it. <a href="{}" target="_blank">Preview it</a>.',
                obj.get_absolute_url(),
            )
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[obj.pk]))

    def construct_change_message(self, request, form, formsets, add=False):
        if hasattr(request, "_closer_held"):
            return "Changes held for an editor's review."  # nothing was saved to the post
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        if not hasattr(request, "_closer_held"):
            return self._response_saved(request, obj) or super().response_change(request, obj)
        if request._closer_held is None:
            self.message_user(request, "Nothing changed: readers see this version already.")
        else:
            self.message_user(
                request,
                "Your changes are kept for review: an editor approves them before readers see "
                "them. Until then the post stays as it is published; saving again replaces "
                "the changes awaiting review.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[obj.pk]))

    # --- List columns ---

    @admin.display(description="Status", ordering="status")
    def status_label(self, post):
        if post.is_scheduled:
            local = timezone.localtime(post.published_at)
            label = format_html("Scheduled for {}", date_format(local, "j M Y, H:i"))
        else:
            label = post.get_status_display()
            if post.status == Post.Status.DRAFT and post.review_requested_at:
                label = "Draft · submitted for review"
        pending = getattr(post, "pending_change", None)
        if pending is not None:
            who = pending.created_by.get_username() if pending.created_by else "an author"
            label = format_html("{} · pending changes by {}", label, who)
        return label

    @admin.display(description="Tags")
    def tag_names(self, post):
        return ", ".join(tag.name for tag in post.tags.all())

    # --- Bulk actions (editors only) ---

    @admin.action(description="Publish selected posts now", permissions=["publish"])
    def publish_now(self, request, queryset):
        count = services.posts_publish_now(posts=queryset)
        message = ngettext("Published %(count)d post.", "Published %(count)d posts.", count)
        self.message_user(request, message % {"count": count})

    @admin.action(description="Unpublish selected posts (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = services.posts_unpublish(posts=queryset)
        message = ngettext("Unpublished %(count)d post.", "Unpublished %(count)d posts.", count)
        self.message_user(request, message % {"count": count})

    @admin.action(description="Schedule selected posts…", permissions=["publish"])
    def schedule(self, request, queryset):
        form = ScheduleForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            when = form.cleaned_data["published_at"]
            count = services.posts_schedule(posts=queryset, when=when)
            local = date_format(timezone.localtime(when), "j M Y, H:i")
            message = ngettext(
                "Scheduled %(count)d post for %(when)s.",
                "Scheduled %(count)d posts for %(when)s.",
                count,
            )
            self.message_user(request, message % {"count": count, "when": local})
            return None
        return action_form_response(
            request,
            self,
            queryset,
            action="schedule",
            title="Schedule posts",
            form=form,
            intro="These posts will appear by themselves at the time you choose:",
        )


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagAdminForm
    list_display = ["name", "slug", "post_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["rename", "merge"]

    def get_queryset(self, request):
        # An Author never learns the tags that only someone else's drafts carry.
        tags = super().get_queryset(request).annotate(post_count=Count("tagged_posts"))
        return tags.filter(pk__in=review.tags_visible_to(request.user).values("pk"))

    @admin.display(description="Posts", ordering="post_count")
    def post_count(self, tag):
        return tag.post_count

    @admin.action(description="Rename the selected tag…", permissions=["change"])
    def rename(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one tag to rename.", messages.WARNING)
            return None
        tag = queryset.get()
        form = TagRenameForm(
            request.POST if "apply" in request.POST else None, tag=tag, initial={"name": tag.name}
        )
        if form.is_valid():
            old_slug = tag.slug
            services.tag_rename(tag=tag, name=form.cleaned_data["name"])
            self.message_user(
                request, f"Renamed the tag to “{tag.name}”; /tags/{old_slug}/ now redirects."
            )
            return None
        return action_form_response(
            request, self, queryset, action="rename", title=f"Rename “{tag.name}”", form=form
        )

    @admin.action(description="Merge the selected tags…", permissions=["change", "delete"])
    def merge(self, request, queryset):
        tags = queryset.order_by("name")
        if tags.count() < 2:
            self.message_user(request, "Select two or more tags to merge.", messages.WARNING)
            return None
        form = TagMergeForm(request.POST if "apply" in request.POST else None, tags=tags)
        if form.is_valid():
            into = form.cleaned_data["into"]
            count = services.tags_merge(into=into, tags=list(tags))
            message = ngettext(
                "Merged %(count)d tag into “%(into)s”.",
                "Merged %(count)d tags into “%(into)s”.",
                count,
            )
            self.message_user(request, message % {"count": count, "into": into.name})
            return None
        return action_form_response(
            request,
            self,
            tags,
            action="merge",
            title="Merge tags",
            form=form,
            intro="Posts keep every tag they had, under the name you keep:",
        )


@admin.register(Image)
class ImageAdmin(RefusedMediaWriteMixin, admin.ModelAdmin):
    form = ImageAdminForm
    formfield_overrides = SAFE_IMAGE_FIELDS
    list_display = [
        "thumbnail",
        "__str__",
        "shortcode_snippet",
        "size",
        "uploaded_by",
        "created_at",
    ]
    list_display_links = ["thumbnail", "__str__"]
    search_fields = ["alt_text", "caption", "credit"]
    list_filter = ["decorative", "created_at"]
    readonly_fields = ["shortcode_snippet", "preview", "size", "uploaded_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["file", "alt_text", "decorative", "caption", "credit"]}),
        ("Use it in a post", {"fields": ["shortcode_snippet", "preview", "size"]}),
        ("Upload", {"fields": ["uploaded_by", "created_at"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["closer/admin/editor.css"]}
        js = ["closer/admin/copy.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def get_inlines(self, request, obj):
        # Stills of an image once it is in the library: the upload form stays the plain one.
        return [still_admin.StillInline] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        # Every writer may use any library image; only editors change other people's.
        allowed = obj is None or can_edit_any(request) or obj.uploaded_by_id == request.user.pk
        return super().has_change_permission(request, obj) and allowed

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Image")
    def thumbnail(self, image):
        url = images.image_thumbnail_url(image)
        if not url:
            return "—"
        return format_html('<img class="closer-thumb" src="{}" alt="" loading="lazy">', url)

    @admin.display(description="Shortcode")
    def shortcode_snippet(self, image):
        if not image.pk:
            return "Save the image to get its shortcode."
        return format_html(
            '<code class="closer-snippet">{}</code> '
            '<button type="button" class="button closer-copy" data-copy="{}">Copy</button>'
            '<p class="closer-snippet-help">Paste it on a line of its own in a post body.</p>',
            image.shortcode,
            image.shortcode,
        )

    @admin.display(description="As readers see it")
    def preview(self, image):
        if not image.pk:
            return "—"
        return images.figure_html(image, sizes="(min-width: 60rem) 40rem, 90vw")

    @admin.display(description="Size")
    def size(self, image):
        if not image.width:
            return "—"
        size = f"{image.width}×{image.height}"
        if image.file and not image.renditions:
            # Made by the task worker after the upload (blog.images.image_make_renditions).
            return f"{size} · smaller copies for phones and screens are being made"
        return size


# Closer's posts use blog.Tag; taggit's own Tag model stays empty, so hide it from authors.
admin.site.unregister(taggit.models.Tag)


class WriterAwareVideoAdmin(RefusedMediaWriteMixin, VideoAdmin):
    """The Video admin, listing to an Author only the videos readers or their own posts show.

    Registered from here because only this side knows posts: videos stays a leaf.
    """

    def get_queryset(self, request):
        videos = super().get_queryset(request)
        return videos.filter(pk__in=review.videos_visible_to(request.user).values("pk"))


admin.site.unregister(Video)
admin.site.register(Video, WriterAwareVideoAdmin)
