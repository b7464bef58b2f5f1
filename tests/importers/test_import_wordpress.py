"""manage.py import_wordpress on WXR files written here: every bullet of the issue."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image as PILImage
from wxr_files import cdata, item, wxr

from blog import page_cache
from blog.models import Image, ImportedItem, Post, Tag
from videos.models import Video

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIMEO = "https://vimeo.com/76979871"
DAILYMOTION = "https://www.dailymotion.com/video/x7tgad0"


def run(tmp_path, text, *args, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


def jpeg(path, size=(640, 360), color="#336699"):
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", size, color).save(path, "JPEG")
    return path


CLASSIC = f"""First paragraph with an apostrophe: it's fine.
Second line of the same paragraph.

{YOUTUBE}

Between videos, <a href="{YOUTUBE}">a link to YouTube</a> stays a link.

[embed]{VIMEO}[/embed]
<!--more-->
After the break, [simple boat] is plain text, and so is [sic].

[gallery ids="4,5,6"]

[audio mp3="https://old.example/wp-content/uploads/2019/05/talk.mp3"][/audio]

[contact-form-7 id="12" title="Contact"]

<iframe src="//www.dailymotion.com/embed/video/x7tgad0" width="480"></iframe>

https://twitter.com/someone/status/12345

<!--nextpage-->
Page two."""

GUTENBERG = f"""<!-- wp:paragraph -->
<p>Block paragraph.</p>
<!-- /wp:paragraph -->

<!-- wp:core-embed/youtube {{"url":"{YOUTUBE}","type":"video","providerNameSlug":"youtube"}} -->
<figure class="wp-block-embed-youtube wp-block-embed"><div class="wp-block-embed__wrapper">
{YOUTUBE}
</div><figcaption>The old block name</figcaption></figure>
<!-- /wp:core-embed/youtube -->

<!-- wp:embed {{"url":"{VIMEO}","type":"video","providerNameSlug":"vimeo"}} -->
<figure class="wp-block-embed is-type-video"><div class="wp-block-embed__wrapper">
{VIMEO}
</div></figure>
<!-- /wp:embed -->

<!-- wp:embed {{"url":"https://www.instagram.com/p/abc/","providerNameSlug":"instagram"}} -->
<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">
https://www.instagram.com/p/abc/
</div></figure>
<!-- /wp:embed -->

<!-- wp:columns -->
<div class="wp-block-columns"><!-- wp:column -->
<div class="wp-block-column"><!-- wp:paragraph -->
<p>Inside a column.</p>
<!-- /wp:paragraph --></div>
<!-- /wp:column --></div>
<!-- /wp:columns -->

<!-- wp:cover {{"url":"x.jpg"}} -->
<div class="wp-block-cover"><div class="wp-block-cover__inner-container"><!-- wp:paragraph -->
<p>Inside a cover.</p>
<!-- /wp:paragraph --></div></div>
<!-- /wp:cover -->

