"""site/index.html in a real headless Chromium: search narrows, filters work, copy gives BibTeX."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.record import papers_of

from .conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "site" / "index.html"
# Counted from the list, so an `add` does not break the page tests.
LISTED = len(BibFile.load(ROOT / "references.bib").entries)
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_tool("chromium")
    driver_path = require_tool("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = require_tool("chromium")
    profile = tmp_path_factory.mktemp("chromium-profile")
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
        "--window-size=390,844",  # a phone's viewport
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.get(PAGE.as_uri())
        yield driver
    finally:
        driver.quit()


def visible_keys(driver: Any) -> list[str]:
    return list(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('#papers > li'))"
            ".filter(li => !li.hidden).map(li => li.id)"
        )
    )


def reset(driver: Any) -> None:
    driver.execute_script(
        "for (const id of ['q', 'category', 'year']) {"
        "  const el = document.getElementById(id); el.value = '';"
        "  el.dispatchEvent(new Event(id === 'q' ? 'input' : 'change')); }"
    )


def test_page_is_self_contained_and_labelled(browser: Any) -> None:
    html = PAGE.read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html and "@import" not in html
    assert 'name="viewport"' in html
    for field in ("q", "category", "year"):
        assert browser.execute_script(f"return document.querySelector('label[for={field}]') !== null")
    assert browser.find_element("id", "count").get_attribute("aria-live") == "polite"
    assert len(visible_keys(browser)) == LISTED


def test_search_narrows_the_list(browser: Any) -> None:
    reset(browser)
    box = browser.find_element("id", "q")
    box.send_keys("diffusion")
    keys = visible_keys(browser)
    assert 0 < len(keys) < LISTED and "yuan2025reflectdiffu" in keys
    assert browser.find_element("id", "count").text == f"{len(keys)} of {LISTED} papers shown"
    box.send_keys(" rudinger-no-such-author")
    assert visible_keys(browser) == []
    assert browser.find_element("id", "empty").is_displayed()


def test_category_and_year_filters(browser: Any) -> None:
    from selenium.webdriver.support.ui import Select

    reset(browser)
    Select(browser.find_element("id", "category")).select_by_value("datasets")
    papers = list(papers_of(BibFile.load(ROOT / "references.bib")))
    assert visible_keys(browser) == [p.key for p in papers if "datasets" in p.categories]
    Select(browser.find_element("id", "year")).select_by_value("2024")
    keys = visible_keys(browser)
    assert 0 < len(keys) < 5
    for key in keys:
        assert browser.find_element("id", key).get_attribute("data-year") == "2024"
    # a section with subsections includes them
    reset(browser)
    Select(browser.find_element("id", "category")).select_by_value("empathetic-dialogue-systems")
    assert "yuan2025reflectdiffu" in visible_keys(browser)


def test_copy_button_delivers_the_bibtex(browser: Any) -> None:
    reset(browser)
    button = browser.find_element("css selector", "#hou2025language button.copy")
    button.send_keys("")  # reachable by keyboard: focusable
    button.click()
    copied = browser.find_element("id", "copy-output").get_attribute("value")
    assert copied.startswith("@inproceedings{hou2025language,")
    assert "doi = {10.18653/v1/2025.naacl-long.611}" in copied
    assert copied.rstrip().endswith("}")
