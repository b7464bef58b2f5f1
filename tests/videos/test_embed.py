"""What readers get for a video: the facade, its poster, timecodes, chapters, unavailable videos."""

import re

import pytest
from django.db.models import prefetch_related_objects
from fake_provider import image_bytes
from page_checks import third_party_loads

from videos.embed import expand_placeholders, render_video, timecode_link
from videos.models import Health, VideoChapter
from videos.posters import poster_clean
from videos.providers import parse_video_url
from videos.services import video_get_or_create_from_url, video_set_poster

YT_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def video_with_poster(url=YT_URL, *, size=(1280, 720), **fields):
    video, _ = video_get_or_create_from_url(url=url)
    video_set_poster(video=video, picture=poster_clean(image_bytes(size=size)))
    for name, value in fields.items():
        setattr(video, name, value)
    video.save()
    return video


def facade(video, **kwargs):
    return render_video(video.ref, video, **kwargs)


@pytest.mark.django_db
class TestFacade:
    def test_poster_is_ours_with_srcset_and_size(self):
        html = facade(video_with_poster(title="Virtual Insanity", duration_seconds=214))
        assert third_party_loads(html) == []
        assert re.search(
            r'<source type="image/webp" srcset="/media/[^" ]+-480\.webp 480w, /media/[^" ]+-960\.webp 960w"',
            html,
        )
        assert re.search(
            r'<img class="video-poster" src="/media/[^"]+-960\.jpg" srcset="[^"]+-480\.jpg 480w, [^"]+-960\.jpg 960w"',
            html,
        )
        assert 'width="960" height="540"' in html
        assert "<iframe" not in html and "style=" not in html

    def test_accessible_name_title_and_duration(self):
        html = facade(video_with_poster(title="Virtual Insanity", duration_seconds=214))
        link = re.search(r'<a class="video-facade"[^>]*>(.*?)</a>', html, re.S).group(1)
        visible_name = re.sub(
            r"<span[^>]*aria-hidden=\"true\"[^>]*>.*?</span>", "", link, flags=re.S
        )
        assert (
            " ".join(re.sub(r"<[^>]+>", " ", visible_name).split())
            == "Play video: Virtual Insanity"
        )
        assert '<span class="video-duration" aria-hidden="true">3:34</span>' in html
        # Said in text, too: the caption's link names the provider; the title, already shown on
        # the poster, is there for screen readers only (never "YouTube video on YouTube").
        assert (
            'Watch<span class="visually-hidden"> Virtual Insanity</span> on YouTube</a> (3:34)'
            in html
        )

    def test_without_javascript_the_facade_is_a_link_to_the_provider(self):
        video = video_with_poster()
        ref = parse_video_url(f"{YT_URL}&t=90")
        html = render_video(ref, video)
        assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=90s"' in html
        assert (
            'data-player-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;start=90&amp;enablejsapi=1"'
            in html
        )

    def test_no_poster_gives_the_neutral_placeholder_and_the_title(self):
        video, _ = video_get_or_create_from_url(url=YT_URL)
        video.title = "Virtual Insanity"
        html = facade(video)
        assert '<span class="video-poster video-poster-empty" aria-hidden="true"></span>' in html
        assert "Virtual Insanity" in html and "<img" not in html

    @pytest.mark.parametrize(
        ("width", "height", "aspect"),
        [
            (None, None, "16x9"),
            (480, 270, "16x9"),
            (640, 480, "4x3"),
            (500, 500, "1x1"),
            (270, 480, "9x16"),
            (2560, 1080, "21x9"),
            (1998, 1080, "16x9"),  # 1.85:1 is nearest to 16:9
        ],
    )
    def test_the_box_takes_the_nearest_known_shape(self, width, height, aspect):
        video = video_with_poster(width=width, height=height)
        assert f'<div class="video-frame video-{aspect}">' in facade(video)

    def test_transcript_link_is_shown(self):
        video = video_with_poster(transcript_url="https://example.org/transcript")
        assert (
            '<a class="video-transcript" href="https://example.org/transcript">Transcript</a>'
            in facade(video)
        )

    @pytest.mark.parametrize(
        ("health", "note"),
        [
            (Health.REMOVED, "This video is no longer available on YouTube."),
            (Health.PRIVATE, "This video is now private on YouTube."),
            (Health.NOT_EMBEDDABLE, "YouTube no longer lets this video play on other sites."),
        ],
    )
    def test_a_flagged_video_shows_poster_title_and_note_instead_of_a_player(self, health, note):
        html = facade(video_with_poster(title="Gone", health=health))
        assert note in html and "<strong>Gone</strong>" in html
        assert "video-facade" not in html and "data-player-url" not in html
        assert 'class="video-poster"' in html

    def test_feed_mode_is_a_linked_absolute_poster(self, settings):
        settings.SITE_URL = "https://closer.example"
        html = facade(video_with_poster(title="Virtual Insanity"), mode="feed")
        assert re.search(
            r'<img src="https://closer\.example/media/videos/posters/[^"]+\.jpg" alt="Virtual Insanity"',
            html,
        )
        assert "data-player-url" not in html and "video-facade" not in html

    def test_chapters_are_timecode_links_when_prefetched(self):
        video = video_with_poster(title="Song")
        VideoChapter.objects.create(video=video, start_seconds=95, title="The room moves")
        VideoChapter.objects.create(video=video, start_seconds=0, title="Intro")
        assert "video-chapters" not in facade(video)  # never a query per video
        prefetch_related_objects([video], "chapters")
        html = facade(video)
        chapters = re.search(
            r'<ol class="video-chapters" aria-label="Chapters of Song">(.*?)</ol>', html, re.S
        )
        items = re.findall(
            r'<li><a class="timecode" href="([^"]+)"[^>]*data-start="(\d+)"[^>]*>([^<]+)</a> ([^<]+)</li>',
            chapters.group(1),
        )
        assert items == [
            ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "0", "0:00", "Intro"),
            (
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=95s",
                "95",
                "1:35",
                "The room moves",
            ),
        ]


