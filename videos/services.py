"""Cross-model writes for videos: every way a Video row comes to exist goes through here."""

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from pictures.pipeline import CleanPicture, PictureError, rendition_largest
from videos.captions import Cue, transcript_from_cues
from videos.fetch import FetchError
from videos.models import Health, Video, VideoCaption
from videos.oembed import OEmbedError, fetch_oembed, has_details_source
from videos.posters import (
    PosterError,
    poster_clean,
    poster_delete,
    poster_download,
    poster_store,
)
from videos.providers import VideoRef, get_provider, parse_video_url

# Fields a metadata refresh may write; the rest of the row (credits, chapters) is the admin's.
METADATA_FIELDS = [
    "title",
    "author_name",
    "duration_seconds",
    "width",
    "height",
    "upload_date",
    "remote_poster_url",
    "metadata_fetched_at",
    "metadata_error",
    "poster_file",
    "poster_renditions",
    "poster_source_url",
    "health",
    "health_checked_at",
    "unavailable_since",
    "embed_id",
    "updated_at",
]


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


def video_can_fetch_metadata(video: Video) -> bool:
    """Return whether the video's provider has an oEmbed endpoint to ask."""
    return has_details_source(video.provider)


def video_needs_metadata(video: Video) -> bool:
    """Return whether the video has an oEmbed provider and no successful fetch yet."""
    if not video_can_fetch_metadata(video):
        return False
    return video.metadata_fetched_at is None or bool(video.metadata_error)


def video_refresh_metadata(*, video: Video) -> str | None:
    """Fetch oEmbed data and the poster for one video and store them; return a warning or None.

    Fills only fields the admin left empty (the admin can overwrite anything); the provider's
    thumbnail address and the embed health always follow the provider.
    """
    if not has_details_source(video.provider):
        return None
    now = timezone.now()
    try:
        data = fetch_oembed(video.ref)
    except OEmbedError as error:
        video.metadata_error = _clip(f"oEmbed: {error}")
        if error.health:
            video.set_health(error.health, now=now)
        video.save(update_fields=METADATA_FIELDS)
        if error.health:
            name = f"“{video.title}”" if video.title else video.video_id
            return (
                f"{video.provider_label} video {name}: {video.unavailable_note} The post was "
                "saved; its page shows the video's poster and this note instead of a player."
            )
        return _warning(video, f"could not fetch its details: {error}")
    for field in ("title", "author_name", "duration_seconds", "width", "height", "upload_date"):
        if not getattr(video, field) and getattr(data, field):
            setattr(video, field, getattr(data, field))
    video.remote_poster_url = data.thumbnail_url
    video.embed_id = data.embed_id or video.embed_id
    video.metadata_fetched_at = now
    video.metadata_error = ""
    video.set_health(Health.OK, now=now)
    poster_problem = _refresh_poster(video, data.thumbnail_url or video.ref.poster_url or "")
    if poster_problem:
        video.metadata_error = _clip(f"Poster: {poster_problem}")
    video.save(update_fields=METADATA_FIELDS)
    if poster_problem:
        return _warning(video, f"could not store its poster: {poster_problem}")
    return None


def _refresh_poster(video: Video, url: str) -> str | None:
    """Download and store the poster unless we already hold this one; return a problem."""
    if not url:
        return None
    uploaded = video.poster_renditions and not video.poster_source_url
    if uploaded or (video.poster_renditions and video.poster_source_url == url):
        return None  # the admin's own poster, or the same one we already have
    try:
        picture = poster_clean(
            poster_download(url=url, provider_name=video.provider, ref=video.ref)
        )
    except (PosterError, PictureError, FetchError) as error:
        return str(error)
    video_set_poster(video=video, picture=picture, source_url=url)
    return None


def video_set_poster(*, video: Video, picture: CleanPicture, source_url: str = "") -> None:
    """Store a clean poster's renditions on the video (not saved); no source_url: uploaded."""
    old = list(video.poster_renditions or ())
    stored = poster_store(video=video, picture=picture)
    video.poster_renditions = stored
    video.poster_source_url = source_url
    # The plain ImageField points at the largest JPEG, for anything that only knows it.
    video.poster_file = rendition_largest(stored, formats=["jpeg"])["name"]
    poster_delete(renditions=old, keep=stored)


def video_check_health(*, video: Video) -> str:
    """Ask the provider whether the video still plays elsewhere; store and return the health.

    Raises FetchError when the provider could not be asked (slow, down): health unchanged.
    """
    try:
        fetch_oembed(video.ref)
    except OEmbedError as error:
        if not error.health:
            raise
        health = error.health
    else:
        health = Health.OK
    # Saving moves the page cache's version (Video is watched): the memorial card shows, or
    # the player comes back, on the next page view.
    video.set_health(health, now=timezone.now())
    video.save(update_fields=["health", "health_checked_at", "unavailable_since", "updated_at"])
    return video.health


def video_captions_sync(*, video: Video) -> None:
    """Copy the video's caption files into ``caption_tracks``, which its pages read."""
    tracks = [
        {"language": caption.language, "label": caption.display_label, "file": caption.file.name}
        for caption in VideoCaption.objects.filter(video=video).order_by("language")
    ]
    if tracks != video.caption_tracks:
        video.caption_tracks = tracks
        # Saving the Video moves the page cache's version and refreshes its essays' index.
        video.save(update_fields=["caption_tracks", "updated_at"])


def video_transcript_fill(*, video: Video, cues: list[Cue]) -> bool:
    """Give a video without a transcript one made from caption cues; return whether it did."""
    if video.transcript.strip() or not cues:
        return False
    video.transcript = transcript_from_cues(cues)
    video.save(update_fields=["transcript", "updated_at"])
    return True


def video_caption_file_delete(*, name: str) -> None:
    """Remove a caption file from storage once the row that named it is gone for good."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _warning(video: Video, problem: str) -> str:
    label = get_provider(video.provider).label
    name = f"“{video.title}”" if video.title else video.video_id
    return (
        f"{label} video {name}: {problem} The post was saved and shows a placeholder for now; "
        "it is tried again in the background."
    )


def _clip(text: str) -> str:
    return text[:500]
