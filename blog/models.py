import html

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, NaturalKeyManager, TagBase

from blog import images, stills
from blog.rendering import BodyTooComplex, check_body, render, render_description
from blog.tag_names import tag_match_key
from videos.embed import cites_moments, clip_label, moments_in
from videos.models import LISTING_DEFERRED_FIELDS, Video
from videos.services import video_get_or_create_from_url

EXCERPT_WORDS = 40
# How much of the stored body a summary reads: 40 words of prose fit many times over.
SUMMARY_SOURCE_CHARS = 4000
WORDS_PER_MINUTE = 230


TAG_SLUG_BASE_CHARS = 90  # the slug field holds 100: room for a "-NN" suffix


def tag_slug_base(name: str) -> str:
    """Return the slug a tag name suggests (before making it unique); never empty.

    ASCII when the name transliterates (Björk → bjork), else its own letters (映画), else "tag".
    """
    slug = slugify(name) or slugify(name, allow_unicode=True)
    return slug[:TAG_SLUG_BASE_CHARS].strip("-_") or "tag"


class TagQuerySet(models.QuerySet):
    def public(self):
        """Return tags that at least one post readers may see carries."""
        return self.filter(
            pk__in=TaggedPost.objects.filter(content_object__in=Post.objects.published()).values(
                "tag"
            )
        )

    def public_named(self, slugs):
        """Return the public tags among slugs, for the few slugs a URL names.

        Asked tag by tag (does one published post carry it?) instead of against the list of
        every public tag, which SQLite builds from every published tagging: 12 ms at 10,000
        essays, against 0.6 ms (3 ms for a tag whose newest essay is the oldest). For many
        tags, public() stays the cheaper question.
        """
        # published()'s rule, through the tagging's post (a join by key, not a list of ids).
        carried = TaggedPost.objects.filter(
            _published_now(through="content_object__"), tag=models.OuterRef("pk")
        )
        return self.filter(models.Exists(carried), slug__in=slugs)


class Tag(TagBase):
    description = models.TextField(
        blank=True, help_text="Shown at the top of the tag page. Plain text."
    )
    # What near-duplicate names share ("Music Videos", "music-video"): blog.tag_names.
    match_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)

    # Keep taggit's natural-key lookups (backups serialise tags by name).
    objects = NaturalKeyManager.from_queryset(TagQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = "tag"
        verbose_name_plural = "tags"

    @classmethod
    def from_db(cls, db, field_names, values):
        tag = super().from_db(db, field_names, values)
        tag._loaded_slug = tag.__dict__.get("slug")
        return tag

    def get_absolute_url(self):
        return reverse("blog:tag", kwargs={"slugs": self.slug})

    @classmethod
    def free_slug(cls, name: str, *, exclude: int | None = None) -> str:
        """Return an unused slug for name: ASCII where it transliterates, never empty."""
        slug = base = tag_slug_base(name)
        n = 2
        while cls.objects.filter(slug=slug).exclude(pk=exclude).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def slugify(self, tag, i=None):
        # taggit's hook; save() below fills the slug first, so this only keeps the two in step.
        return tag_slug_base(tag) + (f"-{i}" if i is not None else "")

    def save(self, *args, **kwargs):
        # taggit would store an empty slug for "!!!" or "🎬", and every page linking it would
        # fail to reverse its URL: fill it here, so admin, autocomplete and importers all agree.
        if not self.slug:
            self.slug = self.free_slug(self.name, exclude=self.pk)
        self.match_key = tag_match_key(self.name)
        old_slug = getattr(self, "_loaded_slug", None)
        with transaction.atomic():
            super().save(*args, **kwargs)
            # The new slug is live again; the old one keeps working through a 301.
            RetiredTagSlug.objects.filter(slug=self.slug, tag=self).delete()
            if old_slug and old_slug != self.slug:
                RetiredTagSlug.objects.update_or_create(slug=old_slug, defaults={"tag": self})
        self._loaded_slug = self.slug


class RetiredTagSlug(models.Model):
    """A tag's former slug: /tags/<slug>/ answers with a 301 to the tag's page."""

    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="retired_slugs")
    retired_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return f"{self.slug} → {self.tag.slug}"


class TaggedPost(ItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_posts")
    content_object = models.ForeignKey("blog.Post", on_delete=models.CASCADE)
    # The tag's place in the author's list; empty for links added one by one (they follow).
    position = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="blog_taggedpost_unique_post_tag"
            )
        ]


