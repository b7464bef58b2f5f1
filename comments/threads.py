"""What a post page shows of its comments: the visible threads, two levels deep."""

from dataclasses import dataclass, field

from comments.models import Comment
from videos.embed import keys_in


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def threads_for(post) -> list[Thread]:
    """Return the essay's approved comments as threads, oldest first, in one query."""
    threads: dict[int, Thread] = {}
    replies: list[Comment] = []
    for comment in Comment.objects.filter(post=post, status=Comment.Status.APPROVED).select_related(
        "staff_user"
    ):
        if comment.parent_id is None:
            threads[comment.pk] = Thread(comment)
        else:
            replies.append(comment)
    for reply in replies:
        # A reply whose parent was rejected or marked as spam goes with it.
        if reply.parent_id in threads:
            threads[reply.parent_id].replies.append(reply)
    # A writer's deleted comment stays as a placeholder only while replies hang under it.
    return [t for t in threads.values() if not t.comment.is_removed or t.replies]


def count_of(threads: list[Thread]) -> int:
    return sum(
        (0 if t.comment.is_removed else 1) + sum(not r.is_removed for r in t.replies)
        for t in threads
    )


def timecode_video(post):
    """Return the video a comment's [1:23] points at: the essay's first (from prefetches)."""
    inline = {video.key: video for video in post.inline_videos.all()}
    for key in keys_in(post.body_html):
        if key in inline:
            return inline[key]
    videos = post.shown_videos()
    return videos[0] if videos else None
