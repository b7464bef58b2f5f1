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
    # The preview is the site's own page in a frame (the site's stylesheet, no scripts).
    preview = page.frame_locator("iframe.closer-preview-frame")
    preview.locator("a.video-facade").wait_for()
    assert preview.locator("h2#the-trick").inner_text() == "The trick"
    assert preview.locator("em").first.inner_text() == "Rabbit in Your Headlights"
    assert re.match(r"\d+ words · 1 min read", page.locator(".closer-editor-stats").inner_text())
    assert preview.locator("iframe").count() == 0  # a facade, not a player
    assert page.locator("iframe:not(.closer-preview-frame)").count() == 0

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/admin/blog/post/\d+/change/$"))
    assert "Draft saved. Readers cannot see it." in page.locator(".messagelist").inner_text()
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert post.inline_videos.count() == 1
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
    page.frame_locator("iframe.closer-preview-frame").locator(
        "figure.post-image img[alt='The moving set']"
    ).wait_for()
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
    # The preview draws the toolbar's text.
    page.frame_locator("iframe.closer-preview-frame").locator(".post-body strong").wait_for()
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


# --- The writing desk, the way an author works (issue 12) -------------------------------------

PARAGRAPH = (
    "Romanek shoots the corridor as if it were breathing, and the band plays inside its lungs; "
    "every cut lands on a beat the song has not reached yet, so the eye runs ahead of the ear."
)
PASTE_PNG = """async ([selector, name, junk]) => {
  let file;
  if (junk) {
    file = new File(["this is not a picture"], name, { type: "image/png" });
  } else {
    const canvas = document.createElement("canvas");
    canvas.width = 320; canvas.height = 180;
    const g = canvas.getContext("2d");
    g.fillStyle = "#2a7"; g.fillRect(0, 0, 320, 180);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    file = new File([blob], name, { type: "image/png" });
  }
  const data = new DataTransfer();
  data.items.add(file);
  const body = document.querySelector(selector);
  const type = junk ? "drop" : "paste";
  const event = junk
    ? new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true })
    : new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
  body.dispatchEvent(event);
  return type;
}"""
LEAVE = """() => {
  Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""
FRAME_VIEW = """() => {
  const frame = document.querySelector("iframe.closer-preview-frame");
  const win = frame.contentWindow;
  const current = frame.contentDocument.querySelector(".closer-preview-current");
  const box = current ? current.getBoundingClientRect() : null;
  return { scrollY: win.scrollY, height: win.innerHeight,
           top: box ? box.top : null, text: current ? current.textContent : "" };
}"""


def long_essay(words=1500) -> str:
    sections = []
    count = 0
    n = 0
    while count < words:
        n += 1
        sections.append(f"## Movement {n}\n\n{PARAGRAPH}\n\n{PARAGRAPH} Section {n} ends here.")
        count += 2 * len(PARAGRAPH.split()) + 6
    return "\n\n".join(sections)


def autosaved(page, post, ending, wait=15.0):
    """Return the writer's autosave of post once it ends with ending (seconds at most)."""
    for _ in range(int(wait * 10)):
        kept = post.revisions.filter(is_autosave=True).first()
        if kept and kept.body.replace("\r\n", "\n").endswith(ending):
            return kept
        page.wait_for_timeout(100)
    raise AssertionError(f"no autosave ending with {ending!r}")


