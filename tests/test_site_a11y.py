"""The page for everyone: axe-core finds no serious or critical violation in light and dark mode,
the keyboard alone reaches and works every control, and without JavaScript every paper is listed.

axe-core is vendored in tests/vendor/axe-core (see its README) and injected here; the page
itself never loads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.record import papers_of

from .sitedriver import PAGE, ROOT, chromium, emulate_color_scheme, visible_keys

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
LISTED = len(papers_of(BibFile.load(ROOT / "references.bib")))
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile"), window="1280,900") as driver:
        yield driver


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(120)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical', help: String(e)}]));"
    )
    return list(result)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(browser: Any, scheme: str) -> None:
    browser.get(PAGE.as_uri())
    emulate_color_scheme(browser, scheme)
    assert browser.execute_script(f"return matchMedia('(prefers-color-scheme: {scheme})').matches")
    # the scheme really changes the colours, so both runs check different contrasts
    background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(13, 17, 23)")
    violations = axe_violations(browser)
    grave = [v for v in violations if v.get("impact") in ("serious", "critical")]
    summary = [
        {
            "id": v["id"],
            "impact": v.get("impact"),
            "help": v.get("help"),
            "nodes": [n.get("html") for n in v.get("nodes", [])[:3]],
        }
        for v in grave
    ]
    print(f"axe ({scheme}): {len(violations)} violations, {len(grave)} serious or critical")
    assert grave == [], json.dumps(summary, indent=2)


def test_keyboard_alone_reaches_filters_sort_and_copy(browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(PAGE.as_uri())
    emulate_color_scheme(browser, "light")
    browser.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")

    def tab() -> str:
        ActionChains(browser).send_keys(Keys.TAB).perform()
        return str(
            browser.execute_script(
                "const el = document.activeElement;"
                "return el.id || el.getAttribute('aria-label') || el.className || el.tagName"
            )
        )

    order = [tab() for _ in range(6)]
    assert order == ["skip", "q", "section", "year", "venue", "sort"]  # the skip link, then the controls
    # visible focus: the focused control has an outline
    outline = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    # on through the first paper's links to its Copy button
    first = visible_keys(browser)[0]
    for _ in range(20):
        if tab() == f"Copy BibTeX of {first}":
            break
    else:
        pytest.fail("no Copy button reached by Tab")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    copied = browser.find_element("id", "copy-output").get_attribute("value")
    raw = next(p.raw for p in papers_of(BibFile.load(ROOT / "references.bib")) if p.key == first)
    assert copied == raw.replace("\r\n", "\n").strip("\n")
    assert browser.execute_script("return document.activeElement.getAttribute('aria-label')") == (
        f"Copy BibTeX of {first}"
    )  # focus stays on the button after copying
    assert (
        browser.find_element("id", "copy-status")
        .get_attribute("textContent")
        .startswith(("BibTeX of", "Copy refused"))
    )


def test_without_javascript_every_paper_is_listed_and_readable(tmp_path: Path) -> None:
    with chromium(tmp_path / "profile", javascript=False) as driver:
        driver.get(PAGE.as_uri() + "?venue=arXiv&q=no-such-paper")  # ignored without the script
        assert driver.execute_script("return 1") == 1  # selenium's own scripts still run
        assert driver.execute_script("return document.documentElement.className") == "no-js"
        assert len(visible_keys(driver)) == LISTED
        for control in ("filters",):
            assert not driver.find_element("id", control).is_displayed()
        assert not any(b.is_displayed() for b in driver.find_elements("css selector", "button.copy"))
        assert driver.find_element("css selector", "noscript") is not None
        first = driver.find_element("css selector", "#papers > li")
        assert first.find_element("css selector", ".title").is_displayed()
        assert first.find_element("css selector", "a.permalink").is_displayed()
        first.find_element("css selector", "summary").click()  # the BibTeX opens without a script
        assert first.find_element("css selector", "pre.bibtex").text.startswith("@")
