"""Caption files and transcripts: WebVTT checked for real, one file per language, transcripts
shown under the video as times that seek, and never a 500 for a bad file."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.videos.test_video_admin import change_url, form_data
from videos.captions import (
    language_clean,
    language_name,
    transcript_from_cues,
    transcript_lines,
    webvtt_parse,
    webvtt_write,
)
from videos.models import Video, VideoCaption
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db

GOOD_VTT = (
    "WEBVTT - a music video\n"
    "\n"
    "NOTE made by hand\n"
    "\n"
    "STYLE\n"
    "::cue { color: red; background-image: url(https://evil.example/x.png) }\n"
    "\n"
    "intro\n"
    "00:00:01.000 --> 00:00:04.500 line:90%\n"
    "<v Singer>We're no strangers</v> to <i>love</i>\n"
    "\n"
    "00:12.250 --> 00:15.000\n"
    "You know the rules &amp; so do I\n"
    "\n"
    "01:02:03.000 --> 01:02:05.000\n"
    "<c.loud>Never</c> <00:01:02.500>gonna\n"
)


def caption_upload(text, name="song.en.vtt"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/vtt")


def problem(data) -> str:
    with pytest.raises(ValidationError) as caught:
        webvtt_parse(data.encode("utf-8") if isinstance(data, str) else data)
    return " ".join(caught.value.messages)


def test_a_real_webvtt_file_gives_its_cues_and_is_written_back_clean():
    cues = webvtt_parse(GOOD_VTT.encode())
    assert [(cue.start, cue.end) for cue in cues] == [(1.0, 4.5), (12.25, 15.0), (3723.0, 3725.0)]
    assert cues[0].identifier == "intro" and cues[0].settings == "line:90%"
    written = webvtt_write(cues)
    assert written.startswith("WEBVTT\n\nintro\n00:00:01.000 --> 00:00:04.500 line:90%\n")
    # Our copy is only the cues: the STYLE block (and its remote image) and the NOTE are gone.
    assert "STYLE" not in written and "evil.example" not in written and "NOTE" not in written
    assert webvtt_parse(written.encode()) == cues


def test_a_byte_order_mark_and_windows_line_ends_are_fine():
    cues = webvtt_parse(("\ufeff" + GOOD_VTT).replace("\n", "\r\n").encode())
    assert len(cues) == 3


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("", "first line must be WEBVTT"),
        ("1\n00:00:01,000 --> 00:00:02,000\nSubRip\n", "first line must be WEBVTT"),
        ("WEBVTTX\n\n00:01.000 --> 00:02.000\nx\n", "first line must be WEBVTT"),
        ("WEBVTT\n\nNOTE only a note\n", "has no cues"),
        ("WEBVTT\n\n00:01 --> 00:02\nno millis\n", "Line 3: “00:01 --> 00:02” is not a cue timing"),
        ("WEBVTT\n\n00:01.000 --> 00:61.000\nx\n", "Line 3"),
        ("WEBVTT\n\n00:05.000 --> 00:02.000\nx\n", "Line 3: the cue ends before it starts"),
        (
            "WEBVTT\n\n00:05.000 --> 00:06.000\na\n\n00:01.000 --> 00:02.000\nb\n",
            "Line 6: cues must be in time order",
        ),
        ("WEBVTT\n\n00:01.000 --> 00:02.000 colour:red\nx\n", "“colour:red” is not a WebVTT cue"),
        ("WEBVTT\n\nid only\n\n", "Line 3: a cue needs a timing line"),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<script>alert(1)</script>\n",
            "Line 4: “<script>” is not WebVTT cue markup",
        ),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<a href=x>x</a>\n", "“<a href=x>” is not WebVTT"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<img src=x onerror=alert(1)>\n", "not WebVTT cue"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<b onclick=x>x</b>\n", "not WebVTT cue markup"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n1 < 2\n", "write a literal < as &lt;"),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\na\n00:03.000 --> 00:04.000\nb\n",
            "Line 5: cue text may not contain “-->”",
        ),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nnul\x00here\n", "NUL"),
    ],
)
def test_what_is_not_webvtt_is_refused_with_the_line_at_fault(data, expected):
    assert expected in problem(data)


def test_a_file_that_is_not_utf8_or_too_big_is_refused(settings):
    assert "not UTF-8 text (line 4 is not)" in problem(
        b"WEBVTT\n\n00:01.000 --> 00:02.000\n" + "café".encode("latin-1")
    )
    settings.CLOSER_MAX_CAPTION_BYTES = 2048
    assert "the limit is 2 KB" in problem("WEBVTT\n\n" + "00:01.000 --> 00:02.000\nx\n\n" * 200)


def test_cues_become_a_transcript_without_markup_or_repeats():
    cues = webvtt_parse(
        (
            GOOD_VTT + "\n01:02:06.000 --> 01:02:07.000\n<c.loud>Never</c> <00:01:02.500>gonna\n"
        ).encode()
    )
    assert transcript_from_cues(cues) == (
        "[0:01] Singer: We're no strangers to love\n"
        "[0:12] You know the rules & so do I\n"
        "[1:02:03] Never gonna"
    )


def test_a_pasted_transcript_reads_both_time_forms_and_keeps_untimed_lines():
    lines = transcript_lines(
        "Opening remarks\n[0:12] The room turns.\n0:45 — it is back\nand stays there.\n\n"
        "1:02:03 End\n12 angry men is not a time"
    )
    assert [(line.start_seconds, line.text) for line in lines] == [
        (None, "Opening remarks"),
        (12, "The room turns."),
        (45, "it is back and stays there."),
        (3723, "End 12 angry men is not a time"),
    ]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("en", "en"),
        ("EN-gb", "en-GB"),
        ("pt-br", "pt-BR"),
        ("zh-hant", "zh-Hant"),
        ("es-419", "es-419"),
    ],
)
def test_language_codes_are_kept_in_their_usual_case(written, stored):
    assert language_clean(written) == stored


@pytest.mark.parametrize("written", ["", "english", "e", "en_GB", "en-", "<b>", "en-GB-x-private"])
def test_a_language_that_is_not_a_code_is_refused(written):
    with pytest.raises(ValidationError, match="such as en, fr, pt-BR"):
        language_clean(written)


def test_a_language_is_named_in_its_own_words():
    assert language_name("fr") == "Français"
    assert language_name("pt-BR") == "Português Brasileiro"
    assert language_name("tlh") == "tlh"


# --- The Video admin ------------------------------------------------------------------------


@pytest.fixture
def file_video():
    video, _ = video_get_or_create_from_url(url="https://media.example.org/essay.mp4")
    return video


def caption_form(video, rows, **overrides):
    data = form_data(video, title="The essay", **overrides)
    data["captions-TOTAL_FORMS"] = str(len(rows))
    files = {}
    for index, (language, label, upload) in enumerate(rows):
        data[f"captions-{index}-language"] = language
        data[f"captions-{index}-label"] = label
        files[f"captions-{index}-file"] = upload
    return {**data, **files}


def errors_in(html):
    return [
        re.sub(r"<[^>]+>", "", error)
        for error in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    ]


def test_caption_files_are_uploaded_checked_and_stored_clean(admin_client, file_video):
    response = admin_client.post(
        change_url(file_video),
        caption_form(
            file_video,
            [("EN", "", caption_upload(GOOD_VTT)), ("fr", "VF", caption_upload(GOOD_VTT))],
        ),
    )
    assert response.status_code == 302
    english, french = VideoCaption.objects.filter(video=file_video).order_by("language")
    assert (english.language, english.display_label, english.cue_count) == ("en", "English", 3)
    assert french.display_label == "VF"
    stored = default_storage.open(english.file.name).read().decode()
    assert stored.startswith("WEBVTT\n") and "STYLE" not in stored
    file_video.refresh_from_db()
    assert [(t["language"], t["label"]) for t in file_video.caption_tracks] == [
        ("en", "English"),
        ("fr", "VF"),
    ]
    # The empty transcript was filled from the first file's cues.
    assert file_video.transcript.startswith("[0:01] Singer: We're no strangers to love\n")


def test_a_bad_caption_file_is_refused_on_the_form_and_nothing_is_lost(admin_client, file_video):
    response = admin_client.post(
        change_url(file_video),
        caption_form(
            file_video,
            [("en", "", caption_upload("WEBVTT\n\n00:01.000 --> 00:02.000\n<script>x</script>\n"))],
            description="Kept while the file is fixed",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Line 4: “&lt;script&gt;” is not WebVTT cue markup" in html
    assert "Kept while the file is fixed" in html
    assert not VideoCaption.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        caption_upload(b"\x89PNG\r\n\x1a\n\x00\x00", name="x.vtt"),
        caption_upload(b"", name="empty.vtt"),
        caption_upload("<html><script>alert(1)</script></html>", name="x.html"),
        caption_upload(b"\xff\xfe" + "WEBVTT".encode("utf-16-le"), name="utf16.vtt"),
    ],
)
def test_junk_uploads_are_form_errors_never_500(admin_client, file_video, upload):
    response = admin_client.post(
        change_url(file_video), caption_form(file_video, [("en", "", upload)])
    )
    assert response.status_code == 200
    assert errors_in(response.content.decode())
    assert not VideoCaption.objects.exists()


def test_one_file_per_language_and_a_real_language_code(admin_client, file_video):
    response = admin_client.post(
        change_url(file_video),
        caption_form(
            file_video,
            [("en", "", caption_upload(GOOD_VTT)), ("EN", "", caption_upload(GOOD_VTT))],
        ),
    )
    assert response.status_code == 200
    assert "Please correct the duplicate data for language" in response.content.decode()
    response = admin_client.post(
        change_url(file_video),
        caption_form(file_video, [("English", "", caption_upload(GOOD_VTT))]),
    )
    assert response.status_code == 200
    assert "such as en, fr, pt-BR or zh-Hant" in response.content.decode()
    assert not VideoCaption.objects.exists()


def test_a_transcript_typed_in_is_not_replaced_by_captions(admin_client, file_video):
    response = admin_client.post(
        change_url(file_video),
        caption_form(file_video, [("en", "", caption_upload(GOOD_VTT))], transcript="[0:05] Mine"),
    )
    assert response.status_code == 302
    file_video.refresh_from_db()
    assert file_video.transcript == "[0:05] Mine"


def test_deleting_a_caption_removes_its_track_and_file(
    file_video, django_capture_on_commit_callbacks
):
    caption = VideoCaption.objects.create(
        video=file_video, language="en", file=caption_upload(GOOD_VTT)
    )
    name = caption.file.name
    file_video.refresh_from_db()
    assert file_video.caption_tracks == [{"language": "en", "label": "English", "file": name}]
    with django_capture_on_commit_callbacks(execute=True):
        caption.delete()
    file_video.refresh_from_db()
    assert file_video.caption_tracks == []
    assert not default_storage.exists(name)


# --- On the page ----------------------------------------------------------------------------


def test_a_file_video_offers_its_captions_to_the_player(client, make_post, file_video):
    VideoCaption.objects.create(video=file_video, language="en", file=caption_upload(GOOD_VTT))
    VideoCaption.objects.create(
        video=file_video, language="de", label="Deutsch (SDH)", file=caption_upload(GOOD_VTT)
    )
    post = make_post(body="https://media.example.org/essay.mp4")
    html = client.get(post.get_absolute_url()).content.decode()
    [captions] = re.findall(r'data-captions="([^"]*)"', html)
    assert (
        "&quot;srclang&quot;:&quot;de&quot;,&quot;label&quot;:&quot;Deutsch (SDH)&quot;" in captions
    )
    assert "/media/videos/captions/" in captions


def test_an_iframe_player_gets_no_caption_tracks(client, make_post):
    post = make_post(body="https://youtu.be/dQw4w9WgXcQ")
    video = Video.objects.get()
    VideoCaption.objects.create(video=video, language="en", file=caption_upload(GOOD_VTT))
    assert "data-captions" not in client.get(post.get_absolute_url()).content.decode()


def test_the_transcript_shows_under_the_video_with_times_that_seek(client, make_post):
    post = make_post(body="https://youtu.be/dQw4w9WgXcQ\n\nAn essay.")
    Video.objects.filter().update(
        transcript="Intro, untimed\n[0:12] <script>alert(1)</script> & more\n1:30 Chorus",
        duration_seconds=60,
    )
    html = client.get(post.get_absolute_url()).content.decode()
    transcript = html[html.index('<details class="video-transcript-text">') :]
    transcript = transcript[: transcript.index("</details>")]
    assert "<summary>Transcript" in transcript
    assert "<li>Intro, untimed</li>" in transcript
    assert (
        'class="timecode" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=12s" '
        'data-video-key="youtube:dQw4w9WgXcQ" data-start="12"'
    ) in transcript
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in transcript
    assert "<script>alert" not in html
    # Past the video's end a time is text, not a link that cannot play.
    assert '<span class="timecode timecode-gone">1:30</span> Chorus' in transcript
    assert html.count("closer/watchalong.js") == 1


def test_the_video_page_shows_the_transcript_too(client, make_post):
    make_post(body="https://youtu.be/dQw4w9WgXcQ")
    video = Video.objects.get()
    video.transcript = "[0:12] The room turns"
    video.save()
    html = client.get(video.get_absolute_url()).content.decode()
    assert "The room turns" in html and 'data-start="12"' in html
