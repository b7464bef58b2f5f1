from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from blog import demo, page_cache, services
from blog.models import Post, PostVideo
from videos.models import Video
from videos.services import video_get_or_create_from_url


class Command(BaseCommand):
    help = "Load the demo essay and posts. Safe to run again: nothing is duplicated."

    @transaction.atomic
    def handle(self, *args, **options):
        author, _ = get_user_model().objects.get_or_create(
            username="demo",
            defaults={"first_name": "Ana", "last_name": "Reyes", "is_active": False},
        )
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
        demo.demo_loaded.send(sender=self.__class__, author=author)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready ({created} new posts)."))

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
        for video in [*post.embedded_videos.all(), *post.videos.all()]:
            details = demo.VIDEO_DETAILS.get((video.provider, video.video_id), {})
            if details and not video.title:
                Video.objects.filter(pk=video.pk).update(**details)
                page_cache.content_version_bump()  # update() sends no signal
        return 1
