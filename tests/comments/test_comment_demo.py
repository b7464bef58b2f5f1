"""The demo essay comes with a few comments, once."""

import pytest
from django.core.management import call_command

from blog import demo
from blog.models import Post
from comments.models import Comment
from videos.embed import keys_in

pytestmark = pytest.mark.django_db


def test_load_demo_adds_comments_once(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    comments = Comment.objects.filter(post__slug=demo.ESSAY["slug"])
    assert comments.count() == 3 and set(comments.values_list("status", flat=True)) == {"approved"}
    assert comments.filter(parent__isnull=False).count() == 1
    html = client.get(f"/posts/{demo.ESSAY['slug']}/").content.decode()
    assert "3 comments" in html
    # The [0:30] in a demo comment links the essay's first video, as timecodes do in the body.
    first_video = keys_in(Post.objects.get(slug=demo.ESSAY["slug"]).body_html)[0]
    section = html.split('id="comments"', 1)[1]
    assert 'class="timecode" href="' in section and f'data-video-key="{first_video}"' in section
