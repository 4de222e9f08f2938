"""The training page: graphs packed as templates come back exact, the page is self-contained, and in
headless Chromium the timeline scrubs, Play plays, and a click on a point shows its graph."""

import json
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import nn
from autograd.views import draw
from demos import digits_page, moons, training_page
from demos.gradient_health import forward_with_captions


def _point_sources(model, inputs, labels):
    sources = {}
    for k, (x, y) in enumerate(zip(inputs, labels)):
        model.zero_grad()
        outputs, captions = forward_with_captions(model, x)   # as the page does
        loss = nn.hinge([outputs[0]], [y])
        loss.backward()
        sources[str(k)] = draw.dot_source(loss, view="neurons", title=f"point {k}",
                                          captions=captions)
    return sources


def _texts(svg):
    """Every text run of an SVG, in order (what a reader sees)."""
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_each_point_s_graph_comes_back_with_its_own_numbers():
    model = nn.MLP(2, [3, 1], seed=0)
    inputs = [[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8], [2.0, 2.0]]
    labels = [1, -1, 1, -1]
    sources = _point_sources(model, inputs, labels)
    graphs = training_page.graph_set(sources)
    alone = training_page._render_many(list(sources.values()))
    shown = [training_page.filled(graphs, key) for key in sources]
    for key, own, page in zip(sources, alone, shown):
        assert _texts(page) == _texts(own), key       # every number is this point's own
        assert f"point {key}" in _texts(page)
    assert len({tuple(_texts(svg)) for svg in shown}) == len(inputs)
    # Compact: fewer templates than points, and less than the drawings themselves.
    assert len(graphs.templates) < len(inputs)
    assert len(json.dumps(graphs._asdict())) < 0.8 * sum(len(svg) for svg in alone)
    assert training_page.filled(graphs, "no such point") is None


def test_line_chart_places_its_cursor_by_x():
    chart = training_page.line_chart([("loss", "#000", [1.0, 0.5, 0.25])], [0, 5, 10],
                                     title="Loss", y_label="step", log=True)
    assert chart.cursor_id == "cursor-loss"
    assert chart.x_of(0) < chart.x_of(5) < chart.x_of(10)
    assert chart.x_of(5) == pytest.approx((chart.x_of(0) + chart.x_of(10)) / 2)
    assert 'id="cursor-loss"' in chart.svg and "<polyline" in chart.svg


def test_a_page_needs_frames(tmp_path):
    with pytest.raises(ValueError, match="at least one frame"):
        training_page.write_page(tmp_path / "x.html", title="t", intro="i", charts=[],
                                 panels_html="", frames=[])
    assert list(tmp_path.iterdir()) == []


# --- the moons page ----------------------------------------------------------------------

GRAPH_POINTS = [0, 1, 2, 3, 4, 5]


@pytest.fixture(scope="module")
def moons_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "moons.html"
    written, result = moons.write_html(str(path), max_steps=6, every=3, graph_points=GRAPH_POINTS,
                                       progress=False)
    return path, result


def test_the_moons_page_is_self_contained(moons_page):
    path, _ = moons_page
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", text)
    assert not re.search(r"<link\b", text)
    assert "@import" not in text
    assert not re.search(r'(src|href)="https?:', text)
    # pictures are inline PNGs
    assert text.count("data:image/png;base64,") > 10
    # the frames' data cannot end the script early
    data = text[text.index('id="page-data">'):]
    payload = data[len('id="page-data">'):data.index("</script>")]
    assert "<" not in payload            # written as \u003c: no "</script>" or "<!--" inside
    frames = json.loads(payload)["frames"]
    assert [frame["label"].split(":")[0] for frame in frames] == ["step 0", "step 3", "step 6"]


def label(driver):
    return driver.find_element(By.ID, "frame-label").text


def test_scrubbing_the_timeline(browser, moons_page):
    path, _ = moons_page
    browser.get(path.as_uri())
    assert label(browser).startswith("frame 3 of 3 — step 6:")
    image = browser.find_element(By.ID, "tp-boundary-image")
    cursor = browser.find_element(By.ID, "cursor-loss-hinge-l2")
    last_picture, last_x = image.get_attribute("href"), float(cursor.get_attribute("x1"))
    slider = browser.find_element(By.ID, "timeline")
    slider.send_keys(Keys.ARROW_LEFT)                  # the range input moves back one frame
    assert label(browser).startswith("frame 2 of 3 — step 3:")
    slider.send_keys(Keys.HOME)
    assert label(browser).startswith("frame 1 of 3 — step 0:")
    assert image.get_attribute("href") != last_picture
    assert float(cursor.get_attribute("x1")) < last_x
    # the misclassified points are ringed, frame by frame
    wrong_at_start = len(browser.find_elements(By.CSS_SELECTOR, "circle.point.wrong"))
    assert wrong_at_start > 0
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert label(browser).startswith("frame 2 of 3")


