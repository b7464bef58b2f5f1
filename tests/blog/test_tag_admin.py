"""Tag actions in the admin: rename and merge, keeping posts' tags and old addresses."""

import pytest

from blog.models import Post, Tag

pytestmark = pytest.mark.django_db

TAGS = "/admin/blog/tag/"


def act(client, action, tags, **extra):
    return client.post(TAGS, {"action": action, "_selected_action": [t.pk for t in tags], **extra})


def test_rename_asks_for_the_name_then_renames(admin_client, make_post):
    post = make_post(tags=["Glazer"])
    tag = Tag.objects.get()
    page = act(admin_client, "rename", [tag])
    assert page.status_code == 200 and 'value="Glazer"' in page.content.decode()
    done = act(admin_client, "rename", [tag], apply="Rename", name="Jonathan Glazer")
    assert done.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Jonathan Glazer", "jonathan-glazer")
    assert list(post.tags.names()) == ["Jonathan Glazer"]
    assert admin_client.get("/tags/glazer/")["Location"] == "/tags/jonathan-glazer/"


def test_rename_to_an_existing_name_suggests_merging(admin_client, make_post):
    make_post(tags=["Glazer", "Jonathan Glazer"])
    tag = Tag.objects.get(name="Glazer")
    page = act(admin_client, "rename", [tag], apply="Rename", name="jonathan glazer")
    assert page.status_code == 200
    assert "merge the two tags instead" in page.content.decode()


def test_merge_keeps_every_post_tagged_once(admin_client, make_post):
    both = make_post(tags=["music video", "music videos"])
    one = make_post(tags=["music video"])
    other = make_post(tags=["music videos", "1990s"])
    keep = Tag.objects.get(name="music videos")
    drop = Tag.objects.get(name="music video")
    page = act(admin_client, "merge", [keep, drop])
    assert page.status_code == 200 and 'type="radio"' in page.content.decode()
    done = act(admin_client, "merge", [keep, drop], apply="Merge tags", into=keep.pk)
    assert done.status_code == 302
    assert not Tag.objects.filter(pk=drop.pk).exists()
    for post in (both, one, other):
        assert "music videos" in post.tags.names()
    assert list(both.tags.names()) == ["music videos"]
    assert sorted(other.tags.names()) == ["1990s", "music videos"]
    assert Post.objects.filter(tags=keep).count() == 3
    assert admin_client.get("/tags/music-video/")["Location"] == "/tags/music-videos/"


def test_merge_needs_two_tags(admin_client, make_post):
    make_post(tags=["solo"])
    response = act(admin_client, "merge", [Tag.objects.get()])
    assert response.status_code == 302
    assert Tag.objects.count() == 1


def test_tag_list_shows_post_counts(admin_client, make_post):
    make_post(tags=["1990s"])
    make_post(tags=["1990s"])
    html = admin_client.get(TAGS).content.decode()
    assert '<td class="field-post_count">2</td>' in html
