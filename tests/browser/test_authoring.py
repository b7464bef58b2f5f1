"""Writing in the admin, in chromium with the real Content-Security-Policy."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from blog import services
from blog.models import Image, Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


class Watch:
    """CSP violations and script errors seen on every page of a test."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(CSP_WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or (
            message.type == "error" and "favicon" not in text and "404" not in text
        ):
            self.problems.append(f"console {message.type}: {text}")

    def check(self):
        self.problems += self.page.evaluate("window.__cspViolations || []")
        assert self.problems == []


def png_bytes(size) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, "teal").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def writer(make_user):
    return make_user(
        username="wren", password=PASSWORD, is_staff=True, is_superuser=True, first_name="Wren"
    )


def log_in(page, live_server, user):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_write_preview_save_draft_preview_publish_and_find_on_home(page, live_server, writer):
    watch = Watch(page)
    log_in(page, live_server, writer)
    page.goto(live_server.url + "/admin/blog/post/add/")
    watch.check()

    page.fill("#id_title", "The corridor that breathes")
    body = page.locator("textarea#id_body")
    body.click()
    body.press_sequentially(
        "Glazer's *Rabbit in Your Headlights* opens in a tunnel.\n\n"
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n"
        "## The trick\n\nCars hit him[^1] and he walks on.\n\n[^1]: Stunt work.\n"
    )
    preview = page.locator(".closer-editor-preview")
    preview.locator("a.video-facade").wait_for()
    assert preview.locator("h2#the-trick").inner_text() == "The trick"
    assert preview.locator("em").first.inner_text() == "Rabbit in Your Headlights"
    assert re.match(r"\d+ words · 1 min read", page.locator(".closer-editor-stats").inner_text())
    assert page.locator("iframe").count() == 0  # a facade, not a player

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/admin/blog/post/\d+/change/$"))
    assert "Draft saved. Readers cannot see it." in page.locator(".messagelist").inner_text()
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert post.embedded_videos.count() == 1
    watch.check()

    # The draft's own page, as staff: the reader's page under a banner.
    page.goto(live_server.url + post.get_absolute_url())
    assert "Draft preview" in page.locator(".preview-banner").inner_text()
    assert page.locator("h1").inner_text() == "The corridor that breathes"

    page.goto(live_server.url + f"/admin/blog/post/{post.pk}/change/")
    # Preview opens the draft's page in a new tab.
    with page.context.expect_page() as new_tab:
        page.get_by_role("link", name="Preview").click()
    new_tab.value.wait_for_load_state()
    assert "Draft preview" in new_tab.value.locator(".preview-banner").inner_text()
    new_tab.value.close()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/admin/blog/post/\d+/change/$"))
    post.refresh_from_db()
    assert post.is_published
    live_link = page.locator(".messagelist").get_by_role("link", name="Read it on the site")
    assert live_link.get_attribute("href") == post.get_absolute_url()

    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="The corridor that breathes").count() >= 1
    watch.check()
    assert page.requests.third_party == []


