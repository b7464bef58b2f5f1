from django.db import models
from django.db.models import Q
from django.urls import reverse

from videos.providers import PROVIDERS, VideoRef, get_provider

PROVIDER_CHOICES = [(name, provider.label) for name, provider in PROVIDERS.items()]


class VideoQuerySet(models.QuerySet):
    def by_keys(self, keys):
        """Return the videos named by "provider:video_id" keys, in one query."""
        condition = Q()
        for key in keys:
            provider, _, video_id = key.partition(":")
            condition |= Q(provider=provider, video_id=video_id)
        return self.filter(condition) if condition else self.none()

    def discussed(self):
        """Return the ids of videos shown in at least one post readers may see."""
        from blog.models import Post

        published = Post.objects.published()
        return self.filter(
            Q(embedding_posts__in=published) | Q(attached_posts__in=published)
        ).values("pk")


class Video(models.Model):
    url = models.URLField(max_length=2000, help_text="The address as first pasted.")
    provider = models.CharField(max_length=20, choices=PROVIDER_CHOICES)
    video_id = models.CharField(max_length=64)
    private_hash = models.CharField(
        max_length=32, blank=True, help_text="Vimeo's hash for unlisted videos."
    )
    playlist_id = models.CharField(max_length=64, blank=True)
    source_url = models.URLField(
        max_length=2000, blank=True, help_text="For a direct video file: its https address."
    )
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    thumbnail = models.ImageField(upload_to="videos/posters/", blank=True)
    author_name = models.CharField(
        max_length=200, blank=True, help_text="The channel or uploader, from the provider."
    )
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    upload_date = models.DateField(null=True, blank=True)
    remote_thumbnail_url = models.URLField(
        max_length=2000, blank=True, help_text="Where the provider keeps the poster."
    )
    transcript_url = models.URLField(
        max_length=2000, blank=True, help_text="A transcript or captions page for this video."
    )
    metadata_fetched_at = models.DateTimeField(null=True, blank=True)
    metadata_error = models.CharField(max_length=500, blank=True)
    artist = models.CharField(max_length=200, blank=True, help_text="For music videos.")
    director = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VideoQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "video_id"], name="videos_video_unique_provider_id"
            )
        ]

    def __str__(self):
        return self.title or f"{self.provider_label} video {self.video_id}"

    def get_absolute_url(self):
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
        )

    def discussed_in(self) -> list:
        """Return the published posts showing this video (needs the views' prefetches)."""
        posts = {post.pk: post for post in self.inline_posts + self.attaching_posts}
        return sorted(posts.values(), key=lambda post: post.published_at, reverse=True)

    @property
    def display_title(self) -> str:
        return self.title or f"{self.provider_label} video"
