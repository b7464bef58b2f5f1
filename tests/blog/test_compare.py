"""Side by side: `[compare: A | B]` shows two facades and one button; feeds two linked posters."""

import re
from xml.etree import ElementTree

import pytest

from blog.body_checks import body_warnings
from blog.rendering import render_body
from videos.compare import BadComparison, parse_compare

pytestmark = pytest.mark.django_db

A = "https://youtu.be/dQw4w9WgXcQ"
B = "https://vimeo.com/76979871"


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        (f"[compare: {A} | {B}]", 0),
        (f"[compare:{A}|{B}]", 0),
        (f"[compare: {A} | {B} | offset=12]", 12),
        (f"[compare: {A} | {B} | offset = -12]", -12),
        (f"[compare: {A} | {B} | offset=1:05]", 65),
        (f"[Compare: {A} | {B} | offset=1m5s]", 65),
    ],
)
def test_compare_lines_are_read(line, offset):
    comparison = parse_compare(line)
    assert (comparison.first.key, comparison.second.key) == (
        "youtube:dQw4w9WgXcQ",
        "vimeo:76979871",
    )
    assert comparison.offset == offset


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (f"[compare: {A}]", "it needs two video addresses"),
        (f"[compare: {A} | {B} | {A}]", "is not an offset"),
        (f"[compare: {A} | | {B}]", "it needs two video addresses"),
        (f"[compare: {A} | https://evil.example/?u={B}]", "the second address is not a video"),
        (f"[compare: javascript:alert(1) | {B}]", "the first address is not a video"),
        (f"[compare: {A} | {B} | offset=soon]", "“offset=soon” is not an offset"),
        (f"[compare: {A} | {B} | offset=99:00:00]", "is not an offset"),
        (f"[compare {A} | {B}]", "write it as [compare: URL_A | URL_B]"),
    ],
)
def test_bad_compare_lines_say_why(line, reason):
    with pytest.raises(BadComparison, match=re.escape(reason)):
        parse_compare(line)


def test_other_lines_are_no_compare_line():
    assert parse_compare("[still:3]") is None and parse_compare("A sentence.") is None


def test_the_page_shows_two_facades_and_one_button_loading_nothing(client, make_post):
    post = make_post(body=f"Before.\n\n[compare: {A} | {B} | offset=12]\n\nAfter.")
    assert {v.key for v in post.inline_videos.all()} == {"youtube:dQw4w9WgXcQ", "vimeo:76979871"}
    html = client.get(post.get_absolute_url()).content.decode()
    block = re.search(r'<div class="video-compare" data-offset="12">.*?</p>\s*</div>', html, re.S)
    block = block.group(0)
    facades = re.findall(r'<a class="video-facade" href="([^"]+)"', block)
    assert facades == ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://vimeo.com/76979871"]
    assert '<button type="button" class="video-compare-play" hidden>Play both</button>' in block
    assert "The second starts 12 seconds after the first." in block
    assert "<iframe" not in html
    assert html.count("closer/compare.js") == 1


def test_a_page_without_a_comparison_loads_no_compare_script(client, make_post):
    post = make_post(body=A)
    assert "compare.js" not in client.get(post.get_absolute_url()).content.decode()


def test_a_bad_compare_line_keeps_its_text_and_is_named(client, make_post):
    body = f"[compare: {A} | https://example.com/not-a-video]"
    post = make_post(body=body)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "video-compare" not in response.content.decode()
    assert "[compare: " in post.body_html and "example.com/not-a-video" in post.body_html
    [warning] = body_warnings(body)
    assert warning.startswith("Line 1 cannot be shown side by side: the second address")


def test_author_text_cannot_forge_a_comparison():
    html = render_body(
        '<closer-compare data-first-key="youtube:x" data-first-url="https://youtu.be/x" '
        'data-second-key="youtube:y" data-second-url="https://youtu.be/y" data-offset="0">'
        "</closer-compare>"
    )
    assert "<closer-compare" not in html


def test_html_bodies_take_compare_lines_too(make_post):
    post = make_post(body=f"<p>[compare: {A} | {B}]</p>", body_format="html")
    assert post.body_html.startswith("<closer-compare ")


def test_feeds_show_two_linked_posters(client, make_post):
    make_post(body=f"[compare: {A} | {B} | offset=-5]")
    feed = ElementTree.fromstring(client.get("/feed/").content)
    content = feed.find("channel/item/{http://purl.org/rss/1.0/modules/content/}encoded").text
    assert "<iframe" not in content and "<button" not in content and "<script" not in content
    assert "Side by side: The first starts 5 seconds after the second." in content
    assert '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Watch' in content
    assert '<a href="https://vimeo.com/76979871">Watch' in content


def test_shortcode_warnings_name_unknown_stills_and_bad_comparisons():
    body = f"[still:424242]\n\nText [still:1] inline.\n\n[compare: {A} | {B} | offset=x]"
    warnings = body_warnings(body)
    assert warnings == [
        "Line 1 places still 424242, which does not exist: readers see a note that it is "
        "missing. Check the number in Blog › Stills.",
        "Line 5 cannot be shown side by side: “offset=x” is not an offset: write offset=12 "
        f"(seconds), offset=-12 or offset=1:05. It shows as plain text: “[compare: {A} | {B} | "
        "offset=x]”.",
    ]
