import pytest
from django.core.files.storage import default_storage
from fake_provider import bytes_answer, image_bytes, slow_answer, status_answer

from videos.models import Health, Video
from videos.providers import UnsupportedVideoURL
from videos.services import (
    video_check_health,
    video_get_or_create_from_url,
    video_refresh_metadata,
)
from videos.tasks import video_fetch_metadata


@pytest.mark.django_db
def test_two_forms_of_one_video_share_a_row():
    first, _ = video_get_or_create_from_url(url="https://youtu.be/dQw4w9WgXcQ")
    second, ref = video_get_or_create_from_url(
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s"
    )
    assert first.pk == second.pk
    assert ref.start_seconds == 90
    assert Video.objects.count() == 1
    assert first.url == "https://youtu.be/dQw4w9WgXcQ"  # the first pasted form is kept


@pytest.mark.django_db
def test_unlisted_hash_learned_later_is_kept():
    video, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    video, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871/8272103f6e")
    assert video.private_hash == "8272103f6e"


@pytest.mark.django_db
def test_unsupported_url_creates_nothing():
    with pytest.raises(UnsupportedVideoURL):
        video_get_or_create_from_url(url="https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ")
    assert not Video.objects.exists()


# Metadata and posters, against a real local provider.


def youtube_video():
    return video_get_or_create_from_url(url="https://youtu.be/dQw4w9WgXcQ")[0]


def serve_video(provider, *, poster=None, **fields):
    provider.on("/poster.jpg", bytes_answer(poster if poster is not None else image_bytes()))
    data = {
        "title": "Virtual Insanity",
        "author_name": "Jamiroquai",
        "thumbnail_url": f"{provider.url}/poster.jpg",
        "width": 480,
        "height": 270,
    }
    data.update(fields)
    provider.oembed("youtube", data)


@pytest.mark.django_db
def test_fetch_stores_details_and_a_local_poster(provider):
    serve_video(provider)
    video = youtube_video()
    assert video_refresh_metadata(video=video) is None
    video.refresh_from_db()
    assert video.title == "Virtual Insanity"
    assert video.author_name == "Jamiroquai"
    assert (video.width, video.height, video.aspect) == (480, 270, "16x9")
    assert video.metadata_fetched_at is not None and video.metadata_error == ""
    assert video.health == Health.OK
    assert video.remote_poster_url == f"{provider.url}/poster.jpg"
    assert {(r["format"], r["width"]) for r in video.poster_renditions} == {
        ("webp", 480),
        ("jpeg", 480),
        ("webp", 960),
        ("jpeg", 960),
    }
    for rendition in video.poster_renditions:
        assert default_storage.exists(rendition["name"])
    assert video.poster_file.name.endswith("-960.jpg")
    poster = video.poster
    assert poster["width"] == 960 and poster["height"] == 540
    assert poster["sources"][0]["type"] == "image/webp"
    assert poster["sources"][0]["srcset"].endswith("-960.webp 960w")
    assert poster["src"].startswith("/media/videos/posters/youtube/dQw4w9WgXcQ-")


@pytest.mark.django_db
def test_fetch_happens_once_and_poster_downloads_once(provider):
    serve_video(provider)
    video = youtube_video()
    # The task is idempotent: a second run (a retried or duplicated task) asks nobody.
    assert video_fetch_metadata.enqueue(video.pk).return_value == "fetched"
    assert video_fetch_metadata.enqueue(video.pk).return_value == "done already"
    assert len(provider.asked_for("/oembed/youtube")) == 1
    video.refresh_from_db()
    # A refresh asks oEmbed again, but the poster at the same address is not downloaded again.
    video_refresh_metadata(video=video)
    assert len(provider.asked_for("/oembed/youtube")) == 2
    assert len(provider.asked_for("/poster.jpg")) == 1


