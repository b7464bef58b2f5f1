"""Media on object storage: a real S3-compatible server (moto, on 127.0.0.1) receives the admin's
uploads and the videos code's posters, and readers' pages link to the bucket."""

import io
import re
import urllib.request

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import html as lxml_html
from PIL import Image

from blog.models import Post
from videos.posters import poster_clean
from videos.services import video_get_or_create_from_url, video_set_poster

pytestmark = pytest.mark.django_db


def picture(fmt: str = "PNG", size=(1200, 675), color=(200, 60, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def admin_form_data(page: str) -> dict:
    """Return the values the admin's add form would submit untouched, read from its HTML."""
    form = lxml_html.fromstring(page).get_element_by_id("post_form")
    data = {}
    for field in form.inputs:
        name = field.name
        if not name or field.get("type") in ("submit", "file", "button"):
            continue
        if field.get("type") == "checkbox":
            if field.checked:
                data[name] = field.value or "on"
            continue
        value = field.value
        data[name] = "" if value is None else value
    return data


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read()


def bucket_keys(s3_client, bucket: str) -> set[str]:
    listing = s3_client.list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def test_admin_upload_lands_in_the_bucket_and_the_page_links_there(
    s3_media, s3_client, admin_client
):
    page = admin_client.get("/admin/blog/post/add/").content.decode()
    data = admin_form_data(page)
    data.update(
        title="Moving walls",
        body="The room moves; the floor does not.",
        status="published",
        featured_image_alt="The set of Virtual Insanity",
        featured_image_upload=SimpleUploadedFile("set.png", picture(), content_type="image/png"),
    )
    data.pop("_continue", None), data.pop("_addanother", None)
    response = admin_client.post("/admin/blog/post/add/", data)
    assert response.status_code == 302, response.context and response.context.get("errors")

    post = Post.objects.get(title="Moving walls")
    keys = bucket_keys(s3_client, s3_media.bucket)
    stored = post.featured_image.file
    assert stored.name in keys
    assert {item["name"] for item in post.featured_image.renditions} <= keys
    assert default_storage.exists(stored.name)
    assert stored.url == s3_media.base_url + stored.name

    reader = admin_client.get(post.get_absolute_url())
    html = reader.content.decode()
    linked = re.findall(r'(?:src|srcset)="([^"]+)"', html)
    bucket_links = [
        url.split(" ")[0]
        for value in linked
        for url in value.split(", ")
        if url.startswith(s3_media.base_url)
    ]
    assert bucket_links, "the post page shows the featured image from the bucket"
    for url in bucket_links:
        assert url.removeprefix(s3_media.base_url) in keys
        Image.open(io.BytesIO(fetch(url))).verify()  # readers can fetch it: a real image
    assert not re.search(r'src="/media/', html)
    assert s3_media.endpoint in reader["Content-Security-Policy"].split("img-src")[1].split(";")[0]


def test_video_poster_saved_by_the_videos_code_lands_in_the_bucket(
    s3_media, s3_client, make_post, client
):
    video, _ref = video_get_or_create_from_url(url="https://www.youtube.com/watch?v=4JkIs37a2JE")
    video.title = "Virtual Insanity"
    video_set_poster(video=video, picture=poster_clean(picture("JPEG", (1280, 720))))
    video.save()
    keys = bucket_keys(s3_client, s3_media.bucket)
    stored = [item["name"] for item in video.poster_renditions]
    assert stored and set(stored) <= keys
    assert video.poster_file.name in keys

    post = make_post(body="Watch it:\n\nhttps://youtu.be/4JkIs37a2JE\n")
    html = client.get(post.get_absolute_url()).content.decode()
    poster_links = {
        url.split(" ")[0]
        for value in re.findall(r'(?:src|srcset)="([^"]+)"', html)
        for url in value.split(", ")
        if url.startswith(s3_media.base_url)
    }
    assert poster_links, "the facade's poster comes from the bucket"
    for url in poster_links:
        assert (
            fetch(url)
            == s3_client.get_object(
                Bucket=s3_media.bucket, Key=url.removeprefix(s3_media.base_url)
            )["Body"].read()
        )


def test_files_never_overwrite_each_other(s3_media):
    from django.core.files.base import ContentFile

    first = default_storage.save("featured/same.png", ContentFile(b"one"))
    second = default_storage.save("featured/same.png", ContentFile(b"two"))
    assert first != second
    assert default_storage.open(first).read() == b"one"
    assert default_storage.open(second).read() == b"two"
