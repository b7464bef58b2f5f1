"""Import a WordPress export (WXR) into Closer: posts, authors, terms, images — in one transaction.

``wordpress_import(...)`` is the service; ``manage.py import_wordpress`` is a thin shell over it.
Everything is keyed by the exporting site and the WordPress post id (``ImportedItem``), so a
second run updates what changed and duplicates nothing. A dry run does the whole import inside
the transaction and rolls it back, so its report is exactly what a real run would do.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from blog import services
from blog.importers import wp_markup
from blog.importers.wxr import WXRItem, WXRSite, WXRTerm, wxr_parse
from blog.models import (
    REVISED_FIELDS,
    CitedMoment,
    Image,
    ImportedItem,
    Post,
    Revision,
    Tag,
    TaggedPost,
    cited_moments_from,
)
from blog.page_cache import content_version_batched
from blog.rendering import BodyTooComplex, check_body, render
from blog.search_index import search_index_refresh
from pictures.pipeline import PictureError, renditions_delete
from videos.embed import cites_moments, moments_in
from videos.services import video_get_or_create_from_url

IMPORTED_STATUSES = {"publish", "future", "draft", "pending", "private"}
PAGE_TAG = "page"
UNTITLED = "Untitled"
SKIPPED_CATEGORIES = {"uncategorized"}  # WordPress's default: it says nothing about a post
BATCH_SIZE = 500  # new posts held in memory before one bulk write


@dataclass
class WordPressComment:
    """An approved WordPress comment, translated for an app that keeps comments."""

    key: str  # the exporting site and the comment's id there: the same on every import
    parent_key: str  # the comment it answers ("" for one on the post)
    name: str
    email: str
    website: str
    body: str  # Closer's comment Markdown (see wp_markup.comment_markdown)
    created_at: datetime
    label: str  # for the report: which comment, on which post


@dataclass
class CommentsImported:
    """What a receiver of ``wordpress_comments`` did with them."""

    imported: int = 0
    existing: int = 0  # imported by an earlier run: left as they are (moderated here since)
    refused: list[str] = field(default_factory=list)  # report lines


# Sent once per import, after the posts are written, with ``source`` and ``threads``: a list of
# (post, [WordPressComment, …]). The blog knows nothing of comments: an app that keeps them
# connects a receiver that writes them, sends no mail, and returns a CommentsImported.
wordpress_comments = Signal()


class _RollBack(Exception):
    """Raised at the end of a dry run to undo everything it did."""


@dataclass
class ImportReport:
    dry_run: bool = False
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)
    unconverted: list[str] = field(default_factory=list)
    media_links: list[str] = field(default_factory=list)
    images_kept: list[str] = field(default_factory=list)
    images_imported: int = 0
    users_created: list[str] = field(default_factory=list)
    tags_created: list[str] = field(default_factory=list)
    comments: Counter = field(default_factory=Counter)  # WordPress comments by kind
    # Filled when an app keeps comments (the comments app answers ``wordpress_comments``).
    comments_kept: bool = False
    comments_imported: int = 0
    comments_existing: int = 0
    comments_refused: list[str] = field(default_factory=list)
    sticky: list[str] = field(default_factory=list)
    formats: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """Return the report as lines of plain text, the summary first."""
        would = "Would import" if self.dry_run else "Imported"
        lines = [
            f"{would} {len(self.imported)} new, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, skipped {len(self.skipped)}; "
            f"{self.images_imported} images, {len(self.users_created)} new authors, "
            f"{len(self.tags_created)} new tags."
        ]
        if self.comments_kept:
            skipped = {k: n for k, n in self.comments.items() if k != "approved comments"}
            refused = len(self.comments_refused)
            lines.append(
                f"Comments: {self.comments_imported} imported, {self.comments_existing} already "
                "here"
                + (f", {refused} refused" if refused else "")
                + "; skipped: "
                + (", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items())) or "none")
                + "."
            )
        elif self.comments:
            lines.append(
                "Comments not imported (Closer has no comments here): "
                + ", ".join(f"{n} {kind}" for kind, n in sorted(self.comments.items()))
            )
        if self.sticky:
            lines.append(
                "Sticky in WordPress (Closer has no sticky posts): " + ", ".join(self.sticky)
            )
        if self.formats:
            lines.append(
                "Post formats (not kept): "
                + ", ".join(f"{n} {name}" for name, n in sorted(self.formats.items()))
            )
        for title, entries in (
            ("Skipped", self.skipped),
            ("Notes", self.notes),
            ("Missing media (a visible placeholder stands in the body)", self.missing_media),
            ("Not converted (kept as text or a link)", self.unconverted),
            ("Audio and video files kept as links to the old site", self.media_links),
            ("Comments not imported", self.comments_refused),
            ("Images kept as <img> rather than the library's [image:ID]", self.images_kept),
        ):
            if entries:
                lines.append(f"{title}:")
                lines += [f"  - {entry}" for entry in entries]
        return lines


def wordpress_import(
    *,
    source,
    media_dir: str | Path | None = None,
    dry_run: bool = False,
    author=None,
    pages: bool = False,
    progress=None,
) -> ImportReport:
    """Import a WXR file (path or binary file); raise WXRError for a file that is not one.

    ``author``: a user every post is given to (else WordPress's authors, created inactive).
    ``progress(done, total, title)`` is called after each item. Either everything is imported
    or nothing is: any exception rolls the database back and removes the files stored so far.
    """
    site = wxr_parse(source)
    report = ImportReport(dry_run=dry_run)
    importer = _Importer(site, report, media_dir=media_dir, author=author, pages=pages)
    try:
        with transaction.atomic(), content_version_batched():
            importer.run(progress)
            if dry_run:
                raise _RollBack
    except _RollBack:
        importer.delete_stored_files()
    except BaseException:
        importer.delete_stored_files()
        raise
    return report


class _Importer:
    def __init__(self, site: WXRSite, report: ImportReport, *, media_dir, author, pages):
        self.site, self.report = site, report
        self.source = site.base_url or site.title or "wordpress"
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.author, self.pages = author, pages
        self.users: dict[str, object] = {}
        self.tags: dict[tuple[str, str], Tag] = {}
        self.images_by_path: dict[str, Image | None] = {}
        self.stored_images: list[Image] = []
        self.library: dict[int, wp_markup.LibraryImage] = {}
        self.attachments = {
            item.post_id: item for item in site.items if item.post_type == "attachment"
        }
        self.alt_by_url = {
            item.attachment_url: item.meta.get("_wp_attachment_image_alt", "").strip()
            for item in self.attachments.values()
            if item.attachment_url
        }

    # --- The run ----------------------------------------------------------------------------

    def run(self, progress) -> None:
        self.preload()
        items = [item for item in self.site.items if item.post_type != "attachment"]
        seen: set[tuple[str, str]] = set()
        for done, item in enumerate(items, start=1):
            key = (item.post_type, item.post_id)
            if item.post_type in ("post", "page") and key in seen:
                self.report.skipped.append(f"{_label(item)}: its id appears twice in the file")
            elif item.post_type in ("post", "page"):
                seen.add(key)
                self.item_import(item)
            elif item.post_type != "nav_menu_item":  # menus: ids repeat, nothing to keep
                self.report.skipped.append(f"{_label(item)}: a {item.post_type}, not a post")
            if len(self.pending) >= BATCH_SIZE:
                self.flush()
            if progress:
                progress(done, len(items), item.title)
        self.flush()
        self.captions_save()
        # The rows above were written in bulk, without signals: their documents in one pass.
        search_index_refresh(post_ids=self.bulk_post_ids)
        self.comments_import()

    def preload(self) -> None:
        """Read what earlier runs and the site already hold: a few queries, not a few per item."""
        self.mappings = {
            (mapping.kind, mapping.source_id): mapping
            for mapping in ImportedItem.objects.filter(
                source=self.source, kind__in=("post", "page"), post__isnull=False
            )
            .select_related("post")
            .prefetch_related("post__tags")
        }
        self.media_mappings = {
            mapping.source_id: mapping.image
            for mapping in ImportedItem.objects.filter(
                source=self.source, kind="media", image__isnull=False
            ).select_related("image")
        }
        self.slug_owners: dict[str, int | None] = dict(
            Post.objects.order_by().values_list("slug", "pk")
        )
        self.tags_by_slug, self.tags_by_name = {}, {}
        for tag in Tag.objects.order_by():
            self.tags_by_slug[tag.slug] = tag
            self.tags_by_name[tag.name] = tag
        self.pending: list[_PendingPost] = []
        self.bulk_post_ids: list[int] = []
        self.videos_by_url: dict[str, object] = {}
        self.comment_threads: list[tuple[Post, list[WordPressComment]]] = []

    def item_import(self, item: WXRItem) -> None:
        label = _label(item)
        if item.post_type == "page" and not self.pages:
            self.report.skipped.append(f"{label}: a page (import pages with --pages)")
            return
        if item.status not in IMPORTED_STATUSES:
            self.report.skipped.append(f"{label}: status “{item.status}”")
            return
        comments = self.comments_sorted(item, label)
        if item.sticky:
            self.report.sticky.append(label)
        if item.post_format and item.post_format != "standard":
            self.report.formats[item.post_format] += 1

        converted = wp_markup.wordpress_to_html(item.content, resolve_image=self.library_image_for)
        for entries, found in (
            (self.report.notes, converted.notes),
            (self.report.unconverted, converted.unconverted),
            (self.report.missing_media, converted.missing_media),
            (self.report.media_links, converted.media_links),
            (self.report.images_kept, converted.images_kept),
        ):
            entries += [f"{label}: {entry}" for entry in found]
        try:
            check_body(converted.html, Post.BodyFormat.HTML)
        except BodyTooComplex as error:
            self.report.skipped.append(f"{label}: {error}")
            return

        status, published_at = self.status_for(item, label)
        title = wp_markup.plain_text(item.title)[:200]
        if not title:
            title = UNTITLED
            self.report.notes.append(f"{label}: no title in WordPress; called “{UNTITLED}”")
        values = {
            "title": title,
            "excerpt": wp_markup.plain_text(item.excerpt) or converted.more_excerpt,
            "body": converted.html,
            "body_format": Post.BodyFormat.HTML,
            "status": status,
            "published_at": published_at,
            "author_id": (self.author or self.user_for(item.creator)).pk,
            "featured_image_id": getattr(self.featured_image_for(item, label), "pk", None),
        }
        mapping = self.mappings.get((item.post_type, item.post_id))
        post = mapping.post if mapping and mapping.post else Post()
        slug = self.slug_for(item, post, label)
        if slug:
            values["slug"] = slug
        tags = self.tags_for(item)
        changed = [name for name, value in values.items() if getattr(post, name) != value]
        tags_changed = post.pk is None or {t.pk for t in post.tags.all()} != {t.pk for t in tags}
        if comments:
            self.comment_threads.append((post, comments))
        if post.pk is not None and not changed and not tags_changed:
            self.report.unchanged.append(label)
            return
        for name, value in values.items():
            setattr(post, name, value)
        if post.pk is None and post.slug:
            # A new post with its slug: written in bulk with the others (see flush()).
            rendered = render(post.body, post.body_format)
            post.body_html = rendered.html
            self.slug_owners[post.slug] = None
            self.pending.append(_PendingPost(post, tags, rendered.video_urls, item))
            self.report.imported.append(label)
            return
        # An update, or a post whose slug Post.save makes from its title: one at a time, as an
        # author's save is, after the bulk rows so their slugs are known to the database.
        self.flush()
        is_new = post.pk is None
        old_slug = post.slug if not is_new else None
        services.post_save(post=post, user=None)
        if old_slug and old_slug != post.slug:
            self.slug_owners.pop(old_slug, None)
        self.slug_owners[post.slug] = post.pk
        if tags_changed:
            post.tags.set(tags)
        if mapping is None:
            ImportedItem.objects.create(
                source=self.source,
                kind=item.post_type,
                source_id=item.post_id,
                guid=item.guid[:500],
                post=post,
            )
        (self.report.imported if is_new else self.report.updated).append(label)

    def flush(self) -> None:
        """Write the pending new posts with a few bulk inserts: rows, links, history, keys.

        What ``services.post_save`` does for one post, for many: the rendered row, its embedded
        videos (each URL looked up once per import) and cited moments, the first revision, the
        tags and the ``ImportedItem``. Bulk inserts send no signals: the search documents are
        written once at the end of the run and the page cache is bumped by the batch around it.
        """
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        Post.objects.bulk_create([entry.post for entry in pending])
        embedded = Post.inline_videos.through
        links, moments, taggings, revisions, keys = [], [], [], [], []
        for entry in pending:
            post = entry.post
            self.slug_owners[post.slug] = post.pk
            self.bulk_post_ids.append(post.pk)
            videos = list(
                {video.pk: video for video in map(self.video_for, entry.video_urls)}.values()
            )
            links += [embedded(post_id=post.pk, video_id=video.pk) for video in videos]
            if videos and cites_moments(post.body_html):
                by_key = {video.key: video for video in videos}
                moments += cited_moments_from(post, moments_in(post.body_html, videos), by_key)
            taggings += [  # in WordPress's order, as an author's own tags are kept
                TaggedPost(content_object=post, tag=tag, position=place)
                for place, tag in enumerate(entry.tags)
            ]
            revisions.append(
                Revision(
                    post=post, created_by=None, **{n: getattr(post, n) for n in REVISED_FIELDS}
                )
            )
            keys.append(
                ImportedItem(
                    source=self.source,
                    kind=entry.item.post_type,
                    source_id=entry.item.post_id,
                    guid=entry.item.guid[:500],
                    post=post,
                )
            )
        embedded.objects.bulk_create(links)
        CitedMoment.objects.bulk_create(moments)
        TaggedPost.objects.bulk_create(taggings)
        Revision.objects.bulk_create(revisions)
        ImportedItem.objects.bulk_create(keys)

    def video_for(self, url: str):
        if url not in self.videos_by_url:
            self.videos_by_url[url] = video_get_or_create_from_url(url=url)[0]
        return self.videos_by_url[url]

    # --- Fields -----------------------------------------------------------------------------

    def status_for(self, item: WXRItem, label: str) -> tuple[str, datetime | None]:
        date = _gmt_date(item)
        if item.post_date_gmt.startswith("0000") and item.status not in ("publish", "future"):
            date = None  # a draft never published: WordPress has no date for it yet
        if item.password:
            self.report.notes.append(
                f"{label}: password-protected in WordPress; imported as a draft"
            )
            return Post.Status.DRAFT, date
        if item.status == "private":
            self.report.notes.append(f"{label}: private in WordPress; imported as a draft")
            return Post.Status.DRAFT, date
        if item.status == "publish":
            return Post.Status.PUBLISHED, date or timezone.now()
        if item.status == "future":
            if date and date > timezone.now():
                return Post.Status.PUBLISHED, date  # scheduled: appears by itself then
            self.report.notes.append(f"{label}: scheduled for a time now past; imported as a draft")
        return Post.Status.DRAFT, date

    def slug_for(self, item: WXRItem, post: Post, label: str) -> str:
        slug = item.slug.strip()[:200]
        if not slug or "/" in slug:
            return post.slug  # drafts often have none: Post.save makes one from the title

        def taken(candidate: str) -> bool:
            # Owned by another row, or by a new post of this run (None: not written yet).
            if candidate not in self.slug_owners:
                return False
            owner = self.slug_owners[candidate]
            return owner is None or owner != post.pk

        if not taken(slug):
            return slug
        base, n = slug[:190], 2
        while taken(f"{base}-{n}"):
            n += 1
        self.report.notes.append(f"{label}: slug “{slug}” already used here; now “{base}-{n}”")
        return f"{base}-{n}"

    def user_for(self, creator: str):
        login = (creator or "").strip()
        if login in self.users:
            return self.users[login]
        wp_author = self.site.authors.get(login)
        username = "".join(c if c.isalnum() or c in "@.+-_" else "-" for c in login)[:150]
        username = username.strip("-") or "wordpress"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, is_active=False)
            user.set_unusable_password()
            if wp_author:
                user.email = wp_author.email[:254]
                full = f"{wp_author.first_name} {wp_author.last_name}".strip()
                display = wp_author.display_name
                if display and display != full:
                    # Closer shows first + last: keep the name the blog showed, in one field.
                    user.first_name, user.last_name = display[:150], ""
                else:
                    user.first_name = wp_author.first_name[:150]
                    user.last_name = wp_author.last_name[:150]
            user.save()
            self.report.users_created.append(username)
        self.users[login] = user
        return user

    def tags_for(self, item: WXRItem) -> list[Tag]:
        tags = []
        for term in item.terms:
            if term.taxonomy == "category" and term.slug in SKIPPED_CATEGORIES:
                continue
            tag = self.tag_for(term)
            if tag not in tags:
                tags.append(tag)
        if item.post_type == "page":
            tags.append(self.tag_for(WXRTerm(taxonomy="post_tag", slug=PAGE_TAG, name="Page")))
        return tags

    def tag_for(self, term: WXRTerm) -> Tag:
        declared = self.site.terms.get((term.taxonomy, term.slug))
        name = html.unescape((declared.name if declared else "") or term.name).strip()[:100]
        slug = term.slug[:100] or Tag.free_slug(name)
        key = (slug, name)
        if key in self.tags:
            return self.tags[key]
        tag = self.tags_by_slug.get(slug) or self.tags_by_name.get(name)
        if tag is None:
            free = slug not in self.tags_by_slug
            tag = Tag(name=name or slug, slug=slug if free else Tag.free_slug(name))
            self.report.tags_created.append(tag.name)
        description = declared.description if declared else ""
        if tag.pk is None or (description and not tag.description):
            tag.description = tag.description or html.unescape(description)
            tag.save()
            self.tags_by_slug[tag.slug] = self.tags_by_name[tag.name] = tag
        self.tags[key] = tag
        return tag

    def comments_sorted(self, item: WXRItem, label: str) -> list[WordPressComment]:
        """Count the post's comments by kind; return the approved ones, translated."""
        kept = []
        for comment in item.comments:
            kind = comment.comment_type
            if kind in ("pingback", "trackback"):
                self.report.comments[kind + "s"] += 1
            elif kind not in ("", "comment"):
                self.report.comments[f"“{kind}” entries"] += 1  # plugins' notes, not comments
            elif comment.approved == "1":
                self.report.comments["approved comments"] += 1
                kept.append(self.comment_for(comment, label))
            elif comment.approved == "spam":
                self.report.comments["spam"] += 1
            elif comment.approved == "0":
                self.report.comments["pending comments"] += 1
            else:
                self.report.comments["trashed comments"] += 1
        return kept

    def comment_for(self, comment, label: str) -> WordPressComment:
        name = wp_markup.plain_text(comment.author)
        parent = comment.parent if comment.parent not in ("", "0") else ""
        return WordPressComment(
            key=self.comment_key(comment.comment_id),
            parent_key=self.comment_key(parent) if parent else "",
            name=name,
            email=comment.author_email,
            website=comment.author_url,
            body=wp_markup.comment_markdown(comment.content),
            created_at=_wp_datetime(comment.date_gmt, comment.date) or timezone.now(),
            label=f"comment {comment.comment_id or '?'} by “{name[:40]}” on {label}",
        )

    def comment_key(self, comment_id: str) -> str:
        return f"{self.source}#wp-comment-{comment_id}"[:400]

    def comments_import(self) -> None:
        if not self.comment_threads:
            return
        responses = wordpress_comments.send(
            sender=self.__class__, source=self.source, threads=self.comment_threads
        )
        for _, result in responses:
            if isinstance(result, CommentsImported):
                self.report.comments_kept = True
                self.report.comments_imported += result.imported
                self.report.comments_existing += result.existing
                self.report.comments_refused += result.refused

    # --- Images -----------------------------------------------------------------------------

    def featured_image_for(self, item: WXRItem, label: str) -> Image | None:
        thumbnail_id = item.meta.get("_thumbnail_id", "").strip()
        if not thumbnail_id:
            return None
        attachment = self.attachments.get(thumbnail_id)
        if attachment is None or not attachment.attachment_url:
            self.report.missing_media.append(
                f"{label}: featured image {thumbnail_id} not in the file"
            )
            return None
        alt = attachment.meta.get("_wp_attachment_image_alt", "").strip()
        # A featured image stands for the essay: it needs words, the attachment's title at least.
        alt = alt or wp_markup.plain_text(attachment.title) or wp_markup.plain_text(item.title)
        image = self.image_for(attachment.attachment_url, alt or "Featured image")
        if image is None:
            self.report.missing_media.append(f"{label}: featured image {attachment.attachment_url}")
        return image

    def library_image_for(self, url: str, alt: str) -> wp_markup.LibraryImage | None:
        image = self.image_for(url, alt or self.alt_by_url.get(_full_size(url), ""))
        if image is None:
            return None
        if image.pk not in self.library:
            self.library[image.pk] = wp_markup.LibraryImage(
                id=image.pk, url=image.file.url, alt=image.alt, caption=image.caption
            )
        return self.library[image.pk]

    def captions_save(self) -> None:
        """Store the captions bodies gave library images that had none (see wp_markup)."""
        for image in self.library.values():
            if image.caption_claimed:
                Image.objects.filter(pk=image.id, caption="").update(caption=image.caption)

    def image_for(self, url: str, alt: str) -> Image | None:
        """Return the library image for a WordPress upload URL, importing it the first time."""
        path = self.media_path_for(url)
        if path is None:
            return None
        relative = path.relative_to(self.media_dir).as_posix()
        if relative in self.images_by_path:
            return self.images_by_path[relative]
        image = self.media_mappings.get(relative)
        if image is None:
            image = self.image_store(path, alt)
            if image is not None:
                ImportedItem.objects.update_or_create(
                    source=self.source,
                    kind="media",
                    source_id=relative,
                    defaults={"image": image, "guid": url[:500]},
                )
        self.images_by_path[relative] = image
        return image

    def image_store(self, path: Path, alt: str) -> Image | None:
        try:
            with path.open("rb") as handle:
                image = services.image_create(
                    file=File(handle, name=path.name),
                    alt_text=alt[:300],
                    decorative=not alt.strip(),
                )
        except (ValidationError, PictureError, OSError) as error:
            message = "; ".join(getattr(error, "messages", [])) or str(error)
            self.report.missing_media.append(
                f"{path.name}: refused by the upload checks ({message})"
            )
            return None
        self.stored_images.append(image)
        self.report.images_imported += 1
        return image

    def media_path_for(self, url: str) -> Path | None:
        """Find an upload in --media-dir: the path after /uploads/, else the longest match."""
        if self.media_dir is None:
            return None
        path = unquote(urlsplit(url).path)
        parts = [p for p in PurePosixPath(path).parts if p not in ("/", "..", ".")]
        candidates = []
        if "uploads" in parts:
            after = parts[len(parts) - parts[::-1].index("uploads") :]
            candidates.append(after)
            full = _full_size(path)
            if full != path:
                candidates.append(after[:-1] + [PurePosixPath(full).name])
        if (urlsplit(url).hostname or "") == urlsplit(self.source).hostname:
            # The site's own files outside /uploads/ (a Closer export's /media/…): the
            # longest tail of the path that exists in --media-dir.
            candidates += [parts[i:] for i in range(len(parts))]
        for candidate in candidates:
            if not candidate:
                continue
            found = self.media_dir.joinpath(*candidate).resolve()
            if found.is_file() and found.is_relative_to(self.media_dir):
                return found
        return None

    def delete_stored_files(self) -> None:
        """Remove the files of images this run stored (their rows are rolled back)."""
        for image in self.stored_images:
            storage = image.file.storage
            renditions_delete(renditions=image.renditions, storage=storage)
            if image.file.name:
                storage.delete(image.file.name)


@dataclass
class _PendingPost:
    """A new post read and rendered, waiting for the next bulk write."""

    post: Post
    tags: list[Tag]
    video_urls: list[str]
    item: WXRItem


def _label(item: WXRItem) -> str:
    title = wp_markup.plain_text(item.title) or UNTITLED
    return f"“{title[:80]}” (WordPress {item.post_type} {item.post_id or '?'})"


def _full_size(url: str) -> str:
    """Return the original upload's URL for a resized copy (photo-300x200.jpg → photo.jpg)."""
    stem, dot, extension = url.rpartition(".")
    if not dot:
        return url
    return re.sub(r"-\d{1,5}x\d{1,5}$", "", stem) + "." + extension


def _wp_datetime(gmt: str, local: str) -> datetime | None:
    """Return a WordPress date pair in UTC: the GMT one, else the local one read as UTC."""
    for text, is_utc in ((gmt, True), (local, False)):
        if text and not text.startswith("0000"):
            try:
                naive = datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
            return naive.replace(tzinfo=UTC) if is_utc else timezone.make_aware(naive, UTC)
    return None


def _gmt_date(item: WXRItem) -> datetime | None:
    """Return the post's date in UTC: GMT field, else the local one, else the RSS date."""
    date = _wp_datetime(item.post_date_gmt, item.post_date)
    if date is None and item.pub_date:
        try:
            return parsedate_to_datetime(item.pub_date).astimezone(UTC)
        except (TypeError, ValueError):
            return None
    return date
