"""An author edits their own profile in the admin; Editors edit everyone's."""

import pytest
from django.contrib.auth.models import Group

from blog.models import AuthorProfile

pytestmark = pytest.mark.django_db


def _in_group(make_user, username, group, **fields):
    user = make_user(username=username, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def _form(profile, **changes):
    data = {
        "display_name": profile.display_name,
        "slug": profile.slug,
        "bio": profile.bio,
        "avatar": "",
        "links": profile.links,
    }
    return {**data, **changes}


def test_an_author_edits_their_own_profile_and_no_one_elses(client, make_user):
    ana = _in_group(make_user, "ana", "Author")
    otto = _in_group(make_user, "otto", "Author", first_name="Otto")
    client.force_login(ana)
    mine = ana.profile
    # The list leads an author straight to their own profile.
    response = client.get("/admin/blog/authorprofile/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/blog/authorprofile/{mine.pk}/change/"
    url = f"/admin/blog/authorprofile/{mine.pk}/change/"
    response = client.post(url, _form(mine, display_name="Ana Reyes", slug="ana-reyes"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.display_name, mine.slug) == ("Ana Reyes", "ana-reyes")
    theirs = f"/admin/blog/authorprofile/{otto.profile.pk}/change/"
    assert client.get(theirs).status_code in (302, 403, 404)
    client.post(theirs, _form(otto.profile, display_name="Hacked"))
    assert AuthorProfile.objects.get(user=otto).display_name == "Otto"


def test_a_link_that_is_not_a_web_address_is_refused_naming_its_line(client, make_user):
    ana = _in_group(make_user, "ana", "Author")
    client.force_login(ana)
    url = f"/admin/blog/authorprofile/{ana.profile.pk}/change/"
    response = client.post(url, _form(ana.profile, links="https://example.org\njavascript:x"))
    assert response.status_code == 200
    assert "Line 2 is not a web address" in response.content.decode()


def test_an_editor_edits_anyones_profile(client, make_user):
    eda = _in_group(make_user, "eda", "Editor")
    ana = _in_group(make_user, "ana", "Author")
    client.force_login(eda)
    url = f"/admin/blog/authorprofile/{ana.profile.pk}/change/"
    assert client.post(url, _form(ana.profile, display_name="A. Reyes")).status_code == 302
    assert AuthorProfile.objects.get(user=ana).display_name == "A. Reyes"


def test_slugs_stay_unique_for_the_same_name(make_user):
    first = make_user(first_name="Sam", last_name="Lee")
    second = make_user(first_name="Sam", last_name="Lee")
    assert (first.profile.slug, second.profile.slug) == ("sam-lee", "sam-lee-2")
