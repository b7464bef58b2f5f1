"""A few demo comments under the demo essay (added by `load_demo`, never twice)."""

from datetime import timedelta

from blog import demo
from blog.models import Post
from comments.models import Comment

DEMO_COMMENTS = [
    {
        "name": "Marta",
        "email": "marta@example.com",
        "body": "The moment the floor starts to slide at [0:30] still gets me. *How* did they hide the rig?",
        "hours_ago": 30,
        "replies": [
            {
                "name": "Ana Reyes",
                "email": "",
                "body": "The walls moved, not the floor: the essay's second part explains it.",
                "hours_ago": 28,
                "staff": True,
            }
        ],
    },
    {
        "name": "Jonas",
        "email": "jonas@example.com",
        "website": "https://example.com/jonas",
        "body": "> a room that will not hold still\n\nGreat line. Glazer did the same trick in `Karmacoma`.",
        "hours_ago": 5,
        "replies": [],
    },
]


def load(sender, author=None, **kwargs):
    """Add the demo comments to the demo essay if it has none (safe to run again)."""
    post = Post.objects.filter(slug=demo.ESSAY["slug"]).first()
    if post is None or post.published_at is None or post.comments.exists():
        return
    for spec in DEMO_COMMENTS:
        parent = _comment(post, spec, None, author)
        for reply in spec["replies"]:
            _comment(post, reply, parent, author)


def _comment(post, spec, parent, author):
    return Comment.objects.create(
        post=post,
        parent=parent,
        name=spec["name"],
        email=spec["email"],
        website=spec.get("website", ""),
        body=spec["body"],
        status=Comment.Status.APPROVED,
        staff_user=author if spec.get("staff") else None,
        created_at=post.published_at + timedelta(hours=48 - spec["hours_ago"]),
    )
