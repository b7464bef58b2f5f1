from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pictures.pipeline import picture_data
from videos.captions import language_clean, language_name, transcript_lines
from videos.oembed import has_details_source
from videos.providers import PROVIDERS, VideoRef, format_timecode, get_provider

PROVIDER_CHOICES = [(name, provider.label) for name, provider in PROVIDERS.items()]

# The aspect ratios a facade box can take. CSP forbids inline styles, so each is a class in
# video.css; the nearest one to the video's real shape is chosen here.
ASPECT_RATIOS = {"16x9": 16 / 9, "4x3": 4 / 3, "1x1": 1.0, "9x16": 9 / 16, "21x9": 21 / 9}


class Health(models.TextChoices):
    UNCHECKED = "", "Not checked yet"
    OK = "ok", "Playable"
    REMOVED = "removed", "Removed by the provider"
    PRIVATE = "private", "Private"
    NOT_EMBEDDABLE = "not_embeddable", "Not embeddable"


FLAGGED = (Health.REMOVED, Health.PRIVATE, Health.NOT_EMBEDDABLE)


class VideoQuerySet(models.QuerySet):
    def by_keys(self, keys):
        """Return the videos named by "provider:video_id" keys, in one query."""
        condition = Q()
        for key in keys:
            provider, _, video_id = key.partition(":")
            condition |= Q(provider=provider, video_id=video_id)
        return self.filter(condition) if condition else self.none()

    def needing_metadata(self):
        """Return videos with an oEmbed provider never fetched, or whose last fetch failed."""
        providers = [name for name in PROVIDERS if has_details_source(name)]
        return self.filter(provider__in=providers).filter(
            Q(metadata_fetched_at__isnull=True) | ~Q(metadata_error="")
        )

    def flagged(self):
        """Return videos the provider says are removed, private or not embeddable."""
        return self.filter(health__in=FLAGGED)

    def remembered(self):
        """Return the videos whose facade is a memorial card (gone from their provider)."""
        return self.flagged().order_by("-unavailable_since", "pk")


# The long fields a poster tile or a listing card never shows: listings leave them unread.
LISTING_DEFERRED_FIELDS = ("description", "transcript", "caption_tracks", "metadata_error")


