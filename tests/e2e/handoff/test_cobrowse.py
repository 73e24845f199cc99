"""Co-browsing in a real browser pair: a resident on the council site and an
advisor in the console, sharing one running stack (the steps build on each
other, so they are one journey rather than many slow set-ups).

Every websocket frame the resident's page sends is captured: nothing is sent
before Allow or after a Decline, canary values (typed, masked, blocked and
configured by the council) never leave the page, and no mirror frame leaves
after the service has acknowledged Stop."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import DatabaseHandle
from tests.e2e.browser import axe_violations
from tests.e2e.handoff import cobrowse_site
from tests.e2e.handoff.conftest import sign_in
from tests.e2e.handoff.harness import Stack, running_stack
from tests.e2e.handoff.test_journey import messages, say

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def cobrowse_stack(tmp_path_factory: Any, database_templates: Any) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("cobrowse")
    handle = DatabaseHandle("sqlite", folder, template=database_templates.for_backend("sqlite"))
    try:
        with running_stack(
            handle.url,
            handle.engine,
            extra_settings=cobrowse_site.SETTINGS,
            website=cobrowse_site.handler(),
        ) as running:
            yield running
    finally:
        handle.drop()


class Wire:
    """Every frame the resident's page sends and receives, in order."""

    def __init__(self, page: Any) -> None:
        self.log: list[tuple[str, str]] = []
        page.on("websocket", self._socket)

    def _socket(self, ws: Any) -> None:
        ws.on("framesent", lambda payload: self.log.append(("sent", str(payload))))
        ws.on("framereceived", lambda payload: self.log.append(("received", str(payload))))

    def sent(self, kind: str) -> list[str]:
        return [text for way, text in self.log if way == "sent" and f'"type":"{kind}"' in text]

    def mirror_after(self, index: int) -> list[str]:
        return [t for way, t in self.log[index:] if way == "sent" and "cobrowse_mirror" in t]

    def index_of_received(self, action: str) -> int:
        for index, (way, text) in enumerate(self.log):
            if (
                way == "received"
                and '"type":"cobrowse"' in text
                and json.loads(text).get("action") == action
            ):
                return index
        return -1

    def wait_for_received(self, page: Any, action: str, hang_guard_s: float = 30) -> int:
        """The index of the first cobrowse ``action`` frame the page received, once it
        has: the console can hear of it before the resident's socket delivers it (two
        sockets, no order between them). Playwright records frames while it waits."""
        deadline = time.monotonic() + hang_guard_s
        while (index := self.index_of_received(action)) < 0 and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        return index


def mirror_frame(advisor: Any) -> Any:
    """The replayed page: the replayer's iframe inside the console's mirror page."""
    return advisor.frame_locator(".cobrowse__screen iframe").frame_locator("iframe")


STYLE_PROPERTIES = ("color", "background-color", "border-left", "padding", "font-style")
COMPUTED = f"e => {list(STYLE_PROPERTIES)}.map(p => getComputedStyle(e).getPropertyValue(p))"

# Markup a script on the council's page might add: each tries to run code in the
# console (the mirror must show it, and none of it may ever run there).
INJECT = """() => {
  const box = document.createElement("div");
  box.id = "injected";
  box.innerHTML = '<img id="injected-img" alt="" src="/missing.png" onerror="top.__fdInjected=1">'
    + '<details id="injected-details" open ontoggle="top.__fdInjected=2">'
    + '<summary>More</summary></details>'
    + '<svg id="injected-svg" onload="top.__fdInjected=3"></svg>'
    + '<a id="injected-link" href="javascript:top.__fdInjected=4">Link</a>';
  const script = document.createElement("script");
  script.textContent = "top.__fdInjected = 5";
  box.append(script);
  document.querySelector("main").append(box);
}"""


# In the console: count the mirror page's animation frames from the moment the
# replayer is given the event carrying `mark` until the mark is drawn. The
# console's wall clock is stepped 5 s ahead meanwhile (NTP, a resumed laptop):
# the replayer's timer counts performance.now(), so an event stamped from
# Date.now() would wait those 5 s (hundreds of frames) before it is drawn.
WATCH_DRAWN = """(mark) => {
  const realNow = Date.now;
  Date.now = () => realNow() + 5000;
  const mirror = document.querySelector(".cobrowse__screen iframe").contentWindow;
  const proto = mirror.frontdoorMirror.Replayer.prototype;
  const addEvent = proto.addEvent;
  const doc = mirror.document.querySelector(".replayer-wrapper iframe").contentDocument;
  let frames = null, done = false;
  const tick = () => { if (!done) { frames += 1; mirror.requestAnimationFrame(tick); } };
  window.__fdDrawn = new Promise((resolve) => {
    proto.addEvent = function (event) {
      if (frames === null && JSON.stringify(event).includes(mark)) {
        frames = 0;
        mirror.requestAnimationFrame(tick);
      }
      return addEvent.call(this, event);
    };
    const observer = new MutationObserver(() => {
      if (!doc.body || !doc.body.textContent.includes(mark)) return;
      done = true;
      observer.disconnect();
      proto.addEvent = addEvent;
      Date.now = realNow;
      resolve(frames);
    });
    observer.observe(doc, { subtree: true, childList: true, characterData: true });
  });
}"""