# A post's tags in the author's order: set positions first, then links added later, oldest first.
TAG_ORDERING = [models.F("tagged_posts__position").asc(nulls_last=True), "tagged_posts__pk"]


class OrderedTagManager(_TaggableManager):
    """A post's tags: ``set()`` keeps the order it is given (the author's), not only the set."""

    def set(self, tags, *, through_defaults=None, **kwargs):
        tags = list(tags)
        super().set(tags, through_defaults=through_defaults, **kwargs)
        wanted = {}
        for index, tag in enumerate(tags):
            wanted.setdefault(getattr(tag, "name", tag).casefold(), index)
        links = self.through.objects.filter(**self._lookup_kwargs()).select_related("tag")
        for link in links:
            position = wanted.get(link.tag.name.casefold())
            if position != link.position:
                link.position = position
                # One by one, so the page cache hears of a change of order alone.
                link.save(update_fields=["position"])
        self._remove_prefetched_objects()


class OrderedTaggableManager(TaggableManager):
    """Tags shown and edited in the author's order (TaggedPost.position)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("manager", OrderedTagManager)
        kwargs.setdefault("ordering", TAG_ORDERING)
        super().__init__(**kwargs)

    def value_from_object(self, obj):
        # taggit reads the links unordered here; the form shows them as the author put them.
        if obj.pk is None:
            return []
        return list(getattr(obj, self.name).all())


# What a link to another essay shows (related essays, previous/next): never the bodies.
CARD_FIELDS = ("id", "title", "slug", "published_at", "excerpt", "featured_image")
# How many of each tag's newest taggings related_to() weighs: bounds its cost on a big site.
RELATED_CANDIDATES_PER_TAG = 200


def _published_now(through: str = "") -> models.Q:
    """Return the rule for a post readers may see; through names the relation to a post
    (``"content_object__"``) when the query is about something else."""
    return models.Q(
        **{
            f"{through}status": Post.Status.PUBLISHED,
            f"{through}published_at__lte": timezone.now(),
        }
    )


def card_video_prefetches() -> list:
    """Return the prefetches a card needs to find the poster that stands in for its essay."""
    return [
        models.Prefetch(
            "video_attachments",
            queryset=PostVideo.objects.select_related("video").defer(
                *(f"video__{name}" for name in LISTING_DEFERRED_FIELDS)
            ),
            to_attr="card_links",
        ),
        models.Prefetch(
            "inline_videos",
            queryset=Video.objects.defer(*LISTING_DEFERRED_FIELDS).order_by("pk"),
            to_attr="card_inline",
        ),
    ]


class PostQuerySet(models.QuerySet):
    def published(self):
        """Return posts visible to readers: published, and not scheduled for later."""
        return self.filter(_published_now())

    def visible_to(self, user):
        """Return the posts ``user`` may open: readers the published ones, staff also previews.

        Editors (who may change any post) preview every draft and scheduled post; an Author
        previews only their own.
        """
        if not user.is_staff:
            return self.published()
        if user.has_perm("blog.change_any_post"):
            return self.all()
        return self.filter(_published_now() | models.Q(author=user))

    def for_listing(self):
        """Return posts with what a listing card shows, in a fixed number of queries.

        The card's picture is the featured image or else a video's poster: the posts' videos
        come in two queries (attached, inline), whatever the number of posts.
        """
        return self.select_related("author__profile", "featured_image").prefetch_related(
            "tags", *card_video_prefetches()
        )

    def for_reading(self):
        """Return posts with everything their full body shows: videos, captions, chapters."""
        # The byline is the author's profile (never the login name): joined, not one per post.
        return self.select_related("author__profile", "featured_image").prefetch_related(
            *reading_prefetches()
        )

    @staticmethod
    def with_body_images(posts) -> list:
        """Return posts as a list, each with ``body_images``: the library images its body
        places, fetched for all of them in one query (none when no body places one)."""
        posts = list(posts)
        ids = set().union(*(images.placeholder_ids(post.body_html) for post in posts))
        found = Image.objects.in_bulk(ids) if ids else {}
        # Stills likewise: their image and video with them, one query when any body has one.
        still_ids = set().union(*(stills.placeholder_ids(post.body_html) for post in posts))
        found_stills = (
            Still.objects.select_related("image", "video").in_bulk(still_ids) if still_ids else {}
        )
        for post in posts:
            post.body_images = found
            post.body_stills = found_stills
        return posts

    def shown_videos(self):
        """Return the videos these posts show, inline or attached (a Video queryset)."""
        # Two plain id lists read off the link tables, so a video shown inline and attached is
        # still one row; an OR over two outer joins made SQLite join every video to both
        # tables (0.3 s per query at 20,000 videos).
        posts = self.values("pk")
        inline = Post.inline_videos.through.objects.filter(post__in=posts).values("video_id")
        attached = PostVideo.objects.filter(post__in=posts).values("video_id")
        return Video.objects.filter(models.Q(pk__in=inline) | models.Q(pk__in=attached))

    def for_cards(self):
        """Return posts with only what a link card shows (title, address, date, excerpt, image)."""
        return self.select_related("featured_image").only(*CARD_FIELDS)

    def related_to(self, post, limit: int = 3) -> list:
        """Return up to limit of these posts sharing the most tags with post, newest first among
        equals, with card fields only.

        Only the essays on the newest RELATED_CANDIDATES_PER_TAG taggings of each of post's
        tags compete (all of a rare tag's, the latest of a popular one's), each read straight
        off the tag index, and the count runs over their taggings instead of joining every
        published essay: about 250 ms at 10,000 essays on SQLite before, ~20 ms now, and
        bounded by the number of tags, not the size of the site.
        """
        return self.cards_in_order(self.related_ids(post, limit))

    def related_ids(self, post, limit: int = 3) -> list[int]:
        """Return the ids of related_to(post, limit), best first: the ranking alone."""
        tag_ids = [tag.pk for tag in post.tags.all()]
        if not tag_ids:
            return []
        in_window = models.Q()
        for tag_id in tag_ids:
            newest = TaggedPost.objects.filter(tag_id=tag_id).order_by("-pk").values("pk")
            in_window |= models.Q(pk__in=newest[:RELATED_CANDIDATES_PER_TAG])
        candidates = TaggedPost.objects.filter(in_window).values("content_object_id")
        ranked = (
            # Every shared tag of each candidate counts, not only those in the window.
            TaggedPost.objects.filter(tag_id__in=tag_ids, content_object_id__in=candidates)
            .exclude(content_object_id=post.pk)
            # A lookup by primary key per candidate: SQLite would otherwise walk the whole
            # published index to list the visible ids first.
            .filter(models.Exists(self.filter(pk=models.OuterRef("content_object_id"))))
            .values("content_object_id")
            .annotate(
                shared_tags=models.Count("pk"),
                published_at=models.Max("content_object__published_at"),
            )
            .order_by("-shared_tags", "-published_at", "-content_object_id")
            .values_list("content_object_id", flat=True)[:limit]
        )
        return list(ranked)

    def cards_in_order(self, ids: list[int]) -> list:
        """Return the posts with these ids as cards, in the order given (missing ones left out).

        Fetched by primary key alone: the ids come from a ranking over this queryset.
        """
        if not ids:
            return []
        # The cards' pictures: a featured image (joined) or a video's poster (two queries).
        cards = (
            Post.objects.filter(pk__in=ids)
            .for_cards()
            .prefetch_related(*card_video_prefetches())
            .in_bulk()
        )
        return [cards[pk] for pk in ids if pk in cards]

    def neighbours_of(self, post):
        """Return the posts just before and just after post (ties broken by id): titles, slugs."""
        at = post.published_at
        earlier = models.Q(published_at__lt=at) | models.Q(published_at=at, pk__lt=post.pk)
        later = models.Q(published_at__gt=at) | models.Q(published_at=at, pk__gt=post.pk)
        # A title and an address are all the links show (and all a kept copy holds).
        cards = self.only("id", "title", "slug", "published_at")
        # The plain range first, so the (status, published_at) index answers with one step.
        return (
            cards.filter(earlier, published_at__lte=at).order_by("-published_at", "-pk").first(),
            cards.filter(later, published_at__gte=at).order_by("published_at", "pk").first(),
        )


def reading_prefetches() -> list:
    """Return what a post's full page shows besides its row: tags, videos, captions, chapters."""
    return ["tags", *body_video_prefetches()]