class Video(models.Model):
    url = models.URLField(max_length=2000, help_text="The address as first pasted.")
    provider = models.CharField(max_length=20, choices=PROVIDER_CHOICES)
    video_id = models.CharField(max_length=64)
    private_hash = models.CharField(
        max_length=32, blank=True, help_text="Vimeo's hash for unlisted videos."
    )
    playlist_id = models.CharField(max_length=64, blank=True)
    source_url = models.URLField(
        max_length=2000,
        blank=True,
        help_text="For a direct video file, a PeerTube video or a Bandcamp or SoundCloud page: "
        "its https address.",
    )
    embed_id = models.CharField(
        max_length=32,
        blank=True,
        help_text="The provider's own id for its player when the page address lacks it "
        "(Bandcamp), read from the page in the background.",
    )
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    poster_file = models.ImageField(upload_to="videos/posters/", blank=True)
    author_name = models.CharField(
        max_length=200, blank=True, help_text="The channel or uploader, from the provider."
    )
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    upload_date = models.DateField(null=True, blank=True)
    remote_poster_url = models.URLField(
        max_length=2000, blank=True, help_text="Where the provider keeps the poster."
    )
    transcript_url = models.URLField(
        max_length=2000, blank=True, help_text="A transcript or captions page for this video."
    )
    transcript = models.TextField(
        blank=True,
        help_text="What is said in the video, one line per moment: “[0:12] text” or “0:12 "
        "text”. Pages show it under the video, each time a link that plays from there; search "
        "finds essays by it. Left empty, it is filled from the first caption file uploaded.",
    )
    # The caption files as the player's <track>s, kept by videos.services.video_captions_sync
    # whenever a VideoCaption changes: pages read them from the Video they already fetched.
    caption_tracks = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The caption files: language, label and stored file name of each.",
    )
    metadata_fetched_at = models.DateTimeField(null=True, blank=True)
    metadata_error = models.CharField(max_length=500, blank=True)
    # The background fetch (videos.tasks): when it runs next, and how often it failed so far.
    metadata_next_try = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the details and poster are fetched in the background; empty when "
        "nothing is waiting.",
    )
    metadata_attempts = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="Failed background fetches since the details were last asked for.",
    )
    poster_renditions = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Our stored copies of the poster: name, format, width and height of each.",
    )
    poster_source_url = models.URLField(
        max_length=2000,
        blank=True,
        editable=False,
        help_text="The address the stored poster was downloaded from; empty when uploaded.",
    )
    health = models.CharField(
        max_length=20,
        choices=Health.choices,
        blank=True,
        default=Health.UNCHECKED,
        help_text="Whether the provider still lets the video play here (manage.py check_videos).",
    )
    health_checked_at = models.DateTimeField(null=True, blank=True)
    unavailable_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a check first found the video gone (its pages show a memorial card "
        "since); empty while it plays.",
    )
    artist = models.CharField(max_length=200, blank=True, help_text="For music videos.")
    director = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VideoQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["health"], name="videos_video_health")]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "video_id"], name="videos_video_unique_provider_id"
            )
        ]

    def __str__(self):
        return self.title or f"{self.provider_label} video {self.video_id}"

    def get_absolute_url(self):
        # The site serves this page, not this app: a video has one while a published essay
        # shows it, and it lists those essays (blog.video_pages, the "videos" URL namespace).
        return reverse(
            "videos:detail", kwargs={"provider": self.provider, "video_id": self.video_id}
        )

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.video_id}"

    @property
    def provider_label(self) -> str:
        return get_provider(self.provider).label

    @property
    def ref(self) -> VideoRef:
        return VideoRef(
            provider=self.provider,
            video_id=self.video_id,
            start_seconds=None,
            private_hash=self.private_hash or None,
            playlist_id=self.playlist_id or None,
            source_url=self.source_url or None,
            embed_id=self.embed_id or None,
        )

    @property
    def display_title(self) -> str:
        return self.title or f"{self.provider_label} {get_provider(self.provider).noun}"

    @property
    def duration_display(self) -> str:
        return format_timecode(self.duration_seconds) if self.duration_seconds else ""

    @property
    def duration_iso8601(self) -> str:
        """Return the duration as ISO 8601 ("PT3M32S"), as schema.org and sitemaps want."""
        if not self.duration_seconds:
            return ""
        hours, rest = divmod(self.duration_seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return "PT" + "".join(
            f"{value}{unit}"
            for value, unit in ((hours, "H"), (minutes, "M"), (seconds, "S"))
            if value
        )

    @property
    def aspect(self) -> str:
        """Return the nearest supported aspect ratio ("16x9" unless the provider said)."""
        if not (self.width and self.height):
            return "16x9"
        ratio = self.width / self.height
        return min(ASPECT_RATIOS, key=lambda name: abs(ASPECT_RATIOS[name] - ratio))

    @property
    def is_flagged(self) -> bool:
        return self.health in FLAGGED

    def set_health(self, health: str, *, now) -> None:
        """Store a check's answer (not saved): a newly gone video starts its memorial card."""
        if health in FLAGGED and not self.unavailable_since:
            self.unavailable_since = now
        elif health not in FLAGGED:
            self.unavailable_since = None
        self.health, self.health_checked_at = health, now

    @property
    def wayback_url(self) -> str:
        """Return the Wayback Machine's list of captures of the video's page (a plain link)."""
        return f"https://web.archive.org/web/*/{self.ref.watch_url()}"

    @property
    def metadata_pending(self) -> bool:
        """Return whether a background fetch of details and poster is waiting or running."""
        return self.metadata_next_try is not None

    @property
    def pending_note(self) -> str:
        """Return a line for staff about a waiting fetch, or ""."""
        if not self.metadata_pending:
            return ""
        if self.metadata_attempts:
            when = timezone.localtime(self.metadata_next_try).strftime("%H:%M")
            return (
                f"Details and poster are not here yet: the provider did not answer, "
                f"trying again at {when}."
            )
        return (
            "Details and poster are being fetched in the background; readers see a neutral "
            "poster until they arrive."
        )

    @property
    def fetch_failed(self) -> bool:
        """Return whether the last fetch of details or poster did not work."""
        return bool(self.metadata_error) or (self.metadata_pending and self.metadata_attempts > 0)

    @property
    def unavailable_note(self) -> str:
        label = self.provider_label
        return {
            Health.REMOVED: f"This video is no longer available on {label}.",
            Health.PRIVATE: f"This video is now private on {label}.",
            Health.NOT_EMBEDDABLE: f"{label} no longer lets this video play on other sites.",
        }.get(self.health, "")

    @property
    def poster(self) -> dict | None:
        """Return what the <picture> partial draws (``picture_data``), or None: no file opened."""
        if not self.poster_renditions and self.poster_file:
            # A poster stored before renditions existed: its size was never recorded.
            return picture_data([], src=self.poster_file.url, width=640, height=360)
        return picture_data(self.poster_renditions, storage=default_storage)

    @property
    def poster_url(self) -> str:
        """Return the largest stored poster (JPEG, for feeds and social cards), or ""."""
        poster = self.poster
        return poster["src"] if poster else ""

    @property
    def poster_absolute_url(self) -> str:
        """Return poster_url as an absolute URL (for JSON-LD, og:image and sitemaps)."""
        url = self.poster_url
        if url and url.startswith("/"):
            return settings.SITE_URL + url
        return url

    @property
    def embed_url(self) -> str:
        """Return the privacy-enhanced player URL (for JSON-LD embedUrl and sitemaps)."""
        return self.ref.embed_url()

    @property
    def missing_title(self) -> bool:
        return not self.title.strip()

    @property
    def transcript_lines(self) -> list:
        """Return the transcript as lines (a start time, or None, and the text)."""
        return transcript_lines(self.transcript)

    @property
    def caption_sources(self) -> list[dict]:
        """Return the <track>s of a file video: src, srclang and label of each caption file."""
        return [
            {
                "src": default_storage.url(track["file"]),
                "srclang": track["language"],
                "label": track["label"],
            }
            for track in self.caption_tracks
        ]


class VideoChapter(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="chapters")
    start_seconds = models.PositiveIntegerField(
        help_text="Where the chapter starts, in seconds from the beginning of the video."
    )
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["video", "start_seconds"]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "start_seconds"], name="videos_chapter_unique_start"
            )
        ]

    def __str__(self):
        return f"{self.timecode} {self.title}"

    @property
    def timecode(self) -> str:
        return format_timecode(self.start_seconds)


class VideoCaption(models.Model):
    """A WebVTT caption file for a video, in one language: the <track> of a file video."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(
        max_length=35,
        help_text="The language spoken in the captions, as a code: en, fr, pt-BR, zh-Hant.",
    )
    label = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the player's captions menu says; empty: the language's own name "
        "(English, Français).",
    )
    file = models.FileField(
        upload_to="videos/captions/",
        max_length=300,
        help_text="A WebVTT file (.vtt, UTF-8). It is checked, and we serve a clean copy of "
        "its cues.",
    )
    cue_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["video", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "language"], name="videos_caption_unique_language"
            )
        ]

    def __str__(self):
        return f"{self.display_label} captions"

    @property
    def display_label(self) -> str:
        return self.label or language_name(self.language)

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude)
        if not exclude or "language" not in exclude:
            try:
                self.language = language_clean(self.language)
            except ValidationError as error:
                raise ValidationError({"language": error.messages}) from None
