"""The memorial card and the new players' facades are valid HTML per the Nu HTML Checker."""

import pytest

from videos.models import Health

pytestmark = pytest.mark.django_db


def test_memorial_cards_and_new_facades_are_valid_html(
    client, make_post, settings, validate_html, tmp_path
):
    settings.CLOSER_PEERTUBE_HOSTS = ["tube.example.org"]
    gone = make_post(
        body="https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nThe reveal at [1:23-1:45], [2:00]."
    )
    video = gone.inline_videos.get()
    video.title, video.artist, video.year, video.health = "Gone", "Artist", 1999, Health.REMOVED
    video.save()
    players = make_post(
        body=(
            "https://tube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv?start=83&stop=105\n\n"
            "https://archive.org/details/his_girl_friday\n\n"
            "https://soundcloud.com/forss/flickermood\n\n"
            "https://artist.bandcamp.com/track/some-song\n\nAt [0:10]."
        )
    )
    # A broken page rides along: a checker that finds nothing in it did not run.
    pages = {"control": "<!doctype html><html lang=en><title>x</title><p><div>unclosed</p>"}
    for name, post in (("memorial card", gone), ("new players", players)):
        response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        pages[name] = response.content.decode()
    assert "video-memorial" in pages["memorial card"]
    assert pages["new players"].count('class="video-facade"') == 3
    assert 'class="video-outlink"' in pages["new players"]
    errors = validate_html(pages, tmp_path)
    assert errors.pop("control"), "the validator did not run properly"
    assert {page: found for page, found in errors.items() if found} == {}
