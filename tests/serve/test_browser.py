"""The desk page in headless Chromium: paste the reference article, translate to Italian,
see the translation and a highlighted glossary term. A screenshot is saved in tmp_path."""

from __future__ import annotations

import shutil

import pytest

from support import article

webdriver = pytest.importorskip("selenium.webdriver",
                                reason="selenium (test extra) is not installed")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def browser(tmp_path):
    import os

    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        pytest.skip("chromium and chromium-driver are not installed (see .ci/run)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
                f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def test_paste_translate_highlight(browser, live, base_translator, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    text = article("en")
    browser.get(live.url + "/")
    wait = WebDriverWait(browser, 120)
    wait.until(lambda d: len(Select(d.find_element(By.ID, "target")).options) == 3)
    source = Select(browser.find_element(By.ID, "source"))
    assert source.first_selected_option.get_attribute("value") == "auto"
    Select(browser.find_element(By.ID, "target")).select_by_value("it")
    assert Select(browser.find_element(By.ID, "glossary")
                  ).first_selected_option.get_attribute("value") == "news"
    box = browser.find_element(By.ID, "q")
    # paste: set the value as a paste would, then fire the input event
    browser.execute_script("arguments[0].value = arguments[1];"
                           "arguments[0].dispatchEvent(new Event('input'));", box, text)
    box.send_keys(Keys.CONTROL, Keys.ENTER)  # the keyboard shortcut, not a click
    wait.until(ec.text_to_be_present_in_element((By.ID, "status"), "Done."))
    output = browser.find_element(By.ID, "output")
    expected = base_translator.translate_article(text, "en", "it").text
    assert output.text.strip() == expected.strip()
    assert "detected: en" in browser.find_element(By.ID, "detected").text
    marks = output.find_elements(By.CSS_SELECTOR, "mark.term.found")
    assert marks, "no glossary term highlighted"
    assert any(m.text in ("Santa Sede", "genocidio di Khojaly", "Khojaly") for m in marks)
    terms = browser.find_element(By.ID, "terms").text
    assert "Santa Sede" in terms or "genocidio di Khojaly" in terms
    assert browser.find_element(By.ID, "copy").is_enabled()
    shot = tmp_path / "serve-page.png"
    browser.set_window_size(1400, 1400)
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def test_key_field_and_no_stale_results(browser, make_server, tmp_path):
    """A server that requires keys: the page shows the key field, a translation without
    a key shows the server's error, with one it works; swapping languages and uploading
    a file clear the old translation (and a text translation clears an old file link)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from translate.serve.keys import KeyStore

    db = tmp_path / "keys.sqlite"
    key, _ = KeyStore(db).add("desk")
    srv = make_server(require_api_key=True, keys_db=str(db))
    browser.get(srv.url + "/")
    wait = WebDriverWait(browser, 120)
    wait.until(lambda d: len(Select(d.find_element(By.ID, "target")).options) == 3)
    field = browser.find_element(By.ID, "api_key")
    assert field.is_displayed() and field.get_attribute("type") == "password"
    assert browser.find_element(By.ID, "key-required").is_displayed()
    Select(browser.find_element(By.ID, "source")).select_by_value("en")
    Select(browser.find_element(By.ID, "target")).select_by_value("it")
    box = browser.find_element(By.ID, "q")
    box.send_keys("The minister spoke in Rome.")
    browser.find_element(By.ID, "translate").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "status"), "API key"))
    assert "error" in browser.find_element(By.ID, "status").get_attribute("class")
    assert browser.find_element(By.ID, "output").text == ""
    field.send_keys(key)
    browser.find_element(By.ID, "translate").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "status"), "Done."))
    output = browser.find_element(By.ID, "output")
    translated = output.text
    assert translated.strip() and translated != "The minister spoke in Rome."
    # swap: the translation becomes the source, the old output is gone
    browser.find_element(By.ID, "swap").click()
    assert box.get_attribute("value") == translated
    assert output.text == "" and not browser.find_element(By.ID, "copy").is_enabled()
    assert Select(browser.find_element(By.ID, "source")
                  ).first_selected_option.get_attribute("value") == "it"
    # translate again, then a file: the text result is cleared, the file link shown
    browser.find_element(By.ID, "translate").click()
    wait.until(lambda d: d.find_element(By.ID, "output").text.strip())
    story = tmp_path / "story.txt"
    story.write_text("Il ministro ha parlato.", encoding="utf-8")
    browser.find_element(By.ID, "file").send_keys(str(story))
    assert output.text == ""  # a new file chosen: the old result is gone at once
    browser.find_element(By.ID, "translate").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "status"), "translated file is ready"))
    link = browser.find_element(By.ID, "file-link")
    assert link.is_displayed() and "story.txt" in link.text
    assert output.text == "" and browser.find_element(By.ID, "terms").text == ""