def bar_clear_of_page(page: Any) -> bool:
    """At the top of the page the sharing bar ends above the page's first element."""
    return bool(
        page.evaluate(
            """() => {
              window.scrollTo(0, 0);
              const bar = document.getElementById("fd-cobrowse-bar");
              let next = bar.nextElementSibling;
              while (next && next.classList.contains("fd-root")) next = next.nextElementSibling;
              const barBox = bar.getBoundingClientRect(), nextBox = next.getBoundingClientRect();
              return barBox.height > 0 && barBox.top >= 0 && nextBox.top >= barBox.bottom;
            }"""
        )
    )


def test_consent_mirror_masking_guiding_navigation_and_stop(
    cobrowse_stack: Stack, browser: Any
) -> None:
    stack = cobrowse_stack
    advisor_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    resident_context = browser.new_context(viewport={"width": 1280, "height": 800})
    advisor, resident = advisor_context.new_page(), resident_context.new_page()
    for page in (advisor, resident):
        page.set_default_timeout(10_000)
    wire = Wire(resident)
    try:
        sign_in(advisor, stack)
        advisor.get_by_label("Available for chats").check()
        resident.goto(f"{stack.website_url}/en/apply")
        resident.get_by_role("button", name="Chat with us").click()
        resident.locator("#fd-human").click()
        advisor.locator(".offer").get_by_role("button", name="Accept").click()
        expect(resident.locator("#fd-subtitle")).to_have_text("Talking to Sam")
        card = advisor.locator("article.chat")
        panel = advisor.locator("#cobrowse-panel")

        # Asked, then declined: the recorder never even loads, nothing is sent.
        panel.get_by_role("button", name="Ask to co-browse").click()
        prompt = resident.get_by_role("group", name="Sam would like to see this page with you")
        expect(prompt).to_be_visible()
        expect(prompt).to_contain_text("Anything you type into forms")
        assert axe_violations(resident, "#fd-cobrowse-prompt") == []
        resident.screenshot(path="/tmp/shots-cobrowse/consent.png")
        prompt.get_by_role("button", name="Decline").click()
        expect(panel.locator(".cobrowse__status")).to_contain_text("declined")
        assert resident.evaluate("typeof window.FrontdoorCobrowse") == "undefined"
        assert wire.sent("cobrowse_mirror") == []

        # A value typed before Allow, then allowed: the page appears in the console.
        resident.get_by_label("Full name").fill(cobrowse_site.CANARY_TYPED)
        panel.get_by_role("button", name="Ask to co-browse").click()
        expect(prompt).to_be_visible()  # asked again: still nothing loaded or sent
        assert resident.evaluate("typeof window.FrontdoorCobrowse") == "undefined"
        assert wire.sent("cobrowse_mirror") == []
        resident.get_by_role("button", name="Allow").click()
        bar = resident.get_by_role("region", name="Sharing this page with Sam")
        expect(bar).to_be_visible()
        assert axe_violations(resident, "#fd-cobrowse-bar") == []
        assert bar_clear_of_page(resident), "the sharing bar covers the top of the page"
        mirror = mirror_frame(advisor)
        expect(mirror.locator("h1")).to_have_text("Book a bulky waste collection")
        # An element styled only by its style attribute looks the same in the mirror.
        styled = resident.locator("#inline-styled").evaluate(COMPUTED)
        assert styled[0] == "rgb(112, 0, 112)", styled  # the resident's page applies it
        assert mirror.locator("#inline-styled").evaluate(COMPUTED) == styled
        # Script put into the resident's page reaches the mirror as markup, and never runs.
        resident.evaluate(INJECT)
        for injected in ("#injected-img", "#injected-details", "#injected-svg", "#injected-link"):
            expect(mirror.locator(injected)).to_have_count(1)
        for frame in advisor.frames:
            if frame.url.startswith(stack.handoff_url):  # the console and its mirror page
                assert frame.evaluate("window.__fdInjected") is None, frame.url
        expect(mirror.locator("#name")).to_have_value(re.compile(r"^\*+$"))
        resident.get_by_label("Notes").fill(cobrowse_site.CANARY_NOTES)
        expect(mirror.locator("#notes")).to_have_value(re.compile(r"^\*{8,}$"))
        expect(mirror.locator(".nino")).to_have_text(re.compile(r"^\*+$"))
        panel.locator(".cobrowse").screenshot(path="/tmp/shots-cobrowse/console-mirror.png")

        # Chat keeps flowing while the page is shared.
        say(resident, "Is this the right form?")
        expect(card.locator(".transcript")).to_contain_text("Is this the right form?")
        card.get_by_label("Message to the resident").fill("Yes, fill in the items.")
        card.get_by_label("Message to the resident").press("Enter")
        expect(messages(resident)).to_contain_text("Yes, fill in the items.")

        # A change and a chat message at the same moment: the console shows the
        # message, and draws the change on the mirror's next animation frame after
        # it arrives, even with the console's wall clock stepped.
        advisor.evaluate(WATCH_DRAWN, "change-mark-7")
        resident.evaluate(
            """() => document.querySelector("main").append(
                 Object.assign(document.createElement("p"), {textContent: "change-mark-7"}))"""
        )
        say(resident, "I have added a line")
        expect(card.locator(".transcript")).to_contain_text("I have added a line")
        frames = advisor.evaluate("window.__fdDrawn")  # once the mirror shows it
        assert frames is not None and frames <= 2, f"drawn {frames} frames after it arrived"

        # The advisor highlights a link; the resident sees a ring and hears it.
        panel.get_by_label("Label shown to the resident (optional)").fill("Go here")
        panel.get_by_role("button", name="Refresh list").click()
        links = panel.get_by_label("Or highlight a link, button or heading")
        links.select_option(label="Link: Bin collection days")
        panel.get_by_role("button", name="Highlight", exact=True).click()
        ring = resident.locator(".fd-guide")
        expect(ring).to_be_visible()
        expect(ring).to_contain_text("Go here")
        expect(resident.locator("#fd-announcer")).to_contain_text("Sam is pointing at: Go here")
        resident.screenshot(path="/tmp/shots-cobrowse/highlight.png")

        # Pointing by keyboard: arrows move a pointer over the mirror, Enter points.
        panel.get_by_label("Label shown to the resident (optional)").fill("Here")
        panel.get_by_role("button", name="Point at a spot").click()
        pointer = panel.get_by_role("application", name=re.compile("^Point at a spot on"))
        expect(pointer).to_be_focused()
        assert axe_violations(advisor, "#cobrowse-panel") == []
        for key in ("ArrowRight", "ArrowRight", "Shift+ArrowDown"):
            pointer.press(key)
        expect(panel.locator(".cobrowse__cursor")).to_be_visible()
        expect(panel.locator(".cobrowse__status")).to_have_text(re.compile(r"^Pointer \d+% across"))
        pointer.press("Enter")
        expect(resident.locator(".fd-guide--point")).to_be_visible()
        expect(resident.locator("#fd-announcer")).to_contain_text("Sam is pointing at: Here")
        expect(panel.locator(".cobrowse__status")).to_have_text(
            "Pointer shown on the resident's page."
        )
        pointer.press("Escape")
        expect(panel.get_by_role("button", name="Point at a spot")).to_be_focused()
        advisor.screenshot(path="/tmp/shots-cobrowse/keyboard-pointer.png")

        # A navigation on the same site: sharing carries on, the console follows.
        resident.locator("#bins-link").click()
        expect(resident.get_by_role("heading", level=1)).to_have_text("Bin collection days")
        expect(resident.get_by_role("region", name="Sharing this page with Sam")).to_be_visible()
        expect(mirror_frame(advisor).locator("h1")).to_have_text("Bin collection days")
        # On a phone, too, the bar pushes the page down rather than covering it.
        resident.set_viewport_size({"width": 390, "height": 800})
        assert bar_clear_of_page(resident)
        # the full-screen chat panel starts below the bar, its header in view
        panel_top = resident.locator(".fd-panel").bounding_box()["y"]
        bar_box = resident.locator("#fd-cobrowse-bar").bounding_box()
        assert panel_top >= bar_box["y"] + bar_box["height"] - 0.5
        assert axe_violations(resident, "#fd-cobrowse-bar") == []
        resident.screenshot(path="/tmp/shots-cobrowse/bar-phone.png")
        resident.set_viewport_size({"width": 1280, "height": 800})

        # Stop: once the service acknowledges it, not one more mirror frame.
        resident.get_by_role("button", name="Stop sharing").click()
        expect(panel.locator(".cobrowse__status")).to_contain_text("stopped sharing")
        acked = wire.wait_for_received(resident, "stopped")
        assert acked >= 0
        resident.mouse.wheel(0, 400)
        say(resident, "Thanks")
        expect(card.locator(".transcript")).to_contain_text("Thanks")
        assert wire.mirror_after(acked) == []
        assert wire.sent("cobrowse_mirror"), "the page was mirrored while shared"

        # No canary ever left the resident's page, in any frame.
        everything = "\n".join(text for way, text in wire.log if way == "sent")
        for canary in cobrowse_site.CANARIES:
            assert canary not in everything, canary

        # The audit trail is in the conversation (advisors only).
        transcript = card.locator(".transcript")
        expect(transcript).to_contain_text("Co-browse declined by the resident.")
        stopped = re.compile(r"Co-browse stopped by the resident after \d+ s\.")
        expect(transcript).to_contain_text(stopped)
    finally:
        advisor_context.close()
        resident_context.close()