def body_video_prefetches() -> list:
    """Return what expanding a post's body reads: its videos, inline and attached, with their
    chapters."""
    return [
        models.Prefetch("inline_videos", queryset=Video.objects.prefetch_related("chapters")),
        models.Prefetch(
            "video_attachments",
            queryset=PostVideo.objects.select_related("video").prefetch_related("video__chapters"),
        ),
    ]


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
        allow_unicode=True,  # imported WordPress slugs keep their letters (映画-評論)
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
    # An Author without publish rights pressed "Submit for review": an Editor publishes it.
    review_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    featured_image = models.ForeignKey(
        "blog.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="featured_on",
        help_text=(
            "A library image shown at the top of the post, on its card and in link previews. "
            "It needs a description."
        ),
    )
    tags = OrderedTaggableManager(through=TaggedPost, blank=True)
    series = models.ForeignKey(
        "blog.Series",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
        help_text="The multi-part essay this essay belongs to (Editors create series).",
    )
    series_part = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=(
            "Its place in the series: 1 for the first part. Left empty, it goes after the "
            "last part. Readers see the parts numbered from 1, counting only published ones."
        ),
    )
    attached_videos = models.ManyToManyField(
        "videos.Video", through="blog.PostVideo", related_name="attached_posts", blank=True
    )
    inline_videos = models.ManyToManyField(
        "videos.Video",
        related_name="inline_posts",
        blank=True,
        editable=False,
        help_text="Videos placed inside the body; kept in step with the body on save.",
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        indexes = [
            # Every reader list; updated_at too, so the archive sitemap's and the archive's
            # "last changed" read the index alone (on SQLite a row read walks the body's
            # overflow pages to reach the later columns: 140 → 11 ms at 10,000 essays).
            models.Index(
                fields=["status", "-published_at", "updated_at"], name="blog_post_status_pub_upd"
            ),
            # Author pages: without it SQLite walks every published post to find one author's
            # (340 ms at 10,000 essays for the count; 0.2 ms with it).
            models.Index(fields=["author", "status", "-published_at"], name="blog_post_author_pub"),
            # A series page and a part's "Part 2 of 5": the parts of one series, in order.
            models.Index(fields=["series", "series_part"], name="blog_post_series_part"),
        ]
        permissions = [
            ("publish_post", "Can publish, schedule and unpublish posts"),
            ("change_any_post", "Can edit posts written by others"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:post", kwargs={"slug": self.slug})

    def load_reading_prefetches(self):
        """Fetch reading_prefetches() for this post, once; return the post.

        A post page fetched without them (PostDetailView) calls this from each part it still
        has to render: when every part is kept, none of those queries runs.
        """
        if not self.__dict__.get("_reading_prefetched"):
            models.prefetch_related_objects([self], *reading_prefetches())
            self.__dict__["_reading_prefetched"] = True
        return self

    def shown_videos(self) -> list:
        """Return the videos this post shows, inline first, each once (uses prefetches)."""
        videos = {video.pk: video for video in self.inline_videos.all()}
        for link in self.video_attachments.all():
            videos.setdefault(link.video.pk, link.video)
        return list(videos.values())

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
    def word_count(self) -> int:
        """Return the number of words a reader sees in the body."""
        return len(strip_tags(self.body_html).split())

    @property
    def reading_minutes(self) -> int:
        """Return the reading time in whole minutes (at least one)."""
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    @property
    def summary(self) -> str:
        """Return the excerpt, or the first words of the body: plain text, for templates to escape."""
        if self.excerpt.strip():
            return self.excerpt.strip()
        # Asked for four times by a post page (description, standfirst, social, JSON-LD):
        # worked out once for the body it was worked out from.
        memo = self.__dict__.get("_summary_memo")
        if memo is not None and memo[0] is self.body_html:
            return memo[1]
        summary = self._summary_of_body()
        self.__dict__["_summary_memo"] = (self.body_html, summary)
        return summary

    def _summary_of_body(self) -> str:
        # Only the head of the body: strip_tags parses in Python, and a card needs 40 words,
        # not 1,200 (10 cards per listing). Cut before a tag, never inside one.
        head = self.body_html
        if len(head) > SUMMARY_SOURCE_CHARS:
            head = head[:SUMMARY_SOURCE_CHARS]
            head = head[: head.rfind("<")] if head.rfind("<") > head.rfind(">") else head
        # strip_tags keeps entities ("Tom &amp; Jerry"); the template would escape them again.
        text = html.unescape(strip_tags(head))
        if head is not self.body_html and len(text.split()) <= EXCERPT_WORDS:
            text = html.unescape(strip_tags(self.body_html))  # a head of markup: read it all
        return Truncator(text).words(EXCERPT_WORDS, truncate=" …")

    @property
    def attached_not_inline(self) -> list:
        """Return the attached videos that the body does not already show (from the prefetch)."""
        inline = {video.pk for video in self.inline_videos.all()}
        return [link for link in self.video_attachments.all() if link.video_id not in inline]

    @property
    def cover_video(self):
        """Return the video whose poster stands for the essay where it has no featured image.

        The first attached video with a poster, else the first inline one; None without any.
        Uses the listing's prefetch when there is one (``card_video_prefetches``).
        """
        if hasattr(self, "card_links"):
            candidates = [link.video for link in self.card_links] + self.card_inline
        else:
            candidates = [link.video for link in self.video_attachments.all()] + sorted(
                self.inline_videos.all(), key=lambda video: video.pk
            )
        return next((video for video in candidates if video.poster), None)

    def clean(self):
        super().clean()
        errors = {}
        if self.featured_image and not self.featured_image.alt:
            errors["featured_image"] = (
                "This image is marked decorative: a featured image stands "
                "for the essay in cards and link previews, so pick one with a description."
            )
        if self.series_part is not None and self.series_id is None:
            errors["series_part"] = "A part number needs a series: pick one, or leave it empty."
        try:
            # Before save() sends the body to the sanitizer: a hostile body is refused cheaply.
            check_body(self.body, self.body_format)
        except BodyTooComplex as error:
            errors["body"] = str(error)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        """Keep the row consistent: a slug, a publish date, and the body rendered from its text.

        The videos the body embeds are kept in step here too: the rendered body holds only
        placeholders, which the page fills from ``inline_videos``, so the two are one fact.
        History (revisions, old slugs' redirects) is not this method's business: writers call
        ``blog.services.post_save`` or ``post_record_history`` for it.
        """
        if not self.slug:
            self.slug = self._unique_slug()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if self.series_id is None:
            self.series_part = None
        elif self.series_part is None and (update_fields is None or "series" in update_fields):
            self.series_part = self.series.next_part_number(exclude=self.pk)
        # A status change from a bulk action leaves the text alone: no need to render it.
        rendered = None
        if update_fields is None or {"body", "body_format"} & set(update_fields):
            rendered = render(self.body, self.body_format)
            self.body_html = rendered.html
        with transaction.atomic():
            super().save(*args, **kwargs)
            if rendered is not None:
                self._sync_inline_videos(rendered.video_urls)
                self._sync_cited_moments()

    def _unique_slug(self) -> str:
        base = slugify(self.title)[:190] or "post"
        slug, n = base, 2
        while Post.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _sync_inline_videos(self, urls):
        self.inline_videos.set([video_get_or_create_from_url(url=url)[0] for url in urls])

    def shot_list(self) -> list:
        """Return the moments the body cites, with their videos (no query if it cites none)."""
        if not hasattr(self, "_shot_list"):
            self._shot_list = (
                list(self.cited_moments.select_related("video"))
                if cites_moments(self.body_html) or "<closer-still " in self.body_html
                else []
            )
        return self._shot_list

    def _sync_cited_moments(self):
        """Store the timecodes, clips and stills the body cites, so pages need not re-parse."""
        attached = self.video_attachments.select_related("video").first()
        found = cited_moments_unsaved(
            post=self,
            videos=list(self.inline_videos.all()),
            fallback=attached.video if attached else None,
        )
        self.cited_moments.all().delete()
        CitedMoment.objects.bulk_create(found)


def cited_moments_unsaved(*, post, videos, fallback) -> list:
    """Return the moments post's body_html cites, in order, as unsaved CitedMoments.

    Timecodes and clips point at the body's videos (or fallback); a still carries its own.
    """
    cited_stills = stills.cited_stills(post.body_html, Still.objects.all())
    by_key = {
        video.key: video for video in [*videos, *filter(None, [fallback]), *cited_stills.videos()]
    }
    found = moments_in(post.body_html, videos, fallback=fallback, cited=cited_stills.moment)
    return cited_moments_from(post, found, by_key)


def cited_moments_from(post, found, by_key) -> list:
    """Return found moments (``videos.embed.moments_in``) as unsaved CitedMoments of post, in
    order; a moment of a video not in by_key (video key → Video) is left out."""
    return [
        CitedMoment(
            post=post,
            video=by_key[moment.video_key],
            position=position,
            start_seconds=moment.start_seconds,
            end_seconds=moment.end_seconds,
            excerpt=moment.excerpt,
            anchor=moment.anchor,
        )
        for position, moment in enumerate(found)
        if moment.video_key in by_key
    ]


class SeriesQuerySet(models.QuerySet):
    def with_published_parts(self):
        """Return series that have published parts, each with ``part_count`` and ``latest_at``.

        Counted in the one query, drafts and scheduled parts left out.
        """
        now = timezone.now()
        published = models.Q(parts__status=Post.Status.PUBLISHED, parts__published_at__lte=now)
        return self.annotate(
            part_count=models.Count("parts", filter=published),
            latest_at=models.Max("parts__published_at", filter=published),
            parts_updated_at=models.Max("parts__updated_at", filter=published),
        ).filter(part_count__gt=0)


class Series(models.Model):
    """An ordered run of essays (a multi-part essay): each part is a Post with ``series`` set."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="The series' address: /series/<slug>/. Filled from the title when left empty.",
    )
    description = models.TextField(
        blank=True,
        help_text="Shown at the top of the series page and in its feed. Markdown: paragraphs, "
        "emphasis, links, lists and quotes.",
    )
    description_html = models.TextField(blank=True, editable=False)
    picture = models.ForeignKey(
        "blog.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A library image for the series page and the series index. It needs a "
        "description.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = "series"
        verbose_name_plural = "series"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:series", kwargs={"slug": self.slug})

    def get_feed_url(self):
        return reverse("blog:series-feed", kwargs={"slug": self.slug})

    def get_atom_url(self):
        return reverse("blog:series-atom", kwargs={"slug": self.slug})

    @property
    def summary(self) -> str:
        """Return the description as plain text, for meta tags and feeds to escape."""
        return html.unescape(strip_tags(self.description_html)).strip()

    def next_part_number(self, *, exclude=None) -> int:
        """Return the part number after the last one (drafts included)."""
        last = self.parts.exclude(pk=exclude).aggregate(last=models.Max("series_part"))["last"]
        return (last or 0) + 1

    def published_parts(self):
        """Return this series' parts readers may see, in order."""
        return Post.objects.published().filter(series=self).order_by(*SERIES_ORDER)

    def clean(self):
        super().clean()
        if self.picture and not self.picture.alt:
            raise ValidationError(
                {"picture": "This image is marked decorative: pick one with a description."}
            )

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slugify(self.title)[:190] or slugify(self.title, allow_unicode=True)[:190]
            base = base.strip("-_") or "series"
            slug, n = base, 2
            while Series.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        self.description_html = render_description(self.description)
        super().save(*args, **kwargs)


# The order of a series' parts: the part number, then (for equal numbers) the older first.
# A part without a number (written by .update()) goes last on every database.
SERIES_ORDER = (models.F("series_part").asc(nulls_last=True), "published_at", "pk")


class CitedMoment(models.Model):
    """A timecode or clip an essay cites, kept when the essay is saved (its shot list)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="cited_moments")
    video = models.ForeignKey(
        "videos.Video", on_delete=models.CASCADE, related_name="cited_moments"
    )
    position = models.PositiveIntegerField()
    start_seconds = models.PositiveIntegerField()
    end_seconds = models.PositiveIntegerField(null=True, blank=True)
    excerpt = models.TextField(blank=True, help_text="The sentence of the essay around it.")
    anchor = models.CharField(max_length=40, help_text="The id of the timecode's link.")

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return f"{self.label} in {self.post}"

    @property
    def label(self) -> str:
        return clip_label(self.start_seconds, self.end_seconds)


class PostVideo(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="video_attachments")
    video = models.ForeignKey(
        "videos.Video", on_delete=models.PROTECT, related_name="post_attachments"
    )
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


REVISED_FIELDS = ("title", "body", "excerpt")


class SearchDocument(models.Model):
    """What search matches for one post: the text readers see, kept in step by blog.search_index.

    Every post has one, drafts included: whether readers may see a post is decided when
    searching, so a scheduled essay becomes findable the moment its time comes. On SQLite an
    FTS5 table (blog_search_fts) indexes these rows through triggers; on PostgreSQL ``vector``
    holds the weighted tsvector, GIN-indexed (both created by migration 0004, not declared here:
    neither can be expressed for both databases).
    """

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title = models.TextField(blank=True)
    excerpt = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    videos = models.TextField(blank=True)
    body = models.TextField(blank=True)
    vector = SearchVectorField(null=True, editable=False)

    def __str__(self):
        return self.title


class RetiredPostSlug(models.Model):
    """A post's former slug: /posts/<slug>/ answers with a 301 to the post's page."""

    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="retired_slugs")
    retired_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return f"{self.slug} → {self.post.slug}"


class Revision(models.Model):
    """The text of a post as one save left it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    excerpt = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="post_revisions",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Text the editor kept while its writer typed, never put into the post: one per writer and
    # post, replaced by each autosave and dropped when that writer saves the form.
    is_autosave = models.BooleanField(
        default=False,
        help_text="Kept by the editor while typing; the post itself is unchanged.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "created_by"],
                condition=models.Q(is_autosave=True),
                name="blog_revision_one_autosave_per_writer",
            )
        ]

    def __str__(self):
        return f"{self.title} ({date_format(timezone.localtime(self.created_at), 'j M Y, H:i')})"


class Image(models.Model):
    """A picture in the library, placed in a body with its shortcode ``[image:ID]``."""

    file = models.ImageField(
        upload_to="images/%Y/%m/",
        validators=[images.validate_image_upload],
        help_text=(
            "JPEG, PNG, WebP or GIF. Metadata such as GPS position is removed and the "
            "orientation applied on upload."
        ),
    )
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required unless decorative.",
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Tick only when the image adds nothing a reader would miss; it gets empty alt text.",
    )
    caption = models.CharField(max_length=500, blank=True, help_text="Shown under the image.")
    credit = models.CharField(
        max_length=200, blank=True, help_text="Photographer or source, shown after the caption."
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    renditions = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Stored resized copies: name, format, width and height of each.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploaded_images",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decorative=True) | ~models.Q(alt_text=""),
                name="blog_image_alt_or_decorative",
            )
        ]

    def __str__(self):
        return self.alt_text or self.caption or f"Image {self.pk}"

    @property
    def alt(self) -> str:
        """Return the alt text readers get: empty for a decorative image."""
        return "" if self.decorative else self.alt_text

    @property
    def shortcode(self) -> str:
        return f"[image:{self.pk}]"

    def clean(self):
        super().clean()
        if not self.decorative and not self.alt_text.strip():
            raise ValidationError(
                {"alt_text": "Describe the image, or tick “decorative” if it adds nothing."}
            )

    def save(self, *args, **kwargs):
        new_file = bool(self.file) and not self.file._committed
        if new_file:
            images.image_store_upload(self)
        super().save(*args, **kwargs)
        if new_file:
            # Every way an image arrives (admin, editor upload, import, demo) passes here.
            images.image_enqueue_renditions(self)