<!-- wp:video {{"id":7}} -->
<figure class="wp-block-video"><video controls src="https://videos.example.org/clip.mp4"></video></figure>
<!-- /wp:video -->"""


@pytest.fixture
def site_file():
    return wxr(
        item(10, "Classic “essay” &amp; more", CLASSIC, slug="classic-essay",
             terms=[("category", "film", "Film"), ("category", "horror", "Horror"),
                    ("post_tag", "%e6%98%a0%e7%94%bb", "映画"),
                    ("category", "uncategorized", "Uncategorized")],
             comments=[("1", ""), ("1", ""), ("0", ""), ("1", "pingback"), ("spam", "")],
             meta={"_oembed_abc": '<embed src="http://evil.example/x.swf"><script>alert(1)</script>'},
             sticky=True, post_format="video"),
        item(11, "Block essay", GUTENBERG, slug="block-essay", creator="bob"),
        item(12, "映画の評論", "<p>日本語の本文</p>", slug="%e6%98%a0%e7%94%bb%e3%81%ae%e8%a9%95%e8%ab%96"),
        item(13, "A draft", "Draft text", slug="", status="draft", date_gmt="0000-00-00 00:00:00"),
        item(14, "Pending", "Pending text", status="pending"),
        item(15, "Private", "Private text", status="private"),
        item(16, "Secret", "Secret text", password="hunter2"),
        item(17, "Later", "Future text", status="future",
             date_gmt=(timezone.now() + timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")),
        item(18, "Trashed", "Gone", status="trash"),
        item(19, "About", "About page text", post_type="page", slug="about"),
        item(20, "", "", slug="empty-one"),
        item(21, "Home", "", post_type="nav_menu_item", slug="21"),
        item(21, "Home", "", post_type="nav_menu_item", slug="21"),
        item(22, "<b>Bold</b> title", "Body", creator="  "),
    )  # fmt: skip


def test_posts_statuses_dates_and_report(tmp_path, site_file):
    out = run(tmp_path, site_file)
    classic = Post.objects.get(slug="classic-essay")
    assert classic.title == "Classic “essay” & more"
    assert classic.body_format == "html"
    assert classic.status == "published" and classic.is_published
    assert classic.published_at == datetime(2019, 5, 3, 10, 20, 30, tzinfo=UTC)
    assert classic.excerpt.startswith("First paragraph with an apostrophe: it's fine.")
    assert "After the break" not in classic.excerpt
    assert "it's fine" in classic.body_html or "it&#x27;s fine" in classic.body_html
    draft = Post.objects.get(title="A draft")
    assert draft.status == "draft" and draft.published_at is None and draft.slug == "a-draft"
    assert Post.objects.get(title="Pending").status == "draft"
    for title in ("Private", "Secret"):
        assert Post.objects.get(title=title).status == "draft"
    later = Post.objects.get(title="Later")
    assert later.is_scheduled and not later.is_published
    assert not Post.objects.filter(title__in=["Trashed", "About", "Home"]).exists()
    assert Post.objects.get(slug="empty-one").title == "Untitled"
    assert Post.objects.filter(title="Bold title").exists()
    assert "private in WordPress; imported as a draft" in out
    assert "password-protected in WordPress" in out
    assert "a page (import pages with --pages)" in out
    assert "status “trash”" in out
    assert (
        "Comments: 2 imported, 0 already here; skipped: 1 pending comments, 1 pingbacks, 1 spam."
        in out
    )
    assert "Sticky in WordPress" in out and "1 video" in out
    assert "Imported 10 new, updated 0, unchanged 0" in out


def test_unicode_slugs_titles_and_terms(tmp_path, site_file, client):
    run(tmp_path, site_file)
    post = Post.objects.get(slug="映画の評論")
    assert post.title == "映画の評論"
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200 and "日本語の本文" in response.content.decode()
    classic = Post.objects.get(slug="classic-essay")
    assert {(t.name, t.slug) for t in classic.tags.all()} == {
        ("Film", "film"),
        ("Horror", "horror"),
        ("映画", "映画"),
    }
    assert Tag.objects.get(slug="film").description == "Essays on films."
    assert not Tag.objects.filter(slug__in=["uncategorized", "main-menu"]).exists()
    assert client.get("/tags/映画/").status_code == 200


def test_authors_inactive_without_password_and_display_names(tmp_path, site_file):
    run(tmp_path, site_file)
    alice = get_user_model().objects.get(username="alice")
    assert not alice.is_active and not alice.has_usable_password()
    assert alice.get_full_name() == "Alice “Reel” Liddell"
    assert get_user_model().objects.get(username="bob").get_full_name() == "Bob Stone"
    assert Post.objects.get(slug="block-essay").author == get_user_model().objects.get(
        username="bob"
    )
    # A blank dc:creator still gets an author.
    assert Post.objects.get(title="Bold title").author.username == "wordpress"


def test_author_option_maps_every_post(tmp_path, site_file, author):
    run(tmp_path, site_file, "--author", author.username)
    assert set(Post.objects.values_list("author", flat=True)) == {author.pk}
    assert not get_user_model().objects.filter(username__in=["alice", "bob"]).exists()
    with pytest.raises(CommandError, match="No user called"):
        run(tmp_path, site_file, "--author", "nobody")


def test_classic_markup(tmp_path, site_file):
    out = run(tmp_path, site_file)
    post = Post.objects.get(slug="classic-essay")
    body = post.body_html
    keys = [v.key for v in post.inline_videos.all()]
    assert sorted(keys) == sorted(["youtube:dQw4w9WgXcQ", "vimeo:76979871", "dailymotion:x7tgad0"])
    assert body.count("<closer-video") == 3
    assert body.index("youtube:dQw4w9WgXcQ") < body.index("Between videos")
    assert f'<a href="{YOUTUBE}">a link to YouTube</a>' in body
    assert "<p>First paragraph with an apostrophe" in body and "<br>" in body
    assert "[simple boat]" in body and "[sic]" in body
    assert '[gallery ids="4,5,6"]' in body and "[contact-form-7" in body and "[audio" in body
    assert '<a href="https://twitter.com/someone/status/12345">' in body
    assert "nextpage" not in post.body and "Page two." in body
    assert "evil" not in body and "<script" not in body and "<iframe" not in body
    assert "[gallery] shortcode kept as text" in out and "[contact-form-7] shortcode" in out
    assert "[simple] shortcode" not in out and "[sic]" not in out
    assert "twitter.com" in out and "talk.mp3" in out
    assert "<!--nextpage--> page breaks removed" in out


def test_gutenberg_markup(tmp_path, site_file):
    out = run(tmp_path, site_file)
    post = Post.objects.get(slug="block-essay")
    body = post.body_html
    assert [v.key for v in post.inline_videos.all()].count("youtube:dQw4w9WgXcQ") == 1
    assert body.count("<closer-video") == 3  # YouTube, Vimeo, and the wp:video file
    assert "The old block name" in body
    assert '<a href="https://www.instagram.com/p/abc/">' in body and "instagram" in out
    assert "Inside a column." in body and "Inside a cover." in body
    assert "wp:" not in body and "wp-block" not in body
    assert Video.objects.filter(provider="file").exists()


def test_a_post_with_five_embeds(tmp_path):
    content = "\n\n".join(
        [YOUTUBE, f"[embed]{VIMEO}[/embed]", '[video src="https://youtu.be/9bZkp7q19f0"]',
         '<iframe src="https://player.vimeo.com/video/1084537"></iframe>',
         f'<!-- wp:embed {{"url":"{DAILYMOTION}"}} /-->']
    )  # fmt: skip
    run(tmp_path, wxr(item(30, "Five", content)))
    post = Post.objects.get(title="Five")
    assert post.body_html.count("<closer-video") == 5
    assert post.inline_videos.count() == 5


def test_captions_both_forms_become_figures(tmp_path):
    media = tmp_path / "uploads"
    jpeg(media / "2019/05/cat.jpg")
    jpeg(media / "2019/05/dog.jpg")
    content = (
        '[caption id="attachment_5" align="alignnone" width="300"]'
        '<img src="https://old.example/wp-content/uploads/2019/05/cat-300x200.jpg" alt="A cat" '
        'width="300" height="200"> The cat, resting[/caption]\n\n'
        '[caption id="attachment_6" caption="A &lt;b&gt;dog&lt;/b&gt;"]'
        '<a href="https://old.example/wp-content/uploads/2019/05/dog.jpg">'
        '<img src="https://old.example/wp-content/uploads/2019/05/dog.jpg" alt=""></a>[/caption]'
    )
    attachment = item(6, "dog", post_type="attachment", status="inherit",
                      attachment_url="https://old.example/wp-content/uploads/2019/05/dog.jpg",
                      meta={"_wp_attachment_image_alt": "A dog on a sofa"})  # fmt: skip
    run(tmp_path, wxr(item(31, "Captions", content), attachment), "--media-dir", str(media))
    body = Post.objects.get(title="Captions").body_html
    assert Image.objects.count() == 2
    assert set(Image.objects.values_list("alt_text", flat=True)) == {"A cat", "A dog on a sofa"}
    # A plain caption becomes the library image's: the body places it as [image:ID].
    cat = Image.objects.get(alt_text="A cat")
    assert cat.caption == "The cat, resting"
    assert f'<closer-image data-id="{cat.pk}"></closer-image>' in body
    # A caption with markup cannot be a library caption: the figure stays, with our copy.
    dog = Image.objects.get(alt_text="A dog on a sofa")
    assert dog.caption == ""
    assert body.count("<figure>") == 1 and "<figcaption>A <b>dog</b></figcaption>" in body
    assert f'src="{dog.file.url}"' in body
    assert "old.example" not in body


def test_featured_images_and_missing_media(tmp_path, client, django_capture_on_commit_callbacks):
    media = tmp_path / "uploads"
    jpeg(media / "2019/05/hero.jpg", size=(1200, 675))
    attachment = item(40, "hero", post_type="attachment", status="inherit",
                      attachment_url="https://old.example/wp-content/uploads/2019/05/hero.jpg",
                      meta={"_wp_attachment_image_alt": "A lighthouse at dusk"})  # fmt: skip
    content = (
        "Text\n\n"
        '<img src="https://old.example/wp-content/uploads/2019/05/gone.jpg" alt="A missing map">'
        '\n\n<a href="https://old.example/wp-content/uploads/2019/05/interview.mov">Interview</a>'
    )
    posts = item(41, "Featured", content, meta={"_thumbnail_id": "40"})
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the renditions
        out = run(tmp_path, wxr(posts, attachment), "--media-dir", str(media))
    post = Post.objects.get(title="Featured")
    assert post.featured_image.alt_text == "A lighthouse at dusk"
    assert post.featured_image.width == 1200 and post.featured_image.renditions
    assert "[Image not imported: A missing map]" in post.body_html
    assert "gone.jpg" not in post.body_html
    assert "gone.jpg" in out and "Missing media" in out
    assert client.get(post.get_absolute_url()).status_code == 200
    # Without --media-dir every image is missing, and the post still imports.
    Post.objects.all().delete()
    ImportedItem.objects.all().delete()
    out = run(tmp_path, wxr(posts, attachment))
    assert Post.objects.get(title="Featured").featured_image is None
    assert "featured image https://old.example/wp-content/uploads/2019/05/hero.jpg" in out


def test_image_refused_by_upload_checks_is_listed(tmp_path):
    media = tmp_path / "uploads"
    (media / "2019").mkdir(parents=True)
    (media / "2019/fake.jpg").write_bytes(b"<?php echo 'not an image'; ?>")
    content = '<img src="https://old.example/wp-content/uploads/2019/fake.jpg" alt="Fake">'
    out = run(tmp_path, wxr(item(50, "Fake", content)), "--media-dir", str(media))
    assert Image.objects.count() == 0
    assert "refused by the upload checks" in out
    assert "[Image not imported: Fake]" in Post.objects.get(title="Fake").body_html


def test_rerun_updates_and_duplicates_nothing(tmp_path, site_file):
    run(tmp_path, site_file)
    counts = (Post.objects.count(), Tag.objects.count(), get_user_model().objects.count())
    out = run(tmp_path, site_file)
    assert "Imported 0 new, updated 0, unchanged 10" in out
    assert (Post.objects.count(), Tag.objects.count(), get_user_model().objects.count()) == counts
    changed = site_file.replace("Block paragraph.", "Block paragraph, revised.")
    out = run(tmp_path, changed)
    assert "updated 1, unchanged 9" in out
    assert "revised" in Post.objects.get(slug="block-essay").body_html
    assert Post.objects.count() == counts[0]


def test_dry_run_changes_nothing(tmp_path, site_file):
    media = tmp_path / "uploads"
    jpeg(media / "2019/05/cat.jpg")
    extra = item(
        60, "Pic", '<img src="https://old.example/wp-content/uploads/2019/05/cat.jpg" alt="Cat">'
    )
    out = run(tmp_path, site_file.replace("</channel>", extra + "</channel>"), "--dry-run",
              "--media-dir", str(media))  # fmt: skip
    assert "Dry run: nothing was changed." in out and "Would import 11 new" in out
    assert Post.objects.count() == 0 and Tag.objects.count() == 0 and Image.objects.count() == 0
    assert not get_user_model().objects.exists()
    stored = (
        [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
        if (tmp_path / "media").exists()
        else []
    )
    assert stored == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("<rss><channel><item><title>x", "not well-formed XML"),
        ("<html><body>Hello</body></html>", "not a WordPress export"),
        ('<rss version="2.0"><channel><title>A feed</title><item><title>x</title></item></channel></rss>',
         "not a WordPress export"),
        ("", "not well-formed XML"),
    ],
)  # fmt: skip
def test_broken_or_foreign_files_change_nothing(tmp_path, text, message, make_user):
    make_user(username="existing")
    before = (Post.objects.count(), get_user_model().objects.count())
    with pytest.raises(CommandError, match=message) as error:
        run(tmp_path, text)
    assert "\n" not in str(error.value)
    assert (Post.objects.count(), get_user_model().objects.count()) == before


def test_a_crash_halfway_leaves_the_database_as_before(tmp_path, site_file, monkeypatch):
    from blog.importers import wordpress

    calls = []
    real = wordpress._Importer.item_import

    def crash_on_third(self, wp_item):
        calls.append(wp_item.post_id)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real(self, wp_item)

    monkeypatch.setattr(wordpress._Importer, "item_import", crash_on_third)
    with pytest.raises(CommandError, match="Nothing imported .*disk on fire"):
        run(tmp_path, site_file)
    assert Post.objects.count() == 0 and Tag.objects.count() == 0
    assert not get_user_model().objects.exists() and not ImportedItem.objects.exists()


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.2s"])
def test_every_wxr_version_and_namespace(tmp_path, version):
    run(tmp_path, wxr(item(70, "Versioned", "Hello", excerpt="Short"), version=version))
    post = Post.objects.get(title="Versioned")
    assert post.excerpt == "Short" and post.author.username == "alice"


def test_pages_option_imports_pages_tagged_page(tmp_path, site_file):
    run(tmp_path, site_file, "--pages")
    page = Post.objects.get(slug="about")
    assert [t.slug for t in page.tags.all()] == ["page"]


def test_malformed_creator_and_markup_in_titles(tmp_path):
    text = wxr(item(80, "<em>Emph</em> &amp; co", "x", creator="Jane <jane@example.com>"))
    run(tmp_path, text)
    post = Post.objects.get(pk__isnull=False)
    assert post.title == "Emph & co"
    assert post.author.username and " " not in post.author.username


def test_every_imported_post_renders(tmp_path, site_file, client, admin_client):
    run(tmp_path, site_file)
    for post in Post.objects.all():
        if post.is_published:
            assert client.get(post.get_absolute_url()).status_code == 200, post.slug
        else:
            assert client.get(post.get_absolute_url()).status_code == 404, post.slug
            assert admin_client.get(post.get_absolute_url()).status_code == 200, post.slug


def test_cdata_helper_survives_its_terminator():
    assert cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>"


def test_an_import_moves_the_content_version_once_for_all_its_writes(tmp_path, client):
    client.get("/")  # cached for anonymous readers
    before = page_cache.current_version().generation
    run(tmp_path, wxr(*(item(n, f"Essay {n}", "Text") for n in range(100, 110))))
    assert "Essay 105" in client.get("/").content.decode()
    # One bump on entry and one on exit, not one per row written (an import writes thousands).
    assert page_cache.current_version().generation - before == 2


def test_inline_markup_in_titles_does_not_split_words(tmp_path):
    run(tmp_path, wxr(item(90, "Tom<em>’s</em> <b>cut</b>", "x")))
    assert Post.objects.filter(title="Tom’s cut").exists()


def test_images_of_other_hosts_are_never_matched_by_file_name(tmp_path):
    media = tmp_path / "uploads"
    jpeg(media / "photo.jpg")
    content = '<img src="https://elsewhere.example/photo.jpg" alt="Not ours">'
    out = run(tmp_path, wxr(item(91, "Remote", content)), "--media-dir", str(media))
    assert Image.objects.count() == 0
    assert "[Image not imported: Not ours]" in Post.objects.get(title="Remote").body_html
    assert "elsewhere.example/photo.jpg" in out
