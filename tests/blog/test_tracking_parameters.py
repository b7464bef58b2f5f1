"""Reader pages set aside tracking parameters (utm_*, fbclid, gclid...): a shared link is the
page already cached for its address, and nothing on the page carries them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog import page_cache, services

pytestmark = pytest.mark.django_db


def fetch(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("utm_source=fb&utm_medium=social", ""),
        ("fbclid=IwAR0abc", ""),
        ("q=camera&utm_campaign=spring&page=2", "q=camera&page=2"),
        ("UTM_Source=x&gclid=1&msclkid=2&mc_cid=3&mc_eid=4&_ga=5&igshid=6", ""),
        ("utm_source", ""),  # no value
        ("q=utm_source%3Dx", "q=utm_source%3Dx"),  # a search for the words, not a parameter
        ("butm_source=1&fbclids=2&ref=3", "butm_source=1&fbclids=2&ref=3"),
        ("tag=a&tag=b&&x=", "tag=a&tag=b&&x="),  # the rest exactly as it came
    ],
)
def test_only_tracking_parameters_are_removed(query, expected):
    assert page_cache.without_tracking_parameters(query) == expected


def test_a_shared_link_is_the_page_cached_for_its_address(client, make_post):
    post = make_post(title="The room that moves", tags=["camera"])
    address = post.get_absolute_url()
    first, cost = fetch(client, address)
    assert cost > 1  # rendered
    hit, hit_cost = fetch(client, address)
    for shared in ("?utm_source=facebook&utm_medium=social&fbclid=IwAR2x", "?gclid=Cj0K&_gl=1"):
        response, cost = fetch(client, address + shared)
        assert response.status_code == 200 and cost == hit_cost
        assert response.content == first.content
    # Any other parameter is another address, rendered for itself.
    assert fetch(client, address + "?from=facebook")[1] > hit_cost


def test_the_page_never_carries_them(client, make_post, settings):
    settings.SITE_URL = "https://closer.example"
    for n in range(12):
        make_post(title=f"Essay {n}", tags=["camera"])
    for address in ("/?page=2&utm_source=x&fbclid=y", "/tags/camera/?fbclid=y&page=2"):
        response = client.get(address)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Essay 0" in html and "Essay 11" not in html  # page 2: the parameter kept
        assert "utm_source" not in html and "fbclid" not in html
    html = client.get("/search/?q=camera&utm_medium=email").content.decode()
    assert "utm_medium" not in html and "Essay 11" in html  # the search ran for "camera"


def test_the_servers_environ_keeps_them_for_the_access_log(db):
    """gunicorn logs the query from the WSGI environ after the response: it must be intact."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    request = RequestFactory().get("/", {"utm_source": "news", "page": "2"})
    environ = request.environ
    seen = {}

    def view(request):
        seen.update(request.GET.dict())
        return HttpResponse()

    page_cache.PageCacheHitMiddleware(view)(request)
    assert seen == {"page": "2"}
    assert environ["QUERY_STRING"] == "utm_source=news&page=2"
    assert request.get_full_path() == "/?page=2"


def test_a_retired_address_hands_them_on(client, make_post):
    post = make_post(slug="before")
    post.slug = "after"
    services.post_save(post=post)
    response = client.get("/posts/before/?utm_source=x&page=1")
    assert response["Location"] == "/posts/after/?utm_source=x&page=1"
    assert client.get(response["Location"]).status_code == 200


def test_pages_for_one_visitor_keep_them_out_too(client, make_post, make_user):
    post = make_post(title="The room that moves")
    client.force_login(make_user(is_staff=True))
    response = client.get(post.get_absolute_url() + "?utm_source=x")
    assert response.status_code == 200
    assert response.wsgi_request.GET.dict() == {}
    # Outside the reader pages nothing is touched.
    admin = client.get("/admin/?utm_source=x")
    assert admin.wsgi_request.GET.dict() == {"utm_source": "x"}
