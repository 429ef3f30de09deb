"""The web chat page in a real headless Chromium (Debian's package, driven by Playwright)
against a real `hfa serve`. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import ROOT, running_server

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="nb-NO")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server)
    yield page
    context.close()


def ask(page: Page, question: str) -> None:
    count = page.locator(".msg.assistant").count()
    page.fill("#question", question)
    page.press("#question", "Enter")  # keyboard only: Enter sends
    answer = page.locator(".msg.assistant").nth(count)
    expect(answer).not_to_have_attribute("aria-busy", "true")


def test_ask_open_citation_follow_up_and_refusal(page: Page) -> None:
    ask(page, "Hvor ofte møtes SSU?")
    answer = page.locator(".msg.assistant").last
    expect(answer).to_contain_text("fire ganger årlig")
    expect(answer.locator(".sources")).to_contain_text("Retningslinje 1")
    page.screenshot(path=str(ARTIFACTS / "web-answer.png"), full_page=True)

    answer.locator("p .chip").first.click()  # the [1] in the answer text
    viewer = page.locator("#viewer")
    expect(viewer).to_be_visible()
    expect(page.locator("#viewer-title")).to_contain_text("Retningslinje 1")
    expect(page.locator("#viewer-meta")).to_contain_text("Gjeldende")
    expect(page.locator("#viewer-meta")).to_contain_text("Helsefellesskapet i Telemark")
    mark = viewer.locator(".passage.target mark")
    expect(mark).to_contain_text("fire ganger årlig")
    expect(mark).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / "web-citation.png"))
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()

    ask(page, "Hvem sitter i det utvalget?")  # a follow-up: "det utvalget" is SSU from the first turn
    follow = page.locator(".msg.assistant").last
    expect(follow.get_by_role("listitem").filter(has_text="Kommunalsjefer helse og omsorg").first).to_be_visible()
    expect(follow.get_by_text("Kommunalsjefer helse og omsorg", exact=True)).to_be_visible()

    ask(page, "Hvem vant fotball-VM i 2022?")
    refusal = page.locator(".msg.assistant").last
    expect(refusal).to_have_class("msg assistant refusal")
    expect(refusal).to_contain_text("Fant ikke svar")
    suggestions = refusal.locator(".suggestions button")
    expect(suggestions).to_have_count(3)
    suggestions.first.click()
    expect(page.locator("#viewer .passage.target")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "web-refusal.png"), full_page=True)


def test_copy_answer_puts_answer_and_sources_on_the_clipboard(page: Page) -> None:
    ask(page, "Hvor ofte møtes SSU?")
    page.locator(".msg.assistant").last.get_by_role("button", name="Kopier svar").click()
    expect(page.locator(".copied")).to_have_text("Kopiert")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "fire ganger årlig" in copied and "Kilder:\n[1] Retningslinje 1" in copied


def test_region_filter_and_documents_view(page: Page) -> None:
    expect(page.locator("#region option")).to_have_count(3)
    page.select_option("#region", "trondelag")
    ask(page, "Hvor ofte møtes SSU?")
    expect(page.locator(".msg.assistant").last).not_to_contain_text("Telemark")

    page.click("#tab-docs")
    rows = page.locator("#docs-table tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#docs-table")).to_contain_text("Forslag")
    rows.filter(has_text="Strategi for Helsefellesskapet i Telemark").get_by_role("button").click()
    expect(page.locator("#viewer-title")).to_contain_text("Strategi for Helsefellesskapet i Telemark")
    expect(page.locator("#viewer-meta")).to_contain_text("Strategi")
    expect(page.locator("#viewer .passage").first).to_be_visible()
    assert page.locator("#viewer .passage").count() > 5
    page.screenshot(path=str(ARTIFACTS / "web-documents.png"))


def test_a_source_link_from_chat_opens_the_viewer(page: Page, server: str) -> None:
    from urllib.parse import urlencode

    query = urlencode(
        {
            "doc": "telemark-retningslinje-1",
            "section": "2.2 Strategisk samarbeidsutvalg (SSU)",
            "quote": "møtes fire ganger årlig",
        }
    )
    page.goto(f"{server}/#kilde?{query}")
    expect(page.locator("#viewer .passage.target mark")).to_have_text("møtes fire ganger årlig")


def test_phone_width_has_no_horizontal_scroll(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server)
    ask(page, "Hvem sitter i SSU?")
    page.locator(".msg.assistant").last.locator(".chip").first.click()
    expect(page.locator("#viewer")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "web-phone.png"))
    context.close()


def test_page_asks_for_an_api_key_when_the_server_needs_one(
    browser: Browser, corpus_index: Path, tmp_path: Path
) -> None:
    with running_server(corpus_index, tmp_path, {"HFA_API_KEYS": "hemmelig"}) as base:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(base)
        expect(page.locator("#key-dialog")).to_be_visible()  # the page needs the document list
        page.fill("#key-input", "hemmelig")
        page.press("#key-input", "Enter")
        expect(page.locator("#key-dialog")).to_be_hidden()
        expect(page.locator("#region option")).to_have_count(3)
        ask(page, "Hvor ofte møtes SSU?")
        expect(page.locator(".msg.assistant").last).to_contain_text("fire ganger årlig")
        context.close()


def test_page_works_under_its_content_security_policy(browser: Browser, server: str) -> None:
    """Issue 16, defect 8: the page now has a strict Content-Security-Policy (own
    script, style and API calls only); every view still works and the browser reports
    no violation."""
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(30_000)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    page.on("pageerror", lambda error: violations.append(str(error)))
    response = page.goto(server)
    assert response is not None and "frame-ancestors 'none'" in response.headers["content-security-policy"]
    ask(page, "Hvor ofte møtes SSU?")
    expect(page.locator(".msg.assistant").last).to_contain_text("fire ganger årlig")
    for tab in ("#tab-docs", "#tab-structure", "#tab-draft", "#tab-chat"):
        page.click(tab)
    expect(page.locator("#question")).to_be_visible()
    context.close()
    assert not violations, violations


def test_a_guarded_question_is_never_sent_again(page: Page) -> None:
    """Issue 16, defect 8: the page kept a question the patient-data guard stopped in its
    own history and sent it again with the next question."""
    bodies: list[str] = []
    page.on("request", lambda request: bodies.append(request.post_data or "") if "/v1/ask" in request.url else None)
    ask(page, "Pasient 17058343757 skal hjem, hvem varsles?")
    expect(page.locator(".msg.assistant").last).to_contain_text("Ikke besvart")
    ask(page, "Hvor ofte møtes SSU?")
    expect(page.locator(".msg.assistant").last).to_contain_text("fire ganger årlig")
    assert len(bodies) == 2 and "17058343757" in bodies[0]
    assert "17058343757" not in bodies[1] and '"history": []' in bodies[1].replace('"history":[]', '"history": []')
