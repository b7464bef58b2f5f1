"""What readers read: "essay" everywhere, plurals that agree, an author page that is hers."""

import re

import pytest

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """Return the visible text of a page (no tags, scripts or attribute values)."""
    html = re.sub(r"<(script|style|head)\b.*?</\1>", "", html, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    "count, words",
    [(1, "1 essay matches “room”."), (2, "2 essays match “room”."), (0, "No essay matches")],
)
def test_search_results_agree_in_number(client, make_post, count, words):
    for _ in range(count):
        make_post(title="The room")
    assert words in text_of(client.get("/search/?q=room").content.decode())


def test_tag_counts_agree_in_number(client, make_post):
    make_post(tags=["glazer"])
    make_post(tags=["glazer", "1990s"])
    make_post(tags=["glazer", "1990s"])
    text = text_of(client.get("/tags/").content.decode())
    assert "glazer 3 essays" in text and "1990s 2 essays" in text
    text = text_of(client.get("/tags/glazer+1990s/").content.decode())
    assert "Showing essays that have all of these tags" in text


def test_no_reader_page_calls_an_essay_a_post(client, make_post):
    post = make_post(title="Quiet", body="A quiet essay.", tags=["glazer"])
    pages = ["/", "/tags/", "/tags/glazer/", "/tags/nothing-here+glazer/", "/archive/",
             "/search/?q=quiet", "/search/?q=zzz", post.get_absolute_url(),
             post.author.profile.get_absolute_url(), "/videos/", "/series/"]  # fmt: skip
    for url in pages:
        response = client.get(url)
        if response.status_code == 404:
            continue
        text = text_of(response.content.decode()).replace("Quiet", "")
        assert not re.search(r"\bposts?\b", text, re.IGNORECASE), (url, text)


def test_the_author_page_shows_her_profile_and_no_byline_on_her_cards(
    client, make_post, make_image
):
    post = make_post(title="First essay")
    make_post(title="Second essay")
    profile = post.author.profile
    profile.display_name = "Ana Reyes"
    profile.bio = "Writes about music videos."
    profile.avatar = make_image(size=(200, 200))
    profile.save()
    html = client.get(profile.get_absolute_url()).content.decode()
    text = text_of(html)
    assert "Essays by Ana Reyes" in text and "Writes about music videos." in text
    assert re.search(r'<img [^>]*class="author-avatar"', html)
    assert text.count("by Ana Reyes") == 1  # the title; her cards do not repeat her name
    assert 'rel="author"' not in html
    assert "2 essays, newest first." in text
    meta = text_of(re.search(r'<p class="post-meta">.*?</p>', html, re.DOTALL).group(0))
    assert not meta.endswith("·")  # the date alone, no separator left hanging
    # Elsewhere the byline is there.
    assert 'rel="author">Ana Reyes</a>' in client.get("/").content.decode()
