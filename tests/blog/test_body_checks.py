"""A line that looks like a video link but is not one is named in the preview and on save."""

import pytest
from test_admin import post_form

from blog.body_checks import body_video_line_warnings

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