def test_an_author_writes_a_long_essay_at_the_desk(page, live_server, writer, settings):
    watch = Watch(page)
    page.add_init_script("window.CloserDesk = { autosaveSeconds: 2 };")  # 30 s on the site
    page.on("dialog", lambda dialog: dialog.accept())  # leaving with unsaved text asks
    log_in(page, live_server, writer)
    page.goto(live_server.url + "/admin/blog/post/add/")
    page.fill("#id_title", "The corridor that breathes")
    body = page.locator("textarea#id_body")
    body.fill(long_essay())
    body.press("Control+End")
    body.press_sequentially("\n\nThe last word goes to ")
    page.get_by_role("button", name="Bold").click()
    body.press("End")
    page.get_by_role("button", name="Quote").click()
    body.press("End")
    page.get_by_role("button", name="Footnote").click()
    body.press("Control+End")
    body.press_sequentially("\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n")
    body.press_sequentially("https://www.youtube.com/watch?v=oops\n")
    frame = page.frame_locator("iframe.closer-preview-frame")
    frame.locator("a.video-facade").wait_for()
    warning = page.locator(".closer-preview-warnings li")
    warning.wait_for()
    assert "watch?v=oops" in warning.inner_text()
    assert int(page.locator(".closer-editor-stats").inner_text().split()[0].replace(",", "")) > 1500
    # The preview is the site's page: the site's stylesheet makes headings bold sans.
    heading_font = frame.locator(".post-body h2").first.evaluate(
        "h => getComputedStyle(h).fontFamily"
    )
    body_font = page.locator("textarea#id_body").evaluate("b => getComputedStyle(b).fontFamily")
    assert heading_font != body_font
    assert page.input_value("#id_title") == frame.locator("h1").inner_text()

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/admin/blog/post/\d+/change/$"))
    post = Post.objects.get()
    saved_body = post.body
    assert "watch?v=oops" in saved_body
    assert "looks like a video link" in page.locator(".messagelist").inner_text()

    # The preview follows the cursor: the end of the text shows the end of the essay.
    body = page.locator("textarea#id_body")
    frame.locator("a.video-facade").wait_for()
    body.click()
    body.press("Control+End")
    page.wait_for_function(
        "() => document.querySelector('iframe.closer-preview-frame').contentWindow.scrollY > 500"
    )
    view = page.evaluate(FRAME_VIEW)
    assert 0 <= view["top"] <= view["height"]
    body.press("Control+Home")
    page.wait_for_function(
        "() => document.querySelector('iframe.closer-preview-frame').contentWindow.scrollY < 50"
    )
    assert page.evaluate(FRAME_VIEW)["text"] == "Movement 1"
    # A paragraph in the middle: the frame shows that very paragraph.
    middle = page.input_value("#id_body").index("Section 7 ends here.")
    body.evaluate(f"b => {{ b.focus(); b.setSelectionRange({middle}, {middle}); }}")
    body.press("ArrowRight")
    page.wait_for_function(
        "() => (document.querySelector('iframe.closer-preview-frame').contentDocument"
        ".querySelector('.closer-preview-current') || {}).textContent?.includes('Section 7 ends')"
    )
    view = page.evaluate(FRAME_VIEW)
    assert 0 <= view["top"] <= view["height"]

    # Paste an image: described, uploaded with progress, its shortcode where it was pasted.
    body.press("Control+End")
    page.evaluate(PASTE_PNG, ["textarea#id_body", "still.png", False])
    dialog = page.locator("dialog.closer-image-dialog")
    dialog.wait_for()
    dialog.get_by_role("button", name="Upload and insert").click()
    assert "Describe the image" in dialog.locator(".closer-image-dialog-problem").inner_text()
    dialog.get_by_label("What it shows").fill("A green corridor")
    dialog.get_by_role("button", name="Upload and insert").click()
    page.locator(".closer-upload", has_text="Added [image:").wait_for()
    image = Image.objects.get()
    assert image.alt_text == "A green corridor" and image.uploaded_by == writer
    assert page.input_value("#id_body").endswith(f"\n\n[image:{image.pk}]\n\n")
    picture = frame.locator("figure.post-image img[alt='A green corridor']")
    picture.wait_for()
    picture.scroll_into_view_if_needed()
    picture.evaluate("img => img.decode()")  # drawn from our own /media/

    # A file that is not an image, dropped: refused with the library's reason, nothing left.
    page.evaluate(PASTE_PNG, ["textarea#id_body", "notes.png", True])
    dialog.wait_for()
    dialog.get_by_label("Decorative").check()
    dialog.get_by_role("button", name="Upload and insert").click()
    refused = page.locator(".closer-upload.is-refused")
    refused.wait_for()
    assert refused.inner_text() == (
        "notes.png: This is not a JPEG, PNG, WebP, GIF or AVIF image. Other files, SVG "
        "included, are not accepted."
    )
    assert "uploading image" not in page.input_value("#id_body")
    assert Image.objects.count() == 1
    # The refusal's own 400 is the one console line expected.
    assert sum("status of 400" in problem for problem in watch.problems) == 1
    watch.problems = [problem for problem in watch.problems if "status of 400" not in problem]

    # Autosave: a revision of the writer's own; the draft itself is unchanged.
    body.press("Control+End")
    body.press_sequentially("An unsaved sentence, autosaved.")
    kept = autosaved(page, post, "An unsaved sentence, autosaved.")
    page.locator(".closer-autosave-status", has_text="Autosaved at").wait_for()
    assert "uploading image" not in kept.body
    post.refresh_from_db()
    assert post.body == saved_body

    # Leaving the page (hidden) sends what was typed since, long before the next timer.
    page.evaluate("window.CloserDesk.autosaveSeconds = 600")
    body.press_sequentially(" And one more.")
    page.evaluate(LEAVE)
    kept = autosaved(page, post, "An unsaved sentence, autosaved. And one more.", wait=10)

    # The browser crashes (its copy is gone too): reopening offers the autosave back.
    page.evaluate("localStorage.clear()")
    page.reload()
    banner = page.locator(".closer-draft-banner", has_text="Autosaved on")
    banner.wait_for()
    assert "Readers do not see it until you save" in banner.inner_text()
    assert page.locator(".closer-draft-banner").count() == 1  # the browser's copy is the same
    assert not page.input_value("#id_body").endswith("And one more.")
    banner.get_by_role("button", name="Restore it").click()
    assert page.input_value("#id_body").endswith("An unsaved sentence, autosaved. And one more.")

    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("textarea#id_body").click()
    page.locator("textarea#id_body").press("Control+End")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "desk-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "desk-390.png"))
    page.screenshot(path=str(SHOTS / "desk-390-full.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/admin/blog/post/\d+/change/$"))
    post.refresh_from_db()
    assert post.is_published
    assert post.body.endswith("And one more.") and f"[image:{image.pk}]" in post.body
    assert not post.revisions.filter(is_autosave=True).exists()
    page.goto(live_server.url + post.get_absolute_url())
    page.locator(".post-body figure.post-image img[alt='A green corridor']").wait_for()
    assert page.locator(".post-body a.video-facade").count() == 1
    watch.check()
    assert page.requests.third_party == []