class Still(models.Model):
    """A frame of a video quoted as a picture: a library image, the video and the moment.

    Placed in a body with ``[still:ID]``: readers get the picture captioned with the video's
    credits and the time, and pressing it plays the video from there (``blog.stills``).
    """

    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="stills")
    video = models.ForeignKey("videos.Video", on_delete=models.PROTECT, related_name="stills")
    at_seconds = models.PositiveIntegerField(help_text="The moment of the video the frame is from.")
    caption = models.CharField(
        max_length=500,
        blank=True,
        help_text="What the essay says about this frame; empty: the image's own caption.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.video} at {self.timecode}"

    @property
    def timecode(self) -> str:
        return clip_label(self.at_seconds, None)

    @property
    def shortcode(self) -> str:
        return f"[still:{self.pk}]"

    @property
    def shown_caption(self) -> str:
        return self.caption or self.image.caption

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._sync_placing_posts()

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            self._sync_placing_posts()
        return result

    def _sync_placing_posts(self):
        # The shot lists of the essays placing it carry its video and time.
        for post in Post.objects.filter(body_html__contains=still_placeholder(self.pk)):
            post._sync_cited_moments()


def still_placeholder(pk) -> str:
    """Return the placeholder a stored body holds where it places still pk."""
    return f'<closer-still data-id="{pk}"></closer-still>'


class PendingChange(models.Model):
    """An Author's edit of a published post, held until an Editor approves it (blog.review)."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="pending_change")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    excerpt = models.TextField(blank=True)
    body = models.TextField(blank=True)
    body_format = models.CharField(max_length=10, choices=Post.BodyFormat.choices)
    tag_names = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="pending_post_changes",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The post as it was when the author saved: an editor sees whether it has moved on since.
    post_updated_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "pending change"

    def __str__(self):
        return f"Changes to “{self.post}” awaiting review"


class ContentVersion(models.Model):
    """One row: the version of everything readers see, moved on by every change they would see.

    Kept in the database, not the cache, because the local-memory cache is private to each
    gunicorn worker: a change made in one worker must reach the pages cached by all of them.
    Its fields are only ever written by ``blog.page_cache.content_version_bump()``.
    """

    generation = models.BigIntegerField(default=0)
    # Unix seconds for Last-Modified: strictly greater for every committed transaction.
    last_modified = models.BigIntegerField(default=0)
    # When the last bump ran: essays scheduled after it are the next change that needs no save.
    bumped_at = models.DateTimeField(default=timezone.now)
    # The transaction that made the last bump, so one transaction moves Last-Modified once.
    transaction_token = models.CharField(max_length=32, blank=True)

    def __str__(self):
        return f"content version {self.generation}"


class ImportedItem(models.Model):
    """A post or image brought in from another site's export: a second import updates it.

    Keyed by the exporting site (its base URL), the kind of item and its id there (a WordPress
    post id, or an upload's path after ``/uploads/``). Old ``/?p=ID`` addresses resolve here.
    """

    source = models.CharField(max_length=300)
    kind = models.CharField(max_length=20)  # "post", "page" or "media"
    source_id = models.CharField(max_length=300)
    guid = models.CharField(max_length=500, blank=True)
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="imported_from"
    )
    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, null=True, blank=True, related_name="imported_from"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="blog_importeditem_unique_source"
            )
        ]
        indexes = [models.Index(fields=["kind", "source_id"], name="blog_imported_kind_id")]

    def __str__(self):
        return f"{self.kind} {self.source_id} from {self.source}"


# --- Authors as people -------------------------------------------------------------------------

AUTHOR_SLUG_BASE_CHARS = 110  # the slug field holds 120: room for a "-NN" suffix


def author_placeholder_name(user_pk: int) -> str:
    """Return the name an account without a full name is published under (never its login)."""
    return f"Author {user_pk}"


class AuthorProfile(models.Model):
    """What readers see of an account: its display name, bio, avatar and links.

    The login name stays private: bylines, author pages, feeds and JSON-LD read this row, and
    the author URL is a slug of the display name.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        max_length=100, help_text="The name readers see in bylines, feeds and your author page."
    )
    slug = models.SlugField(
        max_length=120,
        unique=True,
        allow_unicode=True,
        help_text="Your author page's address: /authors/<slug>/. Filled from the display name.",
    )
    bio = models.TextField(
        max_length=600, blank=True, help_text="A few sentences, plain text, shown on your page."
    )
    avatar = models.ForeignKey(
        Image,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A picture from the image library (uploaded through its checks).",
    )
    links = models.TextField(
        blank=True, help_text="Your site or profiles elsewhere: one https:// address per line."
    )

    class Meta:
        verbose_name = "author profile"

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("blog:author", args=[self.slug])

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def clean(self):
        check = URLValidator(schemes=["https", "http"])
        for number, line in enumerate(self.link_list, start=1):
            try:
                check(line)
            except ValidationError:
                raise ValidationError(
                    {"links": f"Line {number} is not a web address: “{line[:80]}”."}
                ) from None

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = author_slug_unique(self.display_name, exclude_pk=self.pk)
        super().save(*args, **kwargs)


def author_slug_unique(display_name: str, *, exclude_pk=None, profiles=None) -> str:
    """Return a free author slug for display_name ("jane-doe", then "jane-doe-2", ...)."""
    profiles = AuthorProfile.objects if profiles is None else profiles
    base = (slugify(display_name) or slugify(display_name, allow_unicode=True) or "author")[
        :AUTHOR_SLUG_BASE_CHARS
    ].strip("-_") or "author"
    taken = set(
        profiles.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def author_profile_for(user) -> AuthorProfile:
    """Return user's profile, creating it (full name, else "Author N") the first time."""
    try:
        return user.profile
    except AuthorProfile.DoesNotExist:
        profile, _ = AuthorProfile.objects.get_or_create(
            user=user,
            defaults={"display_name": user.get_full_name() or author_placeholder_name(user.pk)},
        )
        user.profile = profile
        return profile


def author_profile_on_user_created(sender, instance, created, raw=False, **kwargs):
    """Give every new account a profile, so a byline never needs the login name."""
    if created and not raw:  # a fixture load brings its own rows
        author_profile_for(instance)


# --- Shared drafts -----------------------------------------------------------------------------


class DraftShareQuerySet(models.QuerySet):
    def active(self):
        """Return links that still open: neither revoked nor past their expiry."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class DraftShare(models.Model):
    """A secret link that shows a post's current draft to someone without an account.

    Only a digest of the token is stored (blog.shares): the link is shown once, when made.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="draft_shares")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(
        max_length=100,
        blank=True,
        help_text="Who the link is for (“the rights holder”), so you know which one to revoke.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="draft_shares",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    opened_count = models.PositiveIntegerField(default=0)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    objects = DraftShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "shared draft link"

    def __str__(self):
        return f"Shared draft of “{self.post}”" + (f" for {self.label}" if self.label else "")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
