from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from blog.rendering import render

EXCERPT_WORDS = 40


class Tag(TagBase):
    description = models.TextField(
        blank=True, help_text="Shown at the top of the tag page. Plain text."
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "tag"
        verbose_name_plural = "tags"

    def get_absolute_url(self):
        return reverse("blog:tag", kwargs={"slugs": self.slug})


class TaggedPost(ItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_posts")
    content_object = models.ForeignKey("blog.Post", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="blog_taggedpost_unique_post_tag"
            )
        ]


class PostQuerySet(models.QuerySet):
    def published(self):
        """Return posts visible to readers: published, and not scheduled for later."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """Return posts with what a listing card shows, in a fixed number of queries."""
        return self.select_related("author").prefetch_related("tags")


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        HTML = "html", "HTML (imported content)"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The last part of the post's address. Filled from the title when left empty.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    excerpt = models.TextField(
        blank=True,
        help_text="A short summary for listings and feeds. Left empty, the start of the body is used.",
    )
    body = models.TextField(
        blank=True,
        help_text=(
            "Markdown. A YouTube, Vimeo or Dailymotion link alone on its own line "
            "becomes an embedded video at that place."
        ),
    )
    body_format = models.CharField(
        max_length=10, choices=BodyFormat.choices, default=BodyFormat.MARKDOWN
    )
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            "When readers may see the post. A future date schedules it: it appears by itself "
            "at that time. Left empty when publishing, it is set to now."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    featured_image = models.ImageField(upload_to="featured/%Y/%m/", blank=True)
    featured_image_alt = models.CharField(
        max_length=300,
        blank=True,
        help_text="Describe the image for readers who cannot see it.",
    )
    tags = TaggableManager(through=TaggedPost, blank=True)
    videos = models.ManyToManyField(
        "videos.Video", through="blog.PostVideo", related_name="attached_posts", blank=True
    )
    embedded_videos = models.ManyToManyField(
        "videos.Video",
        related_name="embedding_posts",
        blank=True,
        editable=False,
        help_text="Videos placed inside the body; kept in step with the body on save.",
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        indexes = [models.Index(fields=["status", "-published_at"], name="blog_post_status_pub")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:post", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        """Return whether readers may see this post now."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def summary(self) -> str:
        """Return the excerpt, or the first words of the body when there is none."""
        if self.excerpt.strip():
            return self.excerpt.strip()
        return Truncator(strip_tags(self.body_html)).words(EXCERPT_WORDS, truncate=" …")

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        rendered = render(self.body, self.body_format)
        self.body_html = rendered.html
        super().save(*args, **kwargs)
        self._sync_embedded_videos(rendered.video_urls)

    def _unique_slug(self) -> str:
        base = slugify(self.title)[:190] or "post"
        slug, n = base, 2
        while Post.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _sync_embedded_videos(self, urls):
        from videos.services import video_get_or_create_from_url

        self.embedded_videos.set([video_get_or_create_from_url(url=url)[0] for url in urls])


class PostVideo(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_videos")
    video = models.ForeignKey("videos.Video", on_delete=models.PROTECT, related_name="post_links")
    position = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    caption = models.CharField(max_length=500, blank=True)
    start_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Where playback starts, taken from the pasted URL."
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "attached video"
        constraints = [
            models.UniqueConstraint(fields=["post", "video"], name="blog_postvideo_unique_video")
        ]

    def __str__(self):
        return f"{self.video} in {self.post}"