def test_autosave_of_a_published_essay_never_reaches_readers(page, live_server, writer, make_post):
    watch = Watch(page)
    page.add_init_script("window.CloserDesk = { autosaveSeconds: 1 };")
    post = make_post(author=writer, title="Live essay", body="What readers read.")
    log_in(page, live_server, writer)
    page.goto(live_server.url + f"/admin/blog/post/{post.pk}/change/")
    page.locator("textarea#id_body").press("Control+End")
    page.locator("textarea#id_body").press_sequentially(" Unreviewed words.")
    page.locator(".closer-autosave-status", has_text="Autosaved at").wait_for()
    page.goto(live_server.url + post.get_absolute_url())
    assert "Unreviewed" not in page.locator(".post-body").inner_text()
    post.refresh_from_db()
    assert post.body == "What readers read."
    watch.check()


def test_a_failed_autosave_is_one_calm_line_and_the_text_stays(page, live_server, writer, draft):
    watch = Watch(page)
    page.add_init_script("window.CloserDesk = { autosaveSeconds: 1 };")
    draft.author = writer
    draft.save()
    log_in(page, live_server, writer)
    page.goto(live_server.url + f"/admin/blog/post/{draft.pk}/change/")
    page.context.clear_cookies(name="sessionid")  # signed out while writing
    page.locator("textarea#id_body").press("Control+End")
    page.locator("textarea#id_body").press_sequentially(" Still here.")
    status = page.locator(".closer-autosave-status.is-failed")
    status.wait_for()
    assert "kept in this browser" in status.inner_text()
    assert page.input_value("#id_body").endswith("Still here.")
    stored = page.evaluate("Object.values({...localStorage}).join(' ')")
    assert "Still here." in stored
    assert not draft.revisions.filter(is_autosave=True).exists()
    watch.check()


def test_a_new_essay_is_autosaved_as_a_draft_before_its_first_save(page, live_server, writer):
    watch = Watch(page)
    page.add_init_script("window.CloserDesk = { autosaveSeconds: 1 };")
    log_in(page, live_server, writer)
    page.goto(live_server.url + "/admin/blog/post/add/")
    page.fill("#id_title", "Written in one go")
    page.locator("textarea#id_body").press_sequentially("The laptop dies mid-sentence")
    page.wait_for_url(re.compile(r"/admin/blog/post/\d+/change/$"))  # the form now edits it
    post = Post.objects.get()
    assert (post.title, post.status, post.body) == ("Written in one go", "draft", "")
    autosaved(page, post, "The laptop dies mid-sentence")
    page.get_by_role("button", name="Save draft").click()
    page.locator(".messagelist", has_text="Draft saved").wait_for()
    assert Post.objects.count() == 1
    post.refresh_from_db()
    assert post.body == "The laptop dies mid-sentence"
    assert not post.revisions.filter(is_autosave=True).exists()
    watch.check()


def test_autosave_waits_about_thirty_seconds_of_typing(page, live_server, writer, make_post):
    post = make_post(author=writer, status=Post.Status.DRAFT, published_at=None, body="Start.")
    page.clock.install()
    log_in(page, live_server, writer)
    page.goto(live_server.url + f"/admin/blog/post/{post.pk}/change/")
    page.locator("textarea#id_body").press("Control+End")
    page.locator("textarea#id_body").press_sequentially(" Typed.")
    page.clock.run_for("00:25")
    page.wait_for_timeout(300)
    assert not post.revisions.filter(is_autosave=True).exists()
    page.clock.run_for("00:06")
    autosaved(page, post, "Start. Typed.")
