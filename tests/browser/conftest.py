"""Fixtures for the browser tier: one JupyterLab and one headless Chromium per session.

Without Chromium (or Playwright) the tier skips and pytest prints one line saying
how to enable it; with MINILLM_REQUIRE_BROWSER=1 (set by `run.py test` in CI) a
missing browser is a failure instead, so CI cannot pass with the tier skipped.
"""

from __future__ import annotations

import os
import re

import pytest
from browser_lab import (
    ARTIFACTS,
    LabPage,
    LabServer,
    NetworkGuard,
    find_chromium,
    launch_chromium,
    playwright_installed,
)

ENABLE_HINT = (
    "browser tier skipped: {missing}. To enable it: sudo apt-get install chromium "
    "(or set MINILLM_CHROMIUM=/path/to/chromium); Playwright comes with `python3 run.py setup`."
)
_skip_reason: list[str] = []


def _missing() -> str | None:
    if not playwright_installed():
        return "Playwright is not installed"
    if find_chromium() is None:
        if os.environ.get("MINILLM_CHROMIUM"):
            return f"MINILLM_CHROMIUM={os.environ['MINILLM_CHROMIUM']} is not an executable"
        return "Chromium was not found (no /usr/bin/chromium, no `chromium` on PATH)"
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    missing = _missing()
    if missing is None:
        return find_chromium()
    if os.environ.get("MINILLM_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"MINILLM_REQUIRE_BROWSER=1 but {missing}: install chromium (apt-get install chromium)."
        )
    reason = ENABLE_HINT.format(missing=missing)
    if not _skip_reason:
        _skip_reason.append(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab_server(chromium_path):
    server = LabServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, chromium_path)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the session, so JupyterLab's scripts load from the cache after the
    first test; every request it makes goes through the guard."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="block")
    guard = NetworkGuard(context)
    try:
        yield context, guard
    finally:
        context.close()


@pytest.fixture
def lab(request, browser_context, lab_server):
    """A new page on the session's JupyterLab, offline but for it."""
    context, guard = browser_context
    blocked_before = len(guard.blocked)
    page = context.new_page()
    guard.watch(page)
    page.set_default_timeout(30_000)
    lab = LabPage(page, lab_server)
    try:
        yield lab
    finally:
        print("\n".join(lab.timeline))
        report = getattr(request.node, "report_call", None)
        if report is None or report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            except Exception as error:  # the page may be gone; keep the original failure
                print(f"could not save a screenshot: {error}")
            (ARTIFACTS / f"{name}.jupyterlab.log").write_text(lab_server.log_text())
            print(f"screenshot and JupyterLab log saved in {ARTIFACTS}/{name}.*")
        page.close()
        lab_server.shutdown_kernels()
    blocked = guard.blocked[blocked_before:]
    assert blocked == [], f"the page tried to reach the internet: {blocked}"


def pytest_terminal_summary(terminalreporter):
    if _skip_reason:
        terminalreporter.write_line(_skip_reason[0], yellow=True, bold=True)
