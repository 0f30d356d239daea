"""site/index.html in a real headless Chromium: search, filters, sorts, permalinks, the URL, copy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.record import Paper, papers_of

from .sitedriver import PAGE, ROOT, chromium, visible_keys

# Counted from the list, so an `add` does not break the page tests.
PAPERS: tuple[Paper, ...] = papers_of(BibFile.load(ROOT / "references.bib"))
LISTED = len(PAPERS)
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        driver.get(PAGE.as_uri())
        yield driver


def reset(driver: Any) -> None:
    driver.get(PAGE.as_uri())


def select(driver: Any, control: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", control)).select_by_value(value)


def query_of(driver: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)


def newest_first(papers: tuple[Paper, ...] | list[Paper]) -> list[str]:
    """The default order, worked out here: by year descending, file order within a year."""
    return [p.key for p in sorted(papers, key=lambda p: -(p.year or 0))]


def test_page_is_self_contained_and_labelled(browser: Any) -> None:
    reset(browser)
    html = PAGE.read_text(encoding="utf-8")
    assert "<script src" not in html and "@import" not in html
    # a <link> may only name an alternate form (the feed), which a browser does not fetch
    assert all('rel="alternate"' in link for link in re.findall(r"<link\b[^>]*>", html))
    assert 'name="viewport"' in html
    for field in ("q", "section", "year", "venue", "sort"):
        assert browser.execute_script(f"return document.querySelector('label[for={field}]') !== null")
    assert browser.find_element("id", "count").get_attribute("aria-live") == "polite"
    assert visible_keys(browser) == newest_first(PAPERS)


def test_search_narrows_the_list(browser: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    reset(browser)
    box = browser.find_element("id", "q")
    box.send_keys("diffusion")
    count = browser.find_element("id", "count")
    WebDriverWait(browser, 5).until(lambda d: count.text != f"{LISTED} of {LISTED} papers shown")
    keys = visible_keys(browser)
    assert 0 < len(keys) < LISTED and "yuan2025reflectdiffu" in keys
    assert count.text == f"{len(keys)} of {LISTED} papers shown"
    assert query_of(browser)["q"] == ["diffusion"]
    box.send_keys(" rudinger-no-such-author")
    WebDriverWait(browser, 5).until(lambda d: visible_keys(d) == [])
    assert browser.find_element("id", "empty").is_displayed()


def test_section_year_and_venue_filters(browser: Any) -> None:
    reset(browser)
    select(browser, "section", "datasets")
    assert visible_keys(browser) == newest_first([p for p in PAPERS if "datasets" in p.categories])
    select(browser, "year", "2024")
    keys = visible_keys(browser)
    assert 0 < len(keys) < 5
    for key in keys:
        assert browser.find_element("id", key).get_attribute("data-year") == "2024"
    # a section with subsections includes them
    reset(browser)
    select(browser, "section", "empathetic-dialogue-systems")
    assert "yuan2025reflectdiffu" in visible_keys(browser)
    # the venue filter groups by short name: every EMNLP Findings paper, nothing else
    reset(browser)
    select(browser, "venue", "Findings of EMNLP")
    findings = [
        p
        for p in PAPERS
        if "Findings of the Association for Computational Linguistics: EMNLP" in (p.venue or "")
    ]
    assert len(findings) >= 2
    assert visible_keys(browser) == newest_first(findings)
    assert browser.find_element("id", "count").text == f"{len(findings)} of {LISTED} papers shown"


def test_sorts_reorder_and_come_back(browser: Any) -> None:
    reset(browser)
    select(browser, "sort", "title")
    # Python's casefold order agrees with the page's collator on these ASCII-initial titles' first letters.
    shown = visible_keys(browser)
    titles = [
        browser.execute_script(
            f"return document.getElementById('{k}').querySelector('.title').firstChild.nodeValue.trim()"
        )
        for k in shown
    ]
    initials = [t[0].casefold() for t in titles]
    assert initials == sorted(initials)
    assert sorted(shown) == sorted(p.key for p in PAPERS)
    assert query_of(browser)["sort"] == ["title"]
    select(browser, "sort", "added")  # no paper dated yet, or some: the dated come first, newest first
    added = [browser.find_element("id", k).get_attribute("data-added") for k in visible_keys(browser)]
    dated = [a for a in added if a]
    assert added[: len(dated)] == sorted(dated, reverse=True)
    select(browser, "sort", "year")
    assert visible_keys(browser) == newest_first(PAPERS)
    assert "sort" not in query_of(browser)  # the default is left out of the URL


def test_filter_state_is_read_back_from_the_url(browser: Any) -> None:
    browser.get(PAGE.as_uri() + "?section=datasets&year=2024&sort=title")
    assert browser.find_element("id", "section").get_attribute("value") == "datasets"
    assert browser.find_element("id", "year").get_attribute("value") == "2024"
    assert browser.find_element("id", "sort").get_attribute("value") == "title"
    expected = {p.key for p in PAPERS if "datasets" in p.categories and p.year == 2024}
    assert set(visible_keys(browser)) == expected
    # links made before the filter was called "section" still work
    browser.get(PAGE.as_uri() + "?category=datasets")
    assert browser.find_element("id", "section").get_attribute("value") == "datasets"
    # an unknown value is ignored rather than hiding everything
    browser.get(PAGE.as_uri() + "?venue=no-such-venue")
    assert browser.find_element("id", "venue").get_attribute("value") == ""
    assert len(visible_keys(browser)) == LISTED


def test_permalink_resets_filters_and_highlights_the_paper(browser: Any) -> None:
    reset(browser)
    target = "hou2025language"
    link = browser.find_element("css selector", f"#{target} a.permalink")
    assert link.is_displayed() and link.get_attribute("href").endswith(f"#{target}")
    title = next(p.title for p in PAPERS if p.key == target)
    assert link.get_attribute("aria-label") == f"Permalink to {title}"
    select(browser, "venue", "arXiv")  # hides the target
    assert target not in visible_keys(browser)
    browser.execute_script("window.location.hash = arguments[0]", target)  # as following a shared link
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 5).until(lambda d: target in visible_keys(d))
    assert browser.find_element("id", "venue").get_attribute("value") == ""
    assert "highlight" in browser.find_element("id", target).get_attribute("class")
    assert browser.execute_script("return document.activeElement.id") == target
    top = browser.execute_script(f"return document.getElementById('{target}').getBoundingClientRect().top")
    assert -2 < top < 100  # scrolled to
    # loading the page with a query AND a hash: the hash wins
    browser.get(PAGE.as_uri() + f"?venue=arXiv#{target}")
    assert target in visible_keys(browser)
    assert len(visible_keys(browser)) == LISTED


def test_copy_button_delivers_the_bibtex(browser: Any) -> None:
    reset(browser)
    button = browser.find_element("css selector", "#hou2025language button.copy")
    button.send_keys("")  # reachable by keyboard: focusable
    button.click()
    copied = browser.find_element("id", "copy-output").get_attribute("value")
    assert copied.startswith("@inproceedings{hou2025language,")
    assert "doi = {10.18653/v1/2025.naacl-long.611}" in copied
    assert copied.rstrip().endswith("}")
