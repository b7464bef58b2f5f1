"""A post page with every kind of video: nothing in its first HTML loads from another host."""

import re

import pytest
from fake_provider import image_bytes
from page_checks import third_party_loads

from blog.models import PostVideo
from videos.models import Health
from videos.posters import poster_clean
from videos.services import video_get_or_create_from_url, video_set_poster

pytestmark = pytest.mark.django_db


def test_the_whole_page_is_first_party_until_play(client, make_post):
    post = make_post(
        body=(
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90\n\nAt [1:23] and [2:00].\n\n"
            "https://vimeo.com/76979871/8272103f6e\n\nhttps://dai.ly/x7tgad0\n\n"
            "https://cdn.example.org/clip.mp4\n\nThen [0:05]."
        )
    )
    youtube = post.inline_videos.get(provider="youtube")
    video_set_poster(video=youtube, picture=poster_clean(image_bytes()))
    youtube.remote_poster_url = "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
    youtube.save()
    gone, _ = video_get_or_create_from_url(url="https://youtu.be/aaaaaaaaaaa")
    gone.health = Health.REMOVED
    gone.save()
    PostVideo.objects.create(post=post, video=gone, caption="Gone now.", position=0)

    html = client.get(post.get_absolute_url()).content.decode()
    assert third_party_loads(html) == []
    assert "<iframe" not in html and "<video" not in html and " style=" not in html
    assert html.count('class="video-facade"') == 4
    assert "This video is no longer available on YouTube." in html
    assert len(re.findall(r'<a(?: id="moment-\d+")? class="timecode"', html)) == 3
    # Every player URL waits in a data attribute for the click.
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;start=90" in html