def test_play_runs_to_the_end_and_pause_stops(browser, moons_page):
    path, _ = moons_page
    browser.get(path.as_uri())
    play = browser.find_element(By.ID, "play")
    play.click()                                       # from the last frame, Play starts over
    assert play.get_attribute("aria-pressed") == "true" and "Pause" in play.text
    seen = set()
    deadline = time.time() + 10
    while time.time() < deadline and play.get_attribute("aria-pressed") == "true":
        seen.add(label(browser).split(" — ")[0])
        time.sleep(0.1)
    assert play.get_attribute("aria-pressed") == "false" and "Play" in play.text
    assert {"frame 1 of 3", "frame 2 of 3", "frame 3 of 3"} <= seen
    assert label(browser).startswith("frame 3 of 3")
    play.click()
    play.click()                                       # pause at once
    assert play.get_attribute("aria-pressed") == "false"
    stopped_at = label(browser)
    time.sleep(1.0)
    assert label(browser) == stopped_at


def test_clicking_a_point_shows_its_graph_at_that_frame(browser, moons_page):
    path, result = moons_page
    browser.get(path.as_uri())
    graph = browser.find_element(By.ID, "graph")
    assert graph.text == ""
    browser.find_element(By.ID, "tp-point-2").click()
    caption = browser.find_element(By.ID, "graph-caption").text
    assert caption.startswith("point 2 (") and "at step 6" in caption
    svg = graph.find_element(By.TAG_NAME, "svg")
    text = svg.get_attribute("textContent")
    assert "point 2, label" in text and "at step 6: hinge loss" in text
    assert "a[1]_1" in text and "layer 2 (hidden, relu, 16 neurons)" in text
    assert "selected" in browser.find_element(By.ID, "tp-point-2").get_attribute("class")
    # scrubbing keeps the point and redraws its graph for the new frame
    browser.find_element(By.ID, "timeline").send_keys(Keys.HOME)
    text = graph.find_element(By.TAG_NAME, "svg").get_attribute("textContent")
    assert "at step 0: hinge loss" in text
    assert "selected" in browser.find_element(By.ID, "tp-point-2").get_attribute("class")
    # a point whose graphs were not kept says so
    browser.find_element(By.ID, "tp-point-40").click()
    assert browser.find_element(By.ID, "graph-caption").text.endswith("no graph recorded at this frame")


def test_the_page_marks_dead_relus(moons_page):
    path, _ = moons_page
    text = path.read_text(encoding="utf-8")
    payload = json.loads(text[text.index('id="page-data">') + len('id="page-data">'):
                              text.index("</script>", text.index('id="page-data">'))])
    flags = {value for frame in payload["frames"] for element, attribute, value in frame["settings"]
             if element.startswith("tp-unit-flag-")}
    assert flags <= {"", "dead", "saturated"}
    assert any("dead ReLU" in frame["label"] for frame in payload["frames"])


# --- the digits page -----------------------------------------------------------------------

def test_the_digits_page_in_the_browser(browser, tmp_path):
    path = tmp_path / "digits.html"
    digits_page.write_html(str(path), epochs=2, train_limit=96, progress=False, log=None)
    browser.get(path.as_uri())
    assert label(browser).startswith("frame 2 of 2 — epoch 2:")
    counts = [int(cell.text or 0) for cell in browser.find_elements(By.CSS_SELECTOR, "table.confusion td")]
    assert len(counts) == 100 and sum(counts) == 450
    first = browser.find_element(By.ID, "tp-worst-0")
    key = first.get_attribute("data-point")
    first.click()
    svg_text = browser.find_element(By.CSS_SELECTOR, "#graph svg").get_attribute("textContent")
    assert f"held-out image {key}" in svg_text and "at epoch 2; cross-entropy" in svg_text
    assert "layer 1 (hidden, relu, 32 neurons)" in svg_text
