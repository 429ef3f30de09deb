"""WCAG 2.1 AA (uu-forskriften) for the web page: axe-core (npm, installed into
test-artifacts/ by `make test`) run in Debian's Chromium on every view, answered and
unanswered, at desktop and phone width; and keyboard-only use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from indexer.manifest import load_manifest
from tests.conftest import CORPUS
from tests.system.test_web import ARTIFACTS, CHROMIUM_ARGS, ask, chromium_path

AXE = ARTIFACTS / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": {"width": 1100, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    httpx.post(f"{server}/v1/ask", json={"question": "Hvor ofte møtes SSU?"}, timeout=60)  # warm: index loaded
    assert AXE.is_file(), "axe-core is missing: `make test` installs it (npm install --prefix test-artifacts axe-core)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(WIDTHS))
def page(request: pytest.FixtureRequest, browser: Browser, server: str) -> Iterator[Page]:
    # axe-core is injected as an inline script, which the page's Content-Security-Policy
    # rightly blocks; the test tool may bypass it (tests/test_web.py runs under the policy).
    context = browser.new_context(viewport=WIDTHS[request.param], locale="nb-NO", bypass_csp=True)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server)
    yield page
    context.close()


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))",
        TAGS,
    )
    return found


def check(page: Page, view: str) -> None:
    found = violations(page)
    assert not found, f"{view}: " + "; ".join(f"{v['id']} ({v['impact']}): {v['help']} {v['nodes'][:3]}" for v in found)


def test_chat_unanswered_answered_refused_and_citation_view(page: Page) -> None:
    check(page, "chat, empty")
    ask(page, "Hvor ofte møtes SSU?")
    check(page, "chat, answered")
    ask(page, "Hvem vant fotball-VM i 2022?")
    check(page, "chat, refused")
    page.locator(".msg.assistant").first.locator("p .chip").first.click()
    expect(page.locator("#viewer")).to_be_visible()
    check(page, "citation viewer")


def test_documents_structure_and_draft_views(page: Page) -> None:
    page.click("#tab-docs")
    expect(page.locator("#docs-table tbody tr")).to_have_count(5)
    check(page, "Dokumenter")
    page.click("#tab-structure")
    boxes = page.locator(".body-box")
    expect(boxes.first).to_be_visible()
    check(page, "Struktur")
    boxes.first.click()
    expect(page.locator("#body-facts .chip").first).to_be_visible()
    check(page, "Struktur, organ valgt")
    page.click("#tab-draft")
    check(page, "Lag utkast, tomt")
    page.fill("#draft-topic", "felles rutine for utskrivning av skrøpelige eldre")
    page.click("#draft-make")
    expect(page.locator("#draft-actions")).to_be_visible()
    check(page, "Lag utkast, utkast laget")


def test_keyboard_only_reaches_the_question_and_send_and_enter_sends(page: Page) -> None:
    page.evaluate("document.activeElement.blur()")
    reached: list[str] = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.tagName")
        reached.append(focused)
        if focused == "question":
            break
    assert "tab-chat" in reached and reached[-1] == "question", reached
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")  # focus is visible
    page.keyboard.type("Hvor ofte møtes SSU?")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "send"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") not in ("", "none")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    answer = page.locator(".msg.assistant").last
    expect(answer).to_contain_text("fire ganger årlig")


def test_citation_chips_and_buttons_have_names_that_say_what_they_open(page: Page) -> None:
    ask(page, "Hvor ofte møtes SSU?")
    answer = page.locator(".msg.assistant").last
    titles = [d.title for d in load_manifest(CORPUS).documents.values()]
    chips = answer.locator(".chip").all()
    assert chips
    for chip in chips:  # "Kilde n: <document title>, <section>": what the chip opens
        name = chip.get_attribute("aria-label") or ""
        assert name.startswith("Kilde ") and any(f": {title}, " in name for title in titles), name
    assert "Retningslinje" in (chips[0].get_attribute("aria-label") or "")  # the answer's own source first
    nameless = page.evaluate(
        "[...document.querySelectorAll('button')].filter(b => !b.hidden && b.offsetParent !== null)"
        ".filter(b => !(b.getAttribute('aria-label') || b.textContent).trim()).length"
    )
    assert nameless == 0
