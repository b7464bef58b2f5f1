from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from pictures.forms import PictureFormField
from videos.captions import (
    language_clean,
    transcript_clean,
    webvtt_parse,
    webvtt_write,
)
from videos.fetch import FetchError
from videos.models import FLAGGED, Video, VideoCaption, VideoChapter
from videos.posters import poster_clean, poster_delete, poster_rules
from videos.services import video_check_health, video_set_poster, video_transcript_fill
from videos.tasks import videos_enqueue_metadata


class VideoChapterInline(admin.TabularInline):
    model = VideoChapter
    extra = 1
    fields = ["start_seconds", "title"]
    verbose_name_plural = "Chapters (shown under the video as links that jump to each)"


class VideoCaptionForm(forms.ModelForm):
    class Meta:
        model = VideoCaption
        fields = ["language", "label", "file"]
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": ".vtt,text/vtt"})}

    def clean_language(self):
        return language_clean(self.cleaned_data.get("language", ""))

    def clean_file(self):
        """Parse a new upload; keep the clean copy written from its cues in its place."""
        upload = self.cleaned_data.get("file")
        self.cues = []
        if not upload or "file" not in self.changed_data or not hasattr(upload, "read"):
            return upload
        limit = settings.CLOSER_MAX_CAPTION_BYTES
        if upload.size is not None and upload.size > limit:
            raise ValidationError(
                f"This caption file is {upload.size // 1024:,} KB; the limit is "
                f"{limit // 1024:,} KB."
            )
        self.cues = webvtt_parse(upload.read(limit + 1))
        self.instance.cue_count = len(self.cues)
        name = f"{self.cleaned_data.get('language') or 'captions'}.vtt"
        return ContentFile(webvtt_write(self.cues).encode("utf-8"), name=name)


class VideoCaptionInline(admin.TabularInline):
    model = VideoCaption
    form = VideoCaptionForm
    extra = 1
    fields = ["language", "label", "file", "cue_count"]
    readonly_fields = ["cue_count"]
    verbose_name_plural = (
        "Captions (WebVTT files, one per language: the captions menu of a video file's "
        "player; the first also fills an empty transcript)"
    )


class AttentionFilter(admin.SimpleListFilter):
    """The videos an editor should look at: untitled, failed fetches, flagged by the provider."""

    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("any", "Any problem"),
            ("untitled", "No title"),
            ("fetch", "Details or poster failed"),
            ("flagged", "Gone: shown as a memorial card"),
        ]

    def queryset(self, request, queryset):
        conditions = {
            "untitled": Q(title=""),
            "fetch": ~Q(metadata_error=""),
            "flagged": Q(health__in=FLAGGED),
        }
        if self.value() == "any":
            return queryset.filter(
                conditions["untitled"] | conditions["fetch"] | conditions["flagged"]
            )
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return queryset


class PosterFormField(PictureFormField):
    """An uploaded poster: the same checks as a downloaded one."""

    rules = staticmethod(poster_rules)


