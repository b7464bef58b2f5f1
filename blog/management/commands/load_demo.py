from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from blog import demo, demo_art, page_cache, services
from blog.models import Image, Post, PostVideo, Series, author_profile_for
from videos.models import Video
from videos.posters import poster_clean
from videos.services import video_get_or_create_from_url, video_set_poster


class Command(BaseCommand):
    help = "Load the demo essay and posts. Safe to run again: nothing is duplicated."

    @transaction.atomic
    def handle(self, *args, **options):
        author, _ = get_user_model().objects.get_or_create(
            username="demo",
            defaults={"first_name": "Ana", "last_name": "Reyes", "is_active": False},
        )
        profile = author_profile_for(author)
        if not profile.bio:  # an editor's own words are kept on a second run
            profile.bio = demo.AUTHOR_BIO
            profile.save(update_fields=["bio"])
        now = timezone.now()
        created = 0
        for spec in [demo.ESSAY, *demo.SHORT_POSTS]:
            created += self._post(
                spec, author, Post.Status.PUBLISHED, now - timedelta(days=spec["days_ago"])
            )
        created += self._post(demo.DRAFT, author, Post.Status.DRAFT, None)
        created += self._post(
            demo.SCHEDULED,
            author,
            Post.Status.PUBLISHED,
            now + timedelta(days=demo.SCHEDULED["days_ahead"]),
        )
        pictures = self._pictures()
        self._series()
        demo.demo_loaded.send(sender=self.__class__, author=author)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready ({created} new posts, {pictures} new pictures)."
            )
        )

    def _pictures(self) -> int:
        """Draw the demo's featured images and posters that are still missing; return how many."""
        made = 0
        posts = Post.objects.filter(slug__in=demo.FEATURED_ART, featured_image__isnull=True)
        for post in posts:
            motif, alt = demo.FEATURED_ART[post.slug]
            art = demo_art.demo_artwork(motif=motif, seed=post.slug)
            # An uncommitted file: Image.save cleans it and makes renditions, like an upload.
            image = Image(
                file=ContentFile(art, name=f"demo-{post.slug}.jpg"),
                alt_text=alt,
                credit="Drawn for the Closer demo",
            )
            image.save()
            Post.objects.filter(pk=post.pk).update(featured_image=image)
            made += 1
        for (provider, video_id), motif in demo.POSTER_ART.items():
            video = Video.objects.filter(provider=provider, video_id=video_id).first()
            if video is None or video.poster_renditions:
                continue
            art = demo_art.demo_artwork(motif=motif, width=960, height=540, seed=video_id)
            video_set_poster(video=video, picture=poster_clean(art))
            video.save()
            made += 1
        if made:
            page_cache.content_version_bump()  # update() sends no signal
        return made

    def _series(self) -> None:
        """Make the demo series once; a later run leaves its parts as an editor arranged them."""
        spec = demo.SERIES
        series, created = Series.objects.get_or_create(
            slug=spec["slug"],
            defaults={"title": spec["title"], "description": spec["description"]},
        )
        if series.picture_id is None:
            motifs, alt = spec["picture"]
            art = demo_art.demo_triptych(motifs=motifs, seed=series.slug)
            series.picture = Image(
                file=ContentFile(art, name=f"demo-series-{series.slug}.jpg"),
                alt_text=alt,
                credit="Drawn for the Closer demo",
            )
            series.picture.save()
            series.save()
        if not created:
            return
        for number, slug in enumerate(spec["parts"], start=1):
            post = Post.objects.filter(slug=slug, series__isnull=True).first()
            if post is not None:
                post.series, post.series_part = series, number
                post.save(update_fields=["series", "series_part", "updated_at"])

    def _post(self, spec, author, status, published_at) -> int:
        post, created = Post.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "body": spec["body"],
                "excerpt": spec.get("excerpt", ""),
                "author": author,
                "status": status,
                "published_at": published_at,
            },
        )
        if not created:
            return 0
        services.post_record_history(post=post)  # its first revision, as if written in the admin
        post.tags.set(spec["tags"])
        for position, attached in enumerate(spec.get("attached", [])):
            video, ref = video_get_or_create_from_url(url=attached["url"])
            PostVideo.objects.create(
                post=post,
                video=video,
                position=position,
                caption=attached["caption"],
                start_seconds=ref.start_seconds,
            )
        for video in [*post.inline_videos.all(), *post.attached_videos.all()]:
            details = demo.VIDEO_DETAILS.get((video.provider, video.video_id), {})
            if details and not video.title:
                Video.objects.filter(pk=video.pk).update(**details)
                page_cache.content_version_bump()  # update() sends no signal
        return 1
