"""Keyboard and contrast checks on every screen, at 1366 px and at 390 px, in Debian's chromium.

What axe-core flagged on the page, checked here by hand: every scrolling box can be reached by
keyboard, the focus ring stands out (3:1) from what is behind it, and a sheet full of bad cells
does not put each one in the Tab order before the Skip box. Screenshots of each screen at both
widths go to .ci/artifacts/screenshots.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from importer.ui.server import RunningUi
from tests.conftest import SandboxHandle
from tests.pipeline_helpers import write_csv
from tests.test_ui_browser import browser, connect, new_page, shot, ui

__all__ = ["browser", "ui"]  # the fixtures, shared with the other browser tests
HEADERS = ["Reference ID", "Title", "Date", "Start Time", "End Time", "Description"]

# Boxes that scroll (now, at this width) and that no key can reach: axe's
# scrollable-region-focusable rule (focusable itself, or holding something focusable).
UNREACHABLE_SCROLLERS = """() => [...document.querySelectorAll('body *')].filter(e => {
    const s = getComputedStyle(e);
    const scrolls = (/(auto|scroll)/.test(s.overflowX) && e.scrollWidth > e.clientWidth) ||
                    (/(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight);
    const reach = e.tabIndex >= 0 ||
        e.querySelector('a[href], button, input, select, textarea, [tabindex="0"]');
    return scrolls && !reach;
}).map(e => e.tagName + '#' + e.id + '.' + e.className)"""

# The focus ring's colour and the colour behind it (the first opaque background up the tree).
RING = """() => {
    const e = document.activeElement, s = getComputedStyle(e);
    let p = e.parentElement, bg = 'rgb(255, 255, 255)';
    for (; p; p = p.parentElement) {
        const c = getComputedStyle(p).backgroundColor;
        if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; }
    }
    return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor, bg,
            s.backgroundColor, parseFloat(s.outlineOffset)];
}"""


def luminance(css: str) -> float:
    red, green, blue = (int(n) / 255 for n in re.findall(r"\d+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def screen(page: Page, name: str, width: int) -> None:
    """The screen has no unreachable scroller, and its picture is kept."""
    assert page.evaluate(UNREACHABLE_SCROLLERS) == [], name
    shot(page, f"{name}-{width}")


def ring_is_visible(page: Page, where: str) -> None:
    style, width, ring, behind, own, offset = page.evaluate(RING)
    assert style != "none" and width >= 2, where
    assert contrast(ring, behind) >= 3, (where, ring, behind)
    # A ring drawn on the element (no gap) must also stand out from the element itself.
    if offset <= 0 and own not in ("rgba(0, 0, 0, 0)", "transparent"):
        assert contrast(ring, own) >= 3, (where, ring, own)


def test_every_screen_at_both_widths(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    long_text = "A long abstract that makes the row wide. " * 8
    for width in (1366, 390):
        rows = [
            [
                f"B{width}-{n}",
                f"Talk {n}",
                "2026-06-10" if n % 2 else "2026-13-45",
                f"{9 + n % 8}:00",
                f"{10 + n % 8}:00",
                long_text,
            ]
            for n in range(80)
        ]
        agenda = write_csv(tmp_path / f"broken-{width}.csv", rows, HEADERS)
        page = new_page(browser, width)
        if ui.workspace.connection is None:
            connect(page, ui, sandbox, sandbox.key)
        else:
            page.goto(ui.url)
            page.goto(ui.base_url + "/connect")
            page.get_by_label("API key").fill(sandbox.key)
        screen(page, "a11y-1-connect", width)
        page.get_by_role("button", name="Connect").click()
        screen(page, "a11y-2-upload", width)
        page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
        page.get_by_role("button", name="Upload and read").click()
        screen(page, "a11y-2-columns", width)
        page.get_by_role("button", name="Check the rows").click()
        expect(page.locator("#check-summary")).to_contain_text("80 rows: 40 with problems")
        screen(page, "a11y-3-check", width)

        # From the top of the page, Tab reaches the Skip box without passing through cells.
        page.locator("body").focus()
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        stops = []
        for _ in range(40):
            page.keyboard.press("Tab")
            stops.append(page.evaluate("() => document.activeElement.tagName"))
            where = page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
            ring_is_visible(page, f"Tab stop {len(stops)} ({where}) at {width} px")
            if page.evaluate("() => document.activeElement.id") == "skip_invalid":
                break
        # The problems' one-click fixes are a few stops per kind of problem, never one a cell.
        assert stops[-1] == "INPUT" and len(stops) < 30, stops
        assert "TD" not in stops and "TH" not in stops
        page.keyboard.press("Space")
        page.locator("#go").click()
        expect(page.locator("#plan-counts")).to_contain_text("40 to create")
        screen(page, "a11y-4-plan", width)
        page.locator("#start").focus()
        ring_is_visible(page, f"Import button at {width} px")
        page.locator("#start").click()
        expect(page.locator("#summary")).to_contain_text("40 created", timeout=60_000)
        screen(page, "a11y-5-import", width)
        page.get_by_role("button", name="Import another file").click()
        page.context.close()


def test_timeline_sessions_are_stacked_and_show_details_on_focus_and_tap(
    browser: Browser, ui: RunningUi, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    agenda = write_csv(
        tmp_path / "overlap.csv",
        [
            ["O1", "Keynote", "2026-06-10", "9:00", "11:00", "Main Hall"],
            ["O2", "Clashing panel", "2026-06-10", "10:00", "12:00", "Main Hall"],
        ],
        ["Reference ID", "Title", "Date", "Start Time", "End Time", "Location"],
    )
    page = new_page(browser, 390)
    connect(page, ui, sandbox, sandbox.key)
    page.get_by_role("button", name="Connect").click()
    page.get_by_label(re.compile("^Spreadsheet")).set_input_files(agenda)
    page.get_by_role("button", name="Upload and read").click()
    page.get_by_role("button", name="Check the rows").click()
    page.locator("#go").click()
    first, second = page.locator("g.slot[data-row='2']"), page.locator("g.slot[data-row='3']")
    # Stacked: the second box starts below the first, so both can be seen and tapped.
    one, two = first.bounding_box(), second.bounding_box()
    assert one is not None and two is not None and two["y"] >= one["y"] + one["height"]
    first.focus()
    expect(page.locator("#slot-details")).to_have_text("Keynote · 09:00–11:00 · Main Hall · row 2")
    shot(page, "4-plan-timeline-details-390")
    second.click()
    expect(page.locator("#slot-details")).to_have_text(
        "Clashing panel · 10:00–12:00 · Main Hall · row 3"
    )
    expect(second).to_have_attribute("aria-label", "Clashing panel, 10:00–12:00, Main Hall, row 3")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#slot-details")).to_have_text("Keynote · 09:00–11:00 · Main Hall · row 2")
