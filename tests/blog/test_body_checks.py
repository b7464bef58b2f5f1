"""A line that looks like a video link but is not one is named in the preview and on save."""

import pytest
from test_admin import post_form

from blog.body_checks import body_video_line_warnings
from blog.models import Post

BODY = (
    "An essay.\n\nhttps://www.youtube.com/watch?v=oops\n\nhttps://vimeo.com/notanumber\n\n"
    "https://vimeo.com/76979871\n\nSee youtube.com/watch?v=x in a sentence.\n"
)


def test_only_broken_lines_alone_on_their_line_are_named():
    warnings = body_video_line_warnings(BODY)
    assert len(warnings) == 2
    assert (
        warnings[0].startswith("Line 3 looks like a video link") and "watch?v=oops" in warnings[0]
    )
    assert warnings[1].startswith("Line 5 ") and "vimeo.com/notanumber" in warnings[1]


@pytest.mark.django_db
def test_the_preview_and_the_save_name_the_line(admin_client, admin_user):
    preview = admin_client.post(
        "/admin/blog/post/preview/", {"body": BODY, "body_format": "markdown"}
    ).json()
    assert [w.split(" looks")[0] for w in preview["warnings"]] == ["Line 3", "Line 5"]
    response = admin_client.post(
        "/admin/blog/post/add/", post_form(author=admin_user.pk, body=BODY), follow=True
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Line 3 looks like a video link" in shown and "Line 5 looks like" in shown


@pytest.mark.django_db
def test_unknown_stills_and_bad_pairs_are_named_and_kept(admin_client, admin_user):
    body = (
        "Intro.\n\n[still:424242]\n\n"
        "[compare: https://youtu.be/dQw4w9WgXcQ | https://example.com/x]\n\nEnd."
    )
    preview = admin_client.post(
        "/admin/blog/post/preview/", {"body": body, "body_format": "markdown"}
    ).json()
    assert [w.split(" ")[:2] for w in preview["warnings"]] == [["Line", "3"], ["Line", "5"]]
    assert "[Still 424242 is missing from the library.]" in preview["html"]
    assert "[compare: https://youtu.be/dQw4w9WgXcQ | https://example.com/x]" in preview["html"]
    response = admin_client.post(
        "/admin/blog/post/add/", post_form(author=admin_user.pk, body=body), follow=True
    )
    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Line 3 places still 424242, which does not exist" in shown
    assert "Line 5 cannot be shown side by side: the second address" in shown
    assert Post.objects.get().body == body  # saved as written
