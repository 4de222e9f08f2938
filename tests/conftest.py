"""Shared test setup: this folder on sys.path, so tests in sub-folders can import notes_example;
and ``browser``, a headless Chromium for the page tests."""

import shutil

import pytest


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by selenium, one per test module."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--window-size=1280,1000"]:
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"),
                              options=options)
    yield driver
    driver.quit()
