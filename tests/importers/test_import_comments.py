"""WordPress comments come over into the comments app: approved, threaded, sanitized, quiet."""

import io
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.management import call_command
from wxr_files import comment, item, wxr

from blog.models import Post
from comments.models import Comment

pytestmark = pytest.mark.django_db


def run(tmp_path, text, *args):
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


THREAD = [
    dict(comment_id=101, content="First!\n\nSecond paragraph, <em>with feeling</em>.",
         author="Ada", email="Ada@Example.org", url="https://ada.example/",
         date_gmt="2019-05-04 08:00:00"),
    dict(comment_id=102, content="A reply to Ada", author="Ben", parent=101,
         date_gmt="2019-05-04 09:00:00"),
    dict(comment_id=103, content="A reply to the reply", author="Cy", parent=102,
         date_gmt="2019-05-04 10:00:00"),
    dict(comment_id=104, content="Held back", approved="0", author="Dee"),
    dict(comment_id=105, content="Answering a held comment", author="Eve", parent=104,
         date_gmt="2019-05-04 11:00:00"),
    dict(comment_id=106, content="Buy pills", approved="spam", author="Bot"),
    dict(comment_id=107, content="[…] linked here […]", comment_type="pingback",
         author="Other blog"),
    dict(comment_id=108, content="A trackback", comment_type="trackback"),
    dict(comment_id=109, content="Binned", approved="trash"),
    dict(comment_id=110, content="Anonymous words", author="", email="not an address",
         url="javascript:alert(1)"),
]  # fmt: skip


def site(*extra, comments=THREAD):
    return wxr(item(500, "Discussed", "Body text", slug="discussed", comments=comments), *extra)


def test_approved_comments_come_over_threaded_with_their_details(tmp_path):
    out = run(tmp_path, site())
    post = Post.objects.get(slug="discussed")
    by_name = {c.name: c for c in Comment.objects.filter(post=post)}
    assert set(by_name) == {"Ada", "Ben", "Cy", "Eve", "Anonymous"}
    ada = by_name["Ada"]
    assert ada.status == Comment.Status.APPROVED and ada.parent is None
    assert ada.email == "ada@example.org" and ada.website == "https://ada.example/"
    assert ada.created_at == datetime(2019, 5, 4, 8, 0, tzinfo=UTC)
    assert ada.body_html == ("<p>First!</p>\n<p>Second paragraph, <em>with feeling</em>.</p>\n")
    assert not ada.notify_replies and ada.ip_address is None
    # Closer threads one level deep: a reply to a reply joins the thread.
    assert by_name["Ben"].parent == ada and by_name["Cy"].parent == ada
    # An answer to a comment that stayed behind stands on its own.
    assert by_name["Eve"].parent is None
    anonymous = by_name["Anonymous"]
    assert anonymous.email == "" and anonymous.website == ""
    assert (
        "Comments: 5 imported, 0 already here; skipped: 1 pending comments, 1 pingbacks, "
        "1 spam, 1 trackbacks, 1 trashed comments." in out
    )


def test_imported_comments_show_on_the_essay(tmp_path, client):
    run(tmp_path, site())
    page = client.get(Post.objects.get(slug="discussed").get_absolute_url()).content.decode()
    assert "Second paragraph, <em>with feeling</em>." in page
    assert "A reply to the reply" in page and "Answering a held comment" in page
    assert "Held back" not in page and "Buy pills" not in page and "linked here" not in page


def test_hostile_comments_are_sanitized_or_refused(tmp_path, client, settings):
    settings.CLOSER_COMMENT_MAX_CHARS = 5000
    hostile = [
        dict(comment_id=201, author="<script>alert(1)</script>Mallory",
             content='<script>alert("x")</script>Hello <a href="javascript:alert(1)">click</a> '
                     '<img src=x onerror=alert(2)> <a href="https://fine.example/" '
                     'onclick="alert(3)">fine</a> &lt;b&gt;escaped&lt;/b&gt;'),
        dict(comment_id=202, author="Huge", content="spam " * 20_000),
        dict(comment_id=203, author="Empty", content="<script>only a script</script>"),
        dict(comment_id=204, author="Reply to huge", parent=202, content="Still here"),
        dict(comment_id=205, author="Style", content="<style>body{display:none}</style>Hi"
             "<iframe src='https://evil.example/'></iframe>"),
    ]  # fmt: skip
    out = run(tmp_path, site(comments=hostile))
    comments = {c.name: c for c in Comment.objects.all()}
    assert set(comments) == {"Mallory", "Reply to huge", "Style"}
    mallory = comments["Mallory"]
    for bad in ("<script", "javascript:", "onerror", "onclick", "<img", "alert(1)"):
        assert bad not in mallory.body_html
    assert '<a href="https://fine.example/" rel="nofollow ugc">fine</a>' in mallory.body_html
    assert "&lt;b&gt;escaped&lt;/b&gt;" in mallory.body_html
    assert "display:none" not in comments["Style"].body_html
    assert "evil" not in comments["Style"].body_html
    assert comments["Reply to huge"].parent is None
    assert "Comments not imported:" in out
    assert "comment 202 by “Huge”" in out and "99,999 characters long" in out
    assert "comment 203 by “Empty”" in out and "it is empty" in out
    assert "2 refused" in out
    page = client.get(Post.objects.get(slug="discussed").get_absolute_url()).content.decode()
    assert "alert(" not in page and "javascript:" not in page


def test_an_import_sends_no_mail(tmp_path, settings, author, django_capture_on_commit_callbacks):
    settings.CLOSER_COMMENTS_MODERATION = "none"
    author.email = "author@example.org"
    author.save()
    with django_capture_on_commit_callbacks(execute=True):
        run(tmp_path, site(), "--author", author.username)
    assert Comment.objects.count() == 5
    assert mail.outbox == []


def test_a_second_import_adds_only_new_comments_and_keeps_moderation(tmp_path):
    run(tmp_path, site())
    ada = Comment.objects.get(name="Ada")
    Comment.objects.filter(name="Ben").update(status=Comment.Status.SPAM)  # moderated here
    out = run(tmp_path, site())
    assert "Comments: 0 imported, 5 already here" in out
    assert Comment.objects.count() == 5
    assert Comment.objects.get(name="Ben").status == Comment.Status.SPAM
    later = [
        *THREAD,
        dict(comment_id=111, content="Late reply to Cy", author="Flo", parent=103),
        dict(comment_id=112, content="A new thread", author="Gus"),
    ]
    out = run(tmp_path, site(comments=later))
    assert "Comments: 2 imported, 5 already here" in out
    assert Comment.objects.get(name="Flo").parent == ada  # Cy's thread is Ada's
    assert Comment.objects.get(name="Gus").parent is None


def test_a_dry_run_writes_no_comment_and_reports_them(tmp_path):
    out = run(tmp_path, site(), "--dry-run")
    assert "Comments: 5 imported" in out
    assert not Comment.objects.exists()


def test_comments_with_a_wordpress_date_only_in_local_time(tmp_path):
    local_only = comment(301, "Old", author="Old").replace(
        "<wp:comment_date_gmt><![CDATA[2019-05-04 08:00:00]]></wp:comment_date_gmt>",
        "<wp:comment_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:comment_date_gmt>",
    )
    text = site(comments=[]).replace(
        "<wp:is_sticky>0</wp:is_sticky>", "<wp:is_sticky>0</wp:is_sticky>" + local_only
    )
    run(tmp_path, text)
    assert Comment.objects.get().created_at == datetime(2019, 5, 4, 8, 0, tzinfo=UTC)
