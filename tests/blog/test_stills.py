"""Stills: `[still:ID]` in a body shows the frame, its credits and time, and plays from there."""

import re
from xml.etree import ElementTree

import pytest

from blog.models import Still
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_still(make_image):
    def make(*, url="https://youtu.be/dQw4w9WgXcQ", at_seconds=83, caption="", **video_fields):
        video, _ = video_get_or_create_from_url(url=url)
        fields = {"title": "Closer", "artist": "Nine Inch Nails", "director": "Mark Romanek"}
        fields.update(video_fields)
        for name, value in {**fields, "year": fields.get("year", 1994)}.items():
            setattr(video, name, value)
        video.save()
        image = make_image(alt_text="A monkey tied to a cross", caption="The lab.")
        return Still.objects.create(
            image=image, video=video, at_seconds=at_seconds, caption=caption
        )

    return make


def figure(html: str) -> str:
    return re.search(
        r'<figure id="still-1" class="post-image still">.*?</figure>', html, re.S
    ).group(0)


def test_a_still_shows_its_picture_credits_and_time_and_links_the_moment(
    client, make_post, make_still
):
    still = make_still(caption="The specimen jar, a frame before the cut.")
    post = make_post(body=f"https://youtu.be/dQw4w9WgXcQ\n\n[still:{still.pk}]\n\nAfter it.")
    html = figure(client.get(post.get_absolute_url()).content.decode())
    assert "<picture" in html and 'alt="A monkey tied to a cross"' in html
    link = re.search(r'<a class="timecode still-link"[^>]*>', html).group(0)
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=83s"' in link
    assert 'data-start="83"' in link and 'data-video-key="youtube:dQw4w9WgXcQ"' in link
    assert "data-player-url=" in link
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", caption)
    assert text == (
        "The specimen jar, a frame before the cut. "
        "“Closer” · Nine Inch Nails · directed by Mark Romanek · 1994 · 1:23"
    )


def test_without_its_own_caption_a_still_takes_the_images(client, make_post, make_still):
    still = make_still()
    post = make_post(body=f"[still:{still.pk}]")
    html = figure(client.get(post.get_absolute_url()).content.decode())
    assert "<figcaption>The lab. <span" in html


def test_an_unknown_still_is_a_visible_harmless_note(client, make_post):
    post = make_post(body="Before.\n\n[still:999]\n\n[still:abc]\n\nAfter.")
    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<p class="still-missing">[Still 999 is missing from the library.]</p>' in html
    assert "<p>[still:abc]</p>" in html  # not a shortcode: the text as written


def test_a_still_joins_the_shot_list_in_its_place(client, make_post, make_still):
    still = make_still(at_seconds=95, caption="The jar.")
    post = make_post(
        body=f"https://youtu.be/dQw4w9WgXcQ\n\nFirst [0:42].\n\n[still:{still.pk}]\n\nThen [2:00]."
    )
    rows = list(post.cited_moments.values_list("start_seconds", "excerpt", "anchor"))
    assert rows == [
        (42, "First 0:42.", "moment-1"),
        (95, "The jar.", "still-1"),
        (120, "Then 2:00.", "moment-2"),
    ]
    html = client.get(post.get_absolute_url()).content.decode()
    assert (
        '<a href="#still-1"><span class="visually-hidden">Go to </span>1:35</a> — The jar.' in html
    )
    # Editing the still moves its moment in every essay that places it.
    still.at_seconds = 100
    still.save()
    assert list(post.cited_moments.values_list("start_seconds", flat=True)) == [42, 100, 120]


def test_a_still_of_a_video_the_essay_does_not_embed_is_still_in_the_shot_list(
    make_post, make_still
):
    still = make_still(url="https://vimeo.com/76979871", at_seconds=30)
    post = make_post(body=f"[still:{still.pk}]")
    assert [(m.video_id, m.start_seconds) for m in post.cited_moments.all()] == [
        (still.video_id, 30)
    ]


def feed_content(client) -> str:
    feed = ElementTree.fromstring(client.get("/feed/").content)
    return feed.find("channel/item/{http://purl.org/rss/1.0/modules/content/}encoded").text


def test_in_feeds_a_still_is_the_image_caption_and_a_link_to_the_moment(
    client, make_post, make_still
):
    still = make_still()
    make_post(body=f"https://youtu.be/dQw4w9WgXcQ\n\n[still:{still.pk}]")
    content = feed_content(client)
    assert "<iframe" not in content and "still-link" not in content
    still_html = re.search(r'<figure class="post-image still">.*?</figure>', content, re.S).group(0)
    assert re.search(r'<img src="http://[^"]+/media/images/[^"]+\.png" alt="A monkey', still_html)
    assert (
        "“Closer” · Nine Inch Nails · directed by Mark Romanek · 1994 · "
        '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=83s">Watch from 1:23</a>'
    ) in still_html


def test_a_still_of_a_video_gone_from_its_provider_has_no_link(client, make_post, make_still):
    from django.utils import timezone

    still = make_still()
    still.video.set_health("removed", now=timezone.now())
    still.video.save()
    post = make_post(body=f"[still:{still.pk}]")
    html = figure(client.get(post.get_absolute_url()).content.decode())
    assert "still-link" not in html and "<a " not in html
    assert '<span class="timecode timecode-gone">1:23</span>' in html


def test_an_image_with_stills_cannot_be_deleted_from_under_them(make_still):
    from django.db.models import ProtectedError

    still = make_still()
    with pytest.raises(ProtectedError):
        still.image.delete()


def test_in_newsletter_emails_a_still_and_a_pair_keep_their_links(make_post, make_still):
    from newsletter.emails import essay_body_html

    still = make_still()
    post = make_post(
        body=f"[still:{still.pk}]\n\n[compare: https://youtu.be/dQw4w9WgXcQ | https://vimeo.com/76979871]"
    )
    html = essay_body_html(post)
    assert "<iframe" not in html and "<button" not in html and "<script" not in html
    assert re.search(r'<img src="http://[^"]+/media/images/[^"]+" alt="A monkey tied', html)
    assert (
        '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=83s">Watch from 1:23</a>'
        in html
    )
    assert "Side by side:" in html and '<a href="https://vimeo.com/76979871">Watch' in html


def test_drafts_placing_a_still_show_nothing_of_it_to_readers(client, make_post, make_still):
    still = make_still(caption="A secret frame")
    draft = make_post(title="Secret", body=f"[still:{still.pk}]", status="draft", published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    for address in ("/feed/", "/feed/atom/", still.video.get_absolute_url(), "/search/?q=secret"):
        response = client.get(address)
        assert "A secret frame" not in response.content.decode(), address


def test_a_page_placing_stills_costs_one_query_for_them(client, make_post, make_still):
    first, second = make_still(), make_still(at_seconds=100)
    post = make_post(body=f"[still:{first.pk}]\n\n[still:{second.pk}]\n\n[still:{first.pk}]")
    plain = make_post(body="No stills.")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as with_stills:
        client.get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as without:
        client.get(plain.get_absolute_url())
    # The stills (with their image and video) in one query; the shot list in one more.
    assert len(with_stills) - len(without) == 2
