"""Month and year grouping done by the database (blog.periods), in the site's time zone."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from blog.models import Post
from blog.periods import MonthOf, YearOf

LATE_ON_NEW_YEARS_EVE = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)


def periods():
    row = (
        Post.objects.published()
        .annotate(month=MonthOf("published_at"), year=YearOf("published_at"))
        .values("month", "year")
        .get()
    )
    return row["month"], row["year"]


@pytest.mark.django_db
def test_months_and_years_in_utc(make_post):
    make_post(published_at=LATE_ON_NEW_YEARS_EVE)
    month, year = periods()
    assert month == datetime(2024, 12, 1, tzinfo=UTC) and timezone.is_aware(month)
    assert year == datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.django_db
def test_another_time_zone_moves_the_essay_into_its_own_new_year(make_post, settings):
    settings.TIME_ZONE = "Europe/Paris"  # 00:30 on 1 January there
    make_post(published_at=LATE_ON_NEW_YEARS_EVE)
    month, year = periods()
    paris = timezone.get_current_timezone()
    assert month == datetime(2025, 1, 1, tzinfo=paris)
    assert year == datetime(2025, 1, 1, tzinfo=paris)


@pytest.mark.django_db
def test_the_archive_index_counts_each_month_in_one_query(
    client, make_post, django_assert_num_queries
):
    for day in (1, 15, 28):
        make_post(published_at=datetime(2024, 3, day, tzinfo=UTC))
    make_post(published_at=LATE_ON_NEW_YEARS_EVE)
    # The months, the titles listed under them, and the page cache's content version.
    with django_assert_num_queries(3):
        response = client.get("/archive/")
    months = [
        (row["month"].month, row["post_count"])
        for y in response.context["years"]
        for row in y["months"]
    ]
    assert months == [(12, 1), (3, 3)]


@pytest.mark.django_db
def test_the_archive_index_names_the_newest_few_of_a_month_and_links_the_rest(
    client, make_post, django_assert_num_queries
):
    from blog.views import ARCHIVE_TITLES_PER_MONTH

    extra = 2
    for day in range(1, ARCHIVE_TITLES_PER_MONTH + extra + 1):
        make_post(title=f"March essay {day}", published_at=datetime(2024, 3, day, 12, tzinfo=UTC))
    make_post(title="April essay", published_at=datetime(2024, 4, 2, 12, tzinfo=UTC))
    with django_assert_num_queries(3):  # as many queries however many essays a month has
        response = client.get("/archive/")
    html = response.content.decode()
    shown = [day for day in range(1, 8) if f"March essay {day}<" in html]
    assert shown == list(range(extra + 1, ARCHIVE_TITLES_PER_MONTH + extra + 1))  # the newest
    assert "April essay" in html
    assert 'href="/2024/03/">All 7 essays of March 2024</a>' in html
    # A month with all its titles shown has no "all essays" link.
    assert "essays of April 2024" not in html and "essay of April 2024" not in html


@pytest.mark.django_db
def test_older_months_are_listed_with_their_counts_but_no_titles(
    client, make_post, django_assert_num_queries
):
    from blog.views import ARCHIVE_MONTHS_WITH_TITLES

    # One essay a month for two years and a bit: the newest months name their essays, the
    # older ones only link their month page, and the query count does not grow with either.
    months = ARCHIVE_MONTHS_WITH_TITLES + 14
    for n in range(months):
        year, month = divmod(n, 12)
        make_post(
            title=f"Essay {n:02d}",
            published_at=datetime(2022 + year, month + 1, 10, 12, tzinfo=UTC),
        )
    with django_assert_num_queries(3):
        response = client.get("/archive/")
    html = response.content.decode()
    titled = [n for n in range(months) if f"Essay {n:02d}<" in html]
    assert titled == list(range(months - ARCHIVE_MONTHS_WITH_TITLES, months))
    # Every month is still there, with its count and a link to its page.
    assert html.count('class="archive-month"') == months
    assert 'href="/2022/01/">January 2022</a>' in html
    assert [y["post_count"] for y in response.context["years"]] == [2, 12, 12]


@pytest.mark.django_db
def test_a_month_boundary_in_the_site_time_zone_keeps_each_title_in_its_month(
    client, make_post, settings
):
    # 23:30 UTC on 31 January is 00:30 on 1 February in Paris: the essay is February's there,
    # and listed under February, not lost between two months.
    settings.TIME_ZONE = "Europe/Paris"
    make_post(title="Late January in UTC", published_at=datetime(2025, 1, 31, 23, 30, tzinfo=UTC))
    make_post(title="Mid January", published_at=datetime(2025, 1, 15, 12, tzinfo=UTC))
    response = client.get("/archive/")
    months = {
        row["month"].month: [post.title for post in row["posts"]]
        for year in response.context["years"]
        for row in year["months"]
    }
    assert months == {2: ["Late January in UTC"], 1: ["Mid January"]}
