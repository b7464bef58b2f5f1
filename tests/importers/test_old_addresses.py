"""WordPress's addresses of imported posts and terms answer 301 to the new ones."""

import pytest
from django.core.management import call_command
from wxr_files import item, wxr

from blog.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(
        wxr(
            item(
                10,
                "Essay",
                "Text",
                slug="the-essay",
                terms=[("category", "horror", "Horror"), ("post_tag", "glazer", "Glazer")],
            ),
            item(11, "Page", "About", slug="about", post_type="page"),
            item(12, "Draft", "Hidden", slug="hidden", status="draft"),
            item(13, "映画", "本文", slug="%e6%98%a0%e7%94%bb"),
        ),  # fmt: skip
        encoding="utf-8",
    )
    call_command("import_wordpress", str(path), "--pages", verbosity=0)
    return Post.objects.get(slug="the-essay")


@pytest.mark.parametrize(
    "old",
    ["/?p=10", "/2019/05/03/the-essay/", "/2019/05/the-essay/", "/the-essay/", "/the-essay"],
)
def test_old_post_addresses_redirect(client, imported, old):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == imported.get_absolute_url()


def test_old_page_and_term_addresses_redirect(client, imported):
    assert client.get("/?page_id=11")["Location"] == "/posts/about/"
    assert client.get("/category/film/horror/")["Location"] == "/tags/horror/"
    assert client.get("/category/horror/")["Location"] == "/tags/horror/"
    assert client.get("/tag/glazer/")["Location"] == "/tags/glazer/"
    response = client.get("/2019/05/03/映画/")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 200


def test_drafts_and_unknown_addresses_do_not_redirect(client, imported):
    assert client.get("/?p=12").status_code == 200  # the home page, nothing revealed
    assert client.get("/?p=999").status_code == 200
    assert client.get("/?p=abc").status_code == 200
    assert client.get("/hidden/").status_code == 404
    assert client.get("/2019/05/03/hidden/").status_code == 404
    assert client.get("/tag/nothing-here/").status_code == 404
    assert client.get("/no-such-post/").status_code == 404