@pytest.mark.django_db
class TestTimecodes:
    def body(self, make_post, text):
        post = make_post(body=text)
        return expand_placeholders(post.body_html, post.inline_videos.all())

    def links(self, html):
        return re.findall(
            r'<a(?: id="moment-\d+")? class="timecode" href="([^"]+)" data-video-key="([^"]+)" data-start="(\d+)" data-player-url="([^"]+)">([^<]+)</a>',
            html,
        )

    def test_a_timecode_links_the_video_before_it(self, make_post):
        html = self.body(make_post, f"{YT_URL}\n\nAt [1:23] the room turns; at [1:02:03] it stops.")
        assert self.links(html) == [
            (
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=83s",
                "youtube:dQw4w9WgXcQ",
                "83",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;start=83&amp;enablejsapi=1",
                "1:23",
            ),
            (
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=3723s",
                "youtube:dQw4w9WgXcQ",
                "3723",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;start=3723&amp;enablejsapi=1",
                "1:02:03",
            ),
        ]
        assert "[1:23]" not in html

    def test_the_nearest_preceding_video_wins_and_the_first_covers_the_intro(self, make_post):
        html = self.body(
            make_post,
            "Before anything [0:10].\n\nhttps://vimeo.com/76979871\n\nFirst [0:20].\n\n"
            f"{YT_URL}\n\nSecond [0:30].",
        )
        keys = [(key, start) for _, key, start, _, _ in self.links(html)]
        assert keys == [
            ("vimeo:76979871", "10"),
            ("vimeo:76979871", "20"),
            ("youtube:dQw4w9WgXcQ", "30"),
        ]
        assert "player.vimeo.com/video/76979871?dnt=1&amp;autoplay=1#t=20s" in html

    def test_code_links_and_bad_times_stay_text(self, make_post):
        html = self.body(
            make_post,
            f"{YT_URL}\n\n`[1:23]` and\n\n    [2:34]\n\n[a link [3:45]](https://example.org) "
            "and [1:99] and [123:00:00] and [5:00].",
        )
        assert "<code>[1:23]</code>" in html
        assert "[2:34]" in html and "[3:45]" in html and "[1:99]" in html and "[123:00:00]" in html
        assert [label for *_, label in self.links(html)] == ["5:00"]

    def test_a_time_past_the_end_of_the_video_stays_text(self, make_post):
        post = make_post(body=f"{YT_URL}\n\nAt [1:00] and [9:00].")
        video = post.inline_videos.get()
        video.duration_seconds = 120
        video.save()
        html = expand_placeholders(post.body_html, post.inline_videos.all())
        assert [label for *_, label in self.links(html)] == ["1:00"] and "[9:00]" in html

    def test_without_videos_nothing_changes(self, make_post):
        html = self.body(make_post, "Just text at [1:23].")
        assert "[1:23]" in html and "timecode" not in html

    def test_feed_timecodes_are_plain_deep_links(self, make_post):
        post = make_post(body=f"{YT_URL}\n\nAt [1:23].")
        html = expand_placeholders(post.body_html, post.inline_videos.all(), mode="feed")
        assert '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=83s">1:23</a>' in html
        assert "data-player-url" not in html

    def test_each_provider_gets_its_own_deep_link(self):
        for url, expected in [
            (
                "https://vimeo.com/76979871/8272103f6e",
                "https://vimeo.com/76979871/8272103f6e#t=83s",
            ),
            ("https://dai.ly/x7tgad0", "https://www.dailymotion.com/video/x7tgad0?start=83"),
            ("https://cdn.example.org/a.mp4", "https://cdn.example.org/a.mp4#t=83"),
        ]:
            assert f'href="{expected}"' in timecode_link(parse_video_url(url), 83)

    def test_author_text_cannot_forge_a_timecode_link(self, make_post):
        html = self.body(
            make_post,
            f'{YT_URL}\n\n<a class="timecode" data-player-url="https://evil.example/">x</a>',
        )
        assert 'data-player-url="https://evil.example/"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "markup",
    ['<abbr title="a > [0:05] b">x</abbr>', '<img src="/a.jpg" alt="> [0:07]">'],
)
def test_timecodes_inside_attribute_values_stay_untouched(make_post, markup):
    # bleach keeps ">" unescaped inside attribute values: the tag must still end at its own ">"
    post = make_post(body=f"{YT_URL}\n\n{markup} and then [0:06].")
    html = expand_placeholders(post.body_html, post.inline_videos.all())
    assert html.count('class="timecode"') == 1  # only the one in the text
    assert markup in html
