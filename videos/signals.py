"""Keep each Video's copy of its caption tracks in step with its VideoCaption rows."""

from django.db.models.signals import post_delete, post_save

from videos.models import Video, VideoCaption
from videos.services import video_caption_file_delete, video_captions_sync


def _caption_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        video_captions_sync(video=instance.video)


def _caption_deleted(sender, instance, origin=None, **kwargs):
    video_caption_file_delete(name=instance.file.name)
    if isinstance(origin, Video):
        return  # the video itself is going
    video = Video.objects.filter(pk=instance.video_id).first()
    if video is not None:
        video_captions_sync(video=video)


def connect_signals() -> None:
    """Connect the handlers (called by VideosConfig.ready)."""
    uid = "closer_video_captions"
    post_save.connect(_caption_saved, sender=VideoCaption, dispatch_uid=f"{uid}_saved")
    post_delete.connect(_caption_deleted, sender=VideoCaption, dispatch_uid=f"{uid}_deleted")
