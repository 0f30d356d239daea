"""Headless Chromium through selenium and chromedriver, for the page's tests and bench/bench_page.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "site" / "index.html"
PHONE = "390,844"  # a phone's viewport


@contextmanager
def chromium(profile: Path, *, javascript: bool = True, window: str = PHONE) -> Iterator[Any]:
    """A headless Chromium (skips, or fails in CI, when chromium or chromedriver is missing)."""
    binary = require_tool("chromium")
    driver_path = require_tool("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--window-size={window}",
    ):
        options.add_argument(arg)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def visible_keys(driver: Any) -> list[str]:
    """The ids of the papers shown, in the page's order."""
    return list(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('#papers > li'))"
            ".filter(li => li.offsetParent !== null).map(li => li.id)"
        )
    )


def emulate_color_scheme(driver: Any, scheme: str) -> None:
    """`prefers-color-scheme: scheme` through the DevTools protocol."""
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    )