def test_text_survives_an_expired_session(page, live_server, writer):
    watch = Watch(page)
    log_in(page, live_server, writer)
    page.goto(live_server.url + "/admin/blog/post/add/")
    page.fill("#id_title", "Lost and found")
    page.locator("textarea#id_body").fill("Two hours of writing that must not vanish.")
    page.locator("textarea#id_body").press("End")  # an input event, like typing
    page.locator("textarea#id_body").type(" Really.")
    page.context.clear_cookies(name="sessionid")  # the session times out while writing
    page.click("button[name=_save_draft]")
    page.wait_for_url(re.compile(r"/admin/login/"))
    assert not Post.objects.exists()

    page.fill("#id_username", writer.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/blog/post/add/"))
    banner = page.locator(".closer-draft-banner")
    assert "Lost and found" in banner.inner_text()
    banner.get_by_role("button", name="Restore it").click()
    assert page.input_value("#id_title") == "Lost and found"
    assert page.input_value("#id_body") == "Two hours of writing that must not vanish. Really."

    page.click("button[name=_save_draft]")
    page.wait_for_url(re.compile(r"/admin/blog/post/\d+/change/$"))
    assert Post.objects.get().body == "Two hours of writing that must not vanish. Really."
    # Saved: the browser's copy is forgotten and not offered again.
    page.goto(live_server.url + "/admin/blog/post/add/")
    assert page.locator(".closer-draft-banner").count() == 0
    watch.check()


def test_leaving_with_unsaved_changes_asks_first(page, live_server, writer):
    log_in(page, live_server, writer)
    page.goto(live_server.url + "/admin/blog/post/add/")
    page.locator("textarea#id_body").type("Unsaved words")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    # Wait for the dialog itself, not a fixed time a busy machine may not keep to.
    with page.expect_event("dialog"):
        page.evaluate("window.location.href = '/admin/'")
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/admin/blog/post/add/")


def test_tag_suggestions_and_image_insertion(page, live_server, writer, make_post):
    watch = Watch(page)
    make_post(tags=["Jonathan Glazer", "1990s"])
    image = Image(
        file=SimpleUploadedFile("set.png", png_bytes((900, 600))), alt_text="The moving set"
    )
    image.save()
    log_in(page, live_server, writer)
    page.goto(live_server.url + "/admin/blog/post/add/")
    page.locator("#id_tags").type("1990s, glaz")
    option = page.get_by_role("option", name="Jonathan Glazer")
    option.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#id_tags") == "1990s, Jonathan Glazer, "

    page.locator("textarea#id_body").type("Intro.")
    page.click(".closer-insert-image")
    page.locator(".closer-image-choice").first.click()
    assert page.input_value("#id_body") == f"Intro.\n\n[image:{image.pk}]\n\n"
    page.locator(".closer-editor-preview figure.post-image img[alt='The moving set']").wait_for()
    watch.check()


def test_the_other_authoring_pages_run_under_the_csp(page, live_server, writer, make_post):
    watch = Watch(page)
    post = make_post(title="Revised essay", body="First words.")
    post.body = "Second words."
    services.post_save(post=post)  # as the admin saves: a second revision
    image = Image(file=SimpleUploadedFile("a.png", png_bytes((640, 480))), alt_text="A set")
    image.save()
    log_in(page, live_server, writer)
    page.goto(live_server.url + f"/admin/blog/post/{post.pk}/revisions/")
    assert page.locator("del").first.inner_text() == "First"
    page.goto(live_server.url + f"/admin/blog/image/{image.pk}/change/")
    assert page.locator("code.closer-snippet").inner_text() == f"[image:{image.pk}]"
    page.goto(live_server.url + "/admin/blog/post/")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "schedule")
    page.click("button[name=index]")
    page.locator("input[type=datetime-local]").wait_for()
    watch.check()
    assert page.requests.third_party == []


def test_a_refused_preview_says_why(page, live_server, writer):
    log_in(page, live_server, writer)
    page.goto(live_server.url + "/admin/blog/post/add/")
    page.fill("textarea#id_body", "<div>" * 5_000 + "deep" + "</div>" * 5_000)
    stats = page.locator(".closer-editor-stats")
    stats.filter(has_text="nests HTML elements").wait_for()
    assert "Look for tags that are opened but never closed" in stats.inner_text()
    assert page.locator(".closer-editor-preview.is-stale").count() == 1


SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_writing_desk_toolbar_counter_and_screenshots(page, live_server, writer, width):
    watch = Watch(page)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, writer)
    page.goto(live_server.url + "/admin/blog/post/add/")
    assert page.locator("#nav-sidebar").count() == 0
    body = page.locator("textarea#id_body")
    body.fill("A line about ")
    body.press("End")
    page.get_by_role("button", name="Bold").click()
    assert page.input_value("#id_body") == "A line about **bold text**"
    body.press("End")
    page.get_by_role("button", name="Timecode: jumps the video above to that time").click()
    assert page.input_value("#id_body").endswith("[1:23]")
    page.get_by_role("button", name="Footnote").click()
    assert "[^1]: The note." in page.input_value("#id_body")
    page.locator(".closer-syntax-card summary").click()
    assert "[1:23]" in page.locator(".closer-syntax-card").inner_text()
    page.fill("#id_title", "x" * 250)
    assert page.input_value("#id_title") == "x" * 250  # kept, not cut
    assert page.locator(".closer-counter").first.inner_text() == "250 / 200"
    page.fill("#id_title", "The corridor that breathes")
    page.locator(".closer-syntax-card summary").click()  # closed again for the picture
    page.locator(".closer-preview-body strong").wait_for()  # the preview draws the toolbar's text
    body.press("Control+End")
    body.press_sequentially("\nhttps://vimeo.com/notanumber\n")
    warning = page.locator(".closer-preview-warnings li")
    warning.wait_for()
    assert "looks like a video link but is not one" in warning.inner_text()
    assert "vimeo.com/notanumber" in warning.inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"editor-{width}.png"), full_page=False)
    watch.check()
    assert page.requests.third_party == []
