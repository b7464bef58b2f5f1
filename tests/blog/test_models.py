from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from blog import services
from blog.models import Post
from videos.models import Video


@pytest.mark.django_db
class TestPublished:
    def test_published_post_in_the_past_is_visible(self, make_post):
        post = make_post()
        assert list(Post.objects.published()) == [post]
        assert post.is_published

    def test_draft_is_not_visible(self, draft):
        assert not Post.objects.published().exists()
        assert not draft.is_published

    def test_draft_with_a_past_date_is_still_not_visible(self, make_post):
        make_post(status=Post.Status.DRAFT, published_at=timezone.now() - timedelta(days=9))
        assert not Post.objects.published().exists()

    def test_scheduled_post_is_hidden_until_its_time(self, scheduled):
        assert not Post.objects.published().exists()
        assert scheduled.is_scheduled and not scheduled.is_published
        Post.objects.filter(pk=scheduled.pk).update(
            published_at=timezone.now() - timedelta(seconds=1)
        )
        assert list(Post.objects.published()) == [scheduled]

    def test_publishing_without_a_date_publishes_now(self, author):
        before = timezone.now()
        post = Post.objects.create(title="Now", author=author, status=Post.Status.PUBLISHED)
        assert before <= post.published_at <= timezone.now()
        assert post.is_published

    def test_newest_first(self, make_post):
        old = make_post(published_at=timezone.now() - timedelta(days=5))
        new = make_post(published_at=timezone.now() - timedelta(hours=1))
        assert list(Post.objects.published()) == [new, old]


@pytest.mark.django_db
class TestSlug:
    def test_slug_comes_from_the_title(self, make_post):
        assert make_post(title="Virtual Insanity, revisited!").slug == "virtual-insanity-revisited"

    def test_slugs_stay_unique(self, make_post):
        first = make_post(title="Same title")
        second = make_post(title="Same title")
        third = make_post(title="Same title")
        assert [first.slug, second.slug, third.slug] == [
            "same-title",
            "same-title-2",
            "same-title-3",
        ]

    def test_slug_is_editable_and_kept(self, make_post):
        post = make_post(title="A title", slug="my-own-slug")
        post.title = "Another title"
        post.save()
        assert post.slug == "my-own-slug"
        assert post.get_absolute_url() == "/posts/my-own-slug/"

    def test_database_refuses_duplicate_slugs(self, make_post):
        make_post(slug="taken")
        with pytest.raises(IntegrityError):
            Post.objects.filter(pk=make_post().pk).update(slug="taken")

    def test_title_without_letters_still_gets_a_slug(self, make_post):
        assert make_post(title="!!!").slug == "post"


@pytest.mark.django_db
class TestBodyAndExcerpt:
    def test_body_html_is_rendered_and_sanitized_on_save(self, make_post):
        post = make_post(body="Hello *world* <script>alert(1)</script>")
        assert "<em>world</em>" in post.body_html
        assert "<script" not in post.body_html

    def test_excerpt_defaults_to_the_start_of_the_body(self, make_post):
        post = make_post(body="word " * 100, excerpt="")
        assert post.summary.startswith("word word")
        assert post.summary.endswith("…")
        assert len(post.summary.split()) <= 42

    def test_written_excerpt_wins(self, make_post):
        assert make_post(excerpt="Short and sweet.").summary == "Short and sweet."

    def test_video_lines_create_and_link_videos(self, make_post):
        post = make_post(body="Intro.\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nOutro.")
        video = Video.objects.get()
        assert (video.provider, video.video_id) == ("youtube", "dQw4w9WgXcQ")
        assert list(post.inline_videos.all()) == [video]

    def test_removing_the_line_unlinks_the_video(self, make_post):
        post = make_post(body="https://youtu.be/dQw4w9WgXcQ")
        post.body = "No video any more."
        post.save()
        assert not post.inline_videos.exists()
        assert Video.objects.count() == 1  # the video row stays for other posts and history


@pytest.mark.django_db
class TestReadingStats:
    def test_word_count_and_reading_minutes(self, make_post):
        post = make_post(body="word " * 700 + "\n\nhttps://youtu.be/dQw4w9WgXcQ")
        assert post.word_count == 700
        assert post.reading_minutes == 3

    def test_short_posts_take_a_minute(self, make_post):
        assert make_post(body="Short.").reading_minutes == 1


@pytest.mark.django_db
def test_partial_loads_work_and_saves_still_track_changes(make_post):
    post = make_post(title="Loaded partly", slug="loaded-partly")
    partial = Post.objects.only("title", "slug").get(pk=post.pk)
    assert partial.title == "Loaded partly"
    assert Post.objects.defer("body").get(pk=post.pk).slug == "loaded-partly"
    full = Post.objects.get(pk=post.pk)
    full.slug = "renamed"
    services.post_save(post=full)
    from blog.models import RetiredPostSlug

    assert RetiredPostSlug.objects.filter(slug="loaded-partly").exists()


@pytest.mark.django_db
def test_neighbours_keep_posts_published_at_the_same_moment(make_post):
    moment = timezone.now() - timedelta(days=1)
    first, second, third = (make_post(published_at=moment) for _ in range(3))
    assert Post.objects.published().neighbours_of(second) == (first, third)
    assert Post.objects.published().neighbours_of(first) == (None, second)


@pytest.mark.django_db
def test_related_weighs_each_tags_newest_taggings_so_a_rare_tag_still_counts(
    make_post, monkeypatch
):
    from blog import models as blog_models

    # The post itself and the draft take two places in each tag's window.
    monkeypatch.setattr(blog_models, "RELATED_CANDIDATES_PER_TAG", 3)
    day = timedelta(days=1)
    now = timezone.now()
    make_post(title="Kindred", tags=["popular", "rare"], published_at=now - 9 * day)
    for n in range(4):  # newer essays flood the popular tag's window
        make_post(title=f"Popular {n}", tags=["popular"], published_at=now - (5 - n) * day)
    draft = make_post(title="Draft", tags=["popular", "rare"], status="draft", published_at=None)
    post = make_post(title="This one", tags=["popular", "rare"], published_at=now)
    related = Post.objects.published().related_to(post, limit=2)
    assert [p.title for p in related] == ["Kindred", "Popular 3"]
    assert draft not in related
    # Card fields only: the bodies are never read for a link.
    assert "body_html" in related[0].get_deferred_fields()


@pytest.mark.django_db
@pytest.mark.parametrize("lead", ["", "<b>" * 1500])  # a head of markup reads the whole body
def test_summary_of_a_long_body_is_its_first_words(make_post, lead):
    words = " ".join(f"w{n}" for n in range(3000))
    post = make_post(body="")
    post.body_html = f"<p>{lead}Tom &amp; Jerry {words}</p>"
    summary = post.summary
    assert summary.startswith("Tom & Jerry w0 w1") and summary.endswith(" w36 …")  # 40 words
    assert "<" not in summary