class VideoAdminForm(forms.ModelForm):
    # No Meta: the admin builds the fields (VideoAdmin.formfield_overrides reads scheme-less
    # URLs as https) and only adds this class's checks.
    poster_file = PosterFormField(
        label="Poster",
        required=False,
        widget=AdminFileWidget,
        help_text="JPEG, PNG or WebP. Replaces the provider's; clear it to fetch theirs again.",
    )

    def clean_transcript(self):
        return transcript_clean(self.cleaned_data.get("transcript", ""))

    def clean_poster_file(self):
        """Keep the clean poster of a new upload (the field already checked it) for save_model."""
        upload = self.cleaned_data.get("poster_file")
        self.poster = None
        if upload and "poster_file" in self.changed_data and hasattr(upload, "read"):
            self.poster = poster_clean(upload)
        return upload


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    form = VideoAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "poster_preview",
        "__str__",
        "provider",
        "health_label",
        "unavailable_since",
        "attention",
        "year",
    ]
    list_display_links = ["poster_preview", "__str__"]
    list_filter = [AttentionFilter, "health", "provider", "year"]
    search_fields = ["title", "artist", "director", "author_name", "video_id", "url"]
    readonly_fields = [
        "poster_preview",
        "url",
        "provider",
        "video_id",
        # These come from parsing the pasted URL (videos.providers); editing them by hand
        # would put unchecked addresses into players, links and the sitemap.
        "private_hash",
        "playlist_id",
        "source_url",
        "remote_poster_url",
        "metadata_fetched_at",
        "metadata_error",
        "metadata_next_try",
        "metadata_attempts",
        "health",
        "health_checked_at",
        "unavailable_since",
        "embed_id",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["url", "provider", "video_id", "title", "description"]}),
        ("Credits", {"fields": ["artist", "director", "year", "author_name", "upload_date"]}),
        ("Accessibility", {"fields": ["transcript", "transcript_url"]}),
        ("Poster", {"fields": ["poster_preview", "poster_file"]}),
        (
            "From the provider",
            {
                "fields": [
                    "duration_seconds",
                    "width",
                    "height",
                    "remote_poster_url",
                    "metadata_fetched_at",
                    "metadata_error",
                    "metadata_next_try",
                    "metadata_attempts",
                    "health",
                    "health_checked_at",
                    "unavailable_since",
                ],
                "description": "Filled in from the provider when a post using the video is "
                "saved; anything you change here is kept.",
            },
        ),
        (
            "Advanced",
            {
                "fields": [
                    "private_hash",
                    "playlist_id",
                    "source_url",
                    "embed_id",
                    "created_at",
                    "updated_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [VideoChapterInline, VideoCaptionInline]
    actions = ["refresh_metadata", "check_health"]

    @admin.display(description="Poster")
    def poster_preview(self, video):
        poster = video.poster
        if not poster:
            return "—"
        return format_html('<img src="{}" alt="" width="160" height="90">', poster["src"])

    @admin.display(description="Health", ordering="health")
    def health_label(self, video):
        return video.get_health_display()

    @admin.display(description="Needs attention")
    def attention(self, video):
        notes = (["Details on their way"] if video.metadata_pending else []) + self.problems(video)
        return "; ".join(notes) or "—"

    @staticmethod
    def problems(video) -> list[str]:
        problems = []
        # While the fetch is pending a missing title is expected: the provider's is coming.
        if video.missing_title and not video.metadata_pending:
            problems.append("No title: readers and screen readers only hear the provider's name")
        if video.is_flagged:
            problems.append(
                f"{video.unavailable_note} Its essays show a memorial card (the poster, the "
                "credits and a Wayback Machine link) until a check finds it playing again."
            )
        if video.metadata_error:
            problems.append(video.metadata_error)
        return problems

    def change_view(self, request, object_id, form_url="", extra_context=None):
        video = self.get_object(request, object_id)
        if video is not None and request.method == "GET":
            if video.metadata_pending:
                messages.info(request, video.pending_note)
            for problem in self.problems(video):
                messages.warning(request, problem)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and "attention" not in request.GET:
            gone = Video.objects.flagged().count()
            if gone:
                url = reverse("admin:videos_video_changelist") + "?attention=flagged"
                messages.warning(
                    request,
                    format_html(
                        ngettext(
                            "{count} video is gone from its provider: its essays show a "
                            'memorial card. <a href="{url}">Show it</a>.',
                            "{count} videos are gone from their providers: their essays show "
                            'a memorial card. <a href="{url}">Show them</a>.',
                            gone,
                        ),
                        count=gone,
                        url=url,
                    ),
                )
            untitled = Video.objects.filter(title="").count()
            if untitled:
                url = reverse("admin:videos_video_changelist") + "?attention=untitled"
                messages.warning(
                    request,
                    format_html(
                        ngettext(
                            '{count} video has no title. <a href="{url}">Show it</a>.',
                            '{count} videos have no title. <a href="{url}">Show them</a>.',
                            untitled,
                        ),
                        count=untitled,
                        url=url,
                    ),
                )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        poster = getattr(form, "poster", None)
        if poster:
            # Store our re-encoded copies, never the uploaded file itself.
            video_set_poster(video=obj, picture=poster, source_url="")
        elif "poster_file" in form.changed_data and not obj.poster_file:
            # Cleared: drop our copies too; the next refresh fetches the provider's again.
            poster_delete(renditions=obj.poster_renditions)
            obj.poster_renditions, obj.poster_source_url = [], ""
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not VideoCaption:
            return
        # An empty transcript is filled from the first caption file uploaded with it.
        uploaded = [cues for cues in (getattr(f, "cues", None) for f in formset.forms) if cues]
        if uploaded and video_transcript_fill(video=form.instance, cues=uploaded[0]):
            messages.info(
                request,
                "The transcript was empty: it now holds the captions' text, which you can edit.",
            )

    @admin.action(description="Fetch details and posters again")
    def refresh_metadata(self, request, queryset):
        queued = videos_enqueue_metadata(videos=queryset, again=True)
        messages.info(
            request,
            ngettext(
                "%(count)d video is being fetched again in the background.",
                "%(count)d videos are being fetched again in the background.",
                len(queued),
            )
            % {"count": len(queued)},
        )

    @admin.action(description="Check whether they still play")
    def check_health(self, request, queryset):
        for video in queryset:
            try:
                health = video_check_health(video=video)
            except FetchError as error:
                messages.warning(request, f"{video}: could not ask the provider: {error}")
                continue
            if video.is_flagged:
                messages.warning(request, f"{video}: {video.unavailable_note}")
            else:
                messages.info(request, f"{video}: {Video(health=health).get_health_display()}.")

    def has_add_permission(self, request):
        # Videos come from pasting a URL into a post, which parses and de-duplicates it.
        return False
