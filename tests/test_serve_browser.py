"""End to end in headless Chromium (Debian's chromium + chromium-driver, driven by Selenium): the page on
the sample store draws points, a filter narrows them, an event opens with its evidence highlighted.

Skipped when chromium or chromedriver is absent — except under CI=true, where that is a failure: CI
installs both (.ci/run). The screenshot goes to pytest's tmp dir, and to $EVENTWIRE_SCREENSHOTS if set.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.model]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        reason = (f"{' and '.join(missing)} missing: apt-get install chromium chromium-driver "
                  "(.ci/run does this in CI)")
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def server(sample_store: Path) -> Iterator[str]:
    from eventwire.serve.server import make

    httpd, app = make(sample_store, host="127.0.0.1", port=0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()
    app.close()


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1400,900", "--disable-extensions"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(60)
    yield browser
    browser.quit()


def test_page_map_filter_event_and_evidence(server: str, driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(driver, 30)
    driver.get(server)
    wait.until(lambda d: d.execute_script("return document.body.dataset.points"))
    every = int(driver.execute_script("return document.body.dataset.points"))
    marks = int(driver.execute_script("return document.body.dataset.marks"))
    assert every > 50 and 0 < marks <= every
    # The canvas really has coloured pixels where points are, beyond the land and sea colours.
    painted = driver.execute_script("""
        const c = document.getElementById('map'), x = c.getContext('2d');
        const d = x.getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] > 150 && d[i + 1] < 90 && d[i + 2] < 110) n++;
        return n;""")
    assert painted > 20
    assert not driver.get_log("browser") or all(e["level"] != "SEVERE" for e in driver.get_log("browser"))

    # Size by fatalities: a redraw, not a query; the legend says so and the URL keeps it.
    Select(driver.find_element(By.ID, "f-size")).select_by_value("fatalities")
    wait.until(lambda d: "size=fatalities" in d.current_url)
    assert "fatalities" in driver.find_element(By.ID, "legend").text
    assert int(driver.execute_script("return document.body.dataset.marks")) == marks

    # A filter: Syria only. The map and the list follow, and the URL keeps it.
    Select(driver.find_element(By.ID, "f-country")).select_by_value("SY")
    driver.find_element(By.ID, "f-apply").click()
    wait.until(lambda d: "country=SY" in d.current_url
               and int(d.execute_script("return document.body.dataset.points")) < every)
    syria = int(driver.execute_script("return document.body.dataset.points"))
    assert 0 < syria < every
    wait.until(lambda d: "country=SY" in (d.execute_script("return document.body.dataset.list") or ""))
    assert driver.find_element(By.ID, "list-head").text.startswith(f"{syria} happenings")

    # Open the first battle in the list: its sources' text shows with the evidence marked.
    Select(driver.find_element(By.ID, "f-type")).select_by_value("Battles")
    driver.find_element(By.ID, "f-apply").click()
    wait.until(lambda d: "type=Battles" in (d.execute_script("return document.body.dataset.list") or ""))
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#list li"))).click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#detail .text mark.ev-trigger"))
    trigger = driver.find_element(By.CSS_SELECTOR, "#detail .text mark.ev-trigger")
    assert trigger.is_displayed() and trigger.text.strip()
    assert driver.find_elements(By.CSS_SELECTOR, "#detail .text mark.ev-actor, #detail .text mark.ev-place")
    assert "Battles" in driver.find_element(By.ID, "detail").text
    assert "event=" in driver.current_url

    # The shared URL restores the view: a fresh load shows the same filtered points and the event.
    url = driver.current_url
    driver.get("about:blank")
    driver.get(url)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#detail .text mark.ev-trigger"))
    assert Select(driver.find_element(By.ID, "f-country")).first_selected_option.get_attribute("value") == "SY"
    assert Select(driver.find_element(By.ID, "f-size")).first_selected_option.get_attribute("value") == "fatalities"

    shot = tmp_path / "serve.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("EVENTWIRE_SCREENSHOTS"):
        folder = Path(os.environ["EVENTWIRE_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, folder / "serve.png")


def test_article_text_is_escaped_in_the_page(server: str, driver: Any) -> None:
    """Markup in data stays text: the page never parses what the API returns as HTML."""
    driver.get(server)
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.body.dataset.points"))
    found = driver.execute_script("""
        const box = highlighted('<img src=x onerror="window.__pwned=1"><b>bold</b>',
                                [{kind: 'trigger', start: 0, end: 10, label: '<i>x</i>'}]);
        document.body.append(box);
        return [box.querySelectorAll('img, b').length, box.textContent, window.__pwned === undefined];""")
    assert found[0] == 0 and "<img" in found[1] and found[2]
