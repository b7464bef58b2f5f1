"""A reader follows a series from part to part; its pages pass axe in every mode, with the CSP on."""

import pytest
from django.core.management import call_command
from test_accessibility import AXE_PATH, RUN_AXE, open_checked_page

from blog import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIES = f"/series/{demo.SERIES['slug']}/"
FIRST, SECOND, THIRD = (f"/posts/{slug}/" for slug in demo.SERIES["parts"][:3])


@pytest.fixture
def demo_site(db):
    call_command("load_demo", verbosity=0)


def test_a_reader_goes_from_part_one_to_part_two_by_next_in_series(page, live_server, demo_site):
    page.goto(live_server.url + SERIES)
    page.get_by_role("link", name="Corridors of “Karmacoma”").first.click()
    page.wait_for_url(f"**{FIRST}")
    assert page.locator(".series-badge").text_content() == "Part 1 of 3 in Glazer's nineties"
    nav = page.get_by_role("navigation", name="Part 1 of 3 in the series Glazer's nineties")
    assert nav.locator("[aria-current=page]").text_content() == "Corridors of “Karmacoma”"
    assert nav.get_by_role("link", name="Previous in series").count() == 0
    # By keyboard: focus the link and press Enter, as a reader without a mouse would.
    following = nav.get_by_role("link", name="Next in series")
    following.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{SECOND}")
    assert page.locator(".series-badge").text_content().startswith("Part 2 of 3")
    assert page.get_by_role("heading", level=1).inner_text().startswith("The room that moves")
    page.get_by_role("link", name="Next in series").click()
    page.wait_for_url(f"**{THIRD}")
    assert page.locator(".series-badge").text_content().startswith("Part 3 of 3")
    # The scheduled fourth part is not there yet: no way further, one way back.
    assert page.get_by_role("link", name="Next in series").count() == 0
    page.get_by_role("link", name="Previous in series").click()
    page.wait_for_url(f"**{SECOND}")
    # And back up to the series.
    page.locator(".series-badge a").click()
    page.wait_for_url(f"**{SERIES}")
    assert page.get_by_role("heading", level=1).inner_text() == "Glazer's nineties"
    assert page.requests.third_party == []


@pytest.mark.parametrize(
    "color_scheme,width", [("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)]
)
def test_series_pages_have_no_axe_violations(browser, live_server, demo_site, color_scheme, width):
    context, page = open_checked_page(browser, live_server, color_scheme=color_scheme, width=width)
    found = {}
    try:
        for path in ("/series/", SERIES, SECOND, THIRD):
            page.problems.clear()
            page.goto(live_server.url + path)
            page.add_script_tag(url=live_server.url + AXE_PATH)
            violations = page.evaluate(RUN_AXE)
            too_wide = page.evaluate("document.documentElement.scrollWidth") > width
            if violations or page.problems or too_wide:
                found[path] = [*violations, *page.problems, *(["scrolls sideways"] * too_wide)]
    finally:
        context.close()
    assert found == {}, "\n".join(f"{path}: {issues}" for path, issues in found.items())


def test_nothing_scrolls_sideways_on_a_small_phone(browser, live_server, demo_site):
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    try:
        for path in ("/series/", SERIES, SECOND):
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    finally:
        context.close()