@pytest.mark.django_db
def test_what_the_admin_wrote_is_kept(provider):
    serve_video(provider, duration=200)
    video = youtube_video()
    video.title, video.author_name = "My title", "My credit"
    video.save()
    video_refresh_metadata(video=video)
    video.refresh_from_db()
    assert (video.title, video.author_name, video.duration_seconds) == (
        "My title",
        "My credit",
        200,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answer",
    [status_answer(500), slow_answer(2, status_answer(200))],
    ids=["down", "slow"],
)
def test_a_failing_provider_gives_a_warning_and_is_retried_later(provider, answer, settings):
    provider.oembed("youtube", answer)
    video = youtube_video()
    # Half a second, which the slow answer (2 s late) cannot meet; the recovery gets the
    # fixture's generous deadline back, so a busy machine cannot fail it.
    generous, settings.CLOSER_OEMBED_TIMEOUT = settings.CLOSER_OEMBED_TIMEOUT, 0.5
    warning = video_refresh_metadata(video=video)
    settings.CLOSER_OEMBED_TIMEOUT = generous
    assert warning.startswith("YouTube video dQw4w9WgXcQ: could not fetch its details")
    assert "tried again in the background" in warning and "manage.py" not in warning
    video.refresh_from_db()
    assert video.metadata_error.startswith("oEmbed:")
    assert video.poster is None and video.health == Health.UNCHECKED
    # The provider recovers: the next save tries again and clears the error.
    serve_video(provider)
    assert video_refresh_metadata(video=video) is None
    video.refresh_from_db()
    assert video.metadata_error == "" and video.poster is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("poster", "problem"),
    [
        (b"<html>not an image</html>", "not a JPEG, PNG or WebP"),
        (image_bytes("GIF"), "not a JPEG, PNG or WebP"),
        (image_bytes("PNG")[:200], "damaged"),
    ],
    ids=["html", "gif", "truncated"],
)
def test_a_bad_poster_keeps_the_details_and_warns(provider, poster, problem):
    serve_video(provider, poster=poster)
    video = youtube_video()
    warning = video_refresh_metadata(video=video)
    assert "“Virtual Insanity”: could not store its poster" in warning and problem in warning
    video.refresh_from_db()
    assert video.title == "Virtual Insanity" and video.poster is None
    assert video.metadata_error.startswith("Poster:")
    assert not default_storage.exists("videos/posters")


@pytest.mark.django_db
def test_a_poster_on_a_foreign_host_is_not_fetched(provider):
    serve_video(provider, thumbnail_url="http://10.0.0.1/internal.jpg")
    video = youtube_video()
    warning = video_refresh_metadata(video=video)
    assert "site we do not fetch from" in warning


@pytest.mark.django_db
def test_a_changed_poster_replaces_the_old_files(provider):
    serve_video(provider)
    video = youtube_video()
    video_refresh_metadata(video=video)
    old_names = [r["name"] for r in video.poster_renditions]
    provider.on("/poster2.jpg", bytes_answer(image_bytes(color=(0, 90, 200))))
    serve_video(provider, thumbnail_url=f"{provider.url}/poster2.jpg")
    video_refresh_metadata(video=video)
    assert all(not default_storage.exists(name) for name in old_names)
    assert all(default_storage.exists(r["name"]) for r in video.poster_renditions)


@pytest.mark.django_db
def test_direct_files_need_no_fetch(provider):
    video, _ = video_get_or_create_from_url(url="https://cdn.example.org/clip.mp4")
    assert video_refresh_metadata(video=video) is None
    assert provider.requests == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "health"),
    [(404, Health.REMOVED), (401, Health.PRIVATE), (403, Health.NOT_EMBEDDABLE)],
)
def test_health_follows_the_providers_answer(provider, status, health):
    provider.oembed("youtube", status_answer(status))
    video = youtube_video()
    assert video_check_health(video=video) == health
    video.refresh_from_db()
    assert video.health == health and video.is_flagged and video.health_checked_at
    serve_video(provider)
    assert video_check_health(video=video) == Health.OK


@pytest.mark.django_db
def test_health_is_unchanged_when_the_provider_cannot_be_asked(provider):
    provider.oembed("youtube", status_answer(503))
    video = youtube_video()
    with pytest.raises(Exception, match="HTTP 503"):
        video_check_health(video=video)
    video.refresh_from_db()
    assert video.health == Health.UNCHECKED


@pytest.mark.django_db
def test_saving_a_post_with_a_removed_video_says_so(provider):
    provider.oembed("youtube", status_answer(404))
    video = youtube_video()
    warning = video_refresh_metadata(video=video)
    assert warning.startswith(
        "YouTube video dQw4w9WgXcQ: This video is no longer available on YouTube."
    )
    video.refresh_from_db()
    assert video.health == Health.REMOVED
