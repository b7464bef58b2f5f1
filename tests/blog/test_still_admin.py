"""Stills in the admin: mark a library image as a frame of a video, or grab the frame with ffmpeg."""

import json
import sys

import pytest
from django.contrib.auth.models import Group
from PIL import Image as PILImage

from blog import still_grab
from blog.models import Image, Still
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db

FILE_VIDEO = "https://media.example.com/films/closer.mp4"


@pytest.fixture
def editor_client(client, make_user):
    user = make_user(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    return client


@pytest.fixture
def video():
    return video_get_or_create_from_url(url="https://youtu.be/dQw4w9WgXcQ")[0]


@pytest.fixture
def file_video():
    video = video_get_or_create_from_url(url=FILE_VIDEO)[0]
    video.duration_seconds = 300
    video.save()
    return video


def add_still(client, **data):
    return client.post("/admin/blog/still/add/", {"caption": "", **data})


def test_an_image_is_marked_as_a_still_from_its_own_page(editor_client, make_image, video):
    image = make_image()
    page = editor_client.get(f"/admin/blog/image/{image.pk}/change/").content.decode()
    assert "Stills: this image as a frame of a video" in page
    response = editor_client.post(
        f"/admin/blog/image/{image.pk}/change/",
        {
            "alt_text": image.alt_text,
            "caption": "",
            "credit": "",
            "stills-TOTAL_FORMS": "1",
            "stills-INITIAL_FORMS": "0",
            "stills-MIN_NUM_FORMS": "0",
            "stills-MAX_NUM_FORMS": "1000",
            "stills-0-video": video.pk,
            "stills-0-at_seconds": "1:23",
            "stills-0-caption": "The jar.",
            "stills-0-image": image.pk,
        },
    )
    assert response.status_code == 302
    still = Still.objects.get()
    assert (still.image, still.video, still.at_seconds, still.caption) == (
        image,
        video,
        83,
        "The jar.",
    )
    page = editor_client.get(f"/admin/blog/image/{image.pk}/change/").content.decode()
    assert f'data-copy="[still:{still.pk}]"' in page and 'value="1:23"' in page


def test_the_stills_admin_adds_one_and_shows_its_shortcode(editor_client, make_image, video):
    image = make_image()
    response = add_still(editor_client, video=video.pk, at_seconds="83", image=image.pk)
    assert response.status_code == 302
    still = Still.objects.get()
    page = editor_client.get(f"/admin/blog/still/{still.pk}/change/").content.decode()
    assert f"[still:{still.pk}]" in page and 'class="post-image still"' in page
    assert "Play “" in page  # the preview is the still as readers get it


@pytest.mark.parametrize(
    ("time", "error"),
    [
        ("soon", "Write the time as 1:23, 1:02:03 or 83 (seconds)."),
        ("9:00", "The video is only 5:00 long: pick a time within it."),
    ],
)
def test_a_bad_time_is_refused_with_the_form_kept(
    editor_client, make_image, file_video, time, error
):
    image = make_image()
    response = add_still(
        editor_client, video=file_video.pk, at_seconds=time, image=image.pk, caption="Kept"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page and 'value="Kept"' in page
    assert not Still.objects.exists()


def test_a_still_needs_an_image_or_a_grab(editor_client, video):
    response = add_still(editor_client, video=video.pk, at_seconds="1:00")
    assert (
        "Pick the frame from the image library, or grab it from the video."
        in response.content.decode()
    )


def test_without_ffmpeg_grabbing_says_so(editor_client, file_video, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # nowhere to find ffmpeg
    response = add_still(
        editor_client, video=file_video.pk, at_seconds="1:23", grab="on", frame_alt="The jar"
    )
    assert response.status_code == 200
    assert "Grabbing a frame needs ffmpeg, which is not installed on this server." in (
        response.content.decode()
    )
    assert not Still.objects.exists() and not Image.objects.exists()


def fake_ffmpeg(tmp_path, monkeypatch, *, writes="png"):
    """Put an "ffmpeg" on PATH that records its arguments and writes its last one: a PNG."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "argv.json"
    script = folder / "ffmpeg"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"json.dump(sys.argv[1:], open({str(log)!r}, 'w'))\n"
        + (
            "from PIL import Image\n"
            "Image.new('RGB', (640, 360), 'orange').save(sys.argv[-1], 'PNG')\n"
            if writes == "png"
            else "open(sys.argv[-1], 'w').write('<html>not a frame</html>')\n"
        )
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    # The fake host does not resolve here; the address check has its own test below.
    monkeypatch.setattr(still_grab, "_resolves_publicly", lambda host: host == "media.example.com")
    return log


def test_a_frame_is_grabbed_with_ffmpeg_and_joins_the_library(
    editor_client, file_video, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    log = fake_ffmpeg(tmp_path, monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = add_still(
            editor_client, video=file_video.pk, at_seconds="1:23", grab="on", frame_alt="The jar"
        )
    assert response.status_code == 302
    argv = json.loads(log.read_text())
    assert argv[:-1] == [
        "-nostdin", "-hide_banner", "-loglevel", "error",
        "-protocol_whitelist", "https,tls,tcp",
        "-ss", "83", "-i", FILE_VIDEO,
        "-frames:v", "1", "-f", "image2", "-c:v", "png", "-y",
    ]  # fmt: skip
    still = Still.objects.select_related("image").get()
    assert still.at_seconds == 83 and still.video == file_video
    assert (still.image.alt_text, still.image.width, still.image.height) == ("The jar", 640, 360)
    assert still.image.uploaded_by.username == "editor"
    with still.image.file.open("rb") as stored:
        assert PILImage.open(stored).format == "PNG"
    assert still.image.renditions  # made like any upload's


def test_a_grab_that_is_not_an_image_is_refused_by_the_library_checks(
    editor_client, file_video, monkeypatch, tmp_path
):
    fake_ffmpeg(tmp_path, monkeypatch, writes="html")
    response = add_still(
        editor_client, video=file_video.pk, at_seconds="1:23", grab="on", frame_alt="The jar"
    )
    assert response.status_code == 200
    assert "The grabbed frame was refused:" in response.content.decode()
    assert not Still.objects.exists() and not Image.objects.exists()


def test_frames_are_grabbed_only_from_video_files(editor_client, video, monkeypatch, tmp_path):
    fake_ffmpeg(tmp_path, monkeypatch)
    response = add_still(editor_client, video=video.pk, at_seconds="1:23", grab="on", frame_alt="x")
    assert "Frames can only be grabbed from video files" in response.content.decode()
    assert not Still.objects.exists()


@pytest.mark.parametrize(
    ("address", "public"), [("10.0.0.7", False), ("127.0.0.1", False), ("93.184.216.34", True)]
)
def test_frames_are_fetched_only_from_public_addresses(monkeypatch, address, public):
    monkeypatch.setattr(
        still_grab.socket, "getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", (address, 443))]
    )
    assert still_grab._resolves_publicly("media.example.com") is public


def test_an_author_adds_stills_but_does_not_change_them(client, make_user, make_image, video):
    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Author"))
    client.force_login(user)
    response = add_still(client, video=video.pk, at_seconds="0:10", image=make_image().pk)
    assert response.status_code == 302
    still = Still.objects.get()
    response = client.post(
        f"/admin/blog/still/{still.pk}/change/",
        {"video": video.pk, "at_seconds": "0:20", "image": still.image_id},
    )
    still.refresh_from_db()
    assert still.at_seconds == 10
