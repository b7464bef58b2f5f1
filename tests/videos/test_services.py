import pytest

from videos.models import Video
from videos.providers import UnsupportedVideoURL
from videos.services import video_get_or_create_from_url


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
