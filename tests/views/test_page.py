"""The animated page: self-contained, in step with the stepper, and driven in a real headless browser."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from autograd import Value
from autograd.views import draw
from autograd.views import page as animate
from autograd.views.stepper import Stepper
from notes_example import notes_graph

# J = 3(a + b·c): topological order 3 (n0), a, b, c, u (n4), v (n5), J (n6); the
# constant 3 is written into J's expression, so 6 forward pictures, the start of
# the backward pass, 5 edges, and "done".
FORWARD, EDGES = 6, 5
TOTAL = FORWARD + 1 + EDGES + 1



@pytest.fixture(scope="module")
def page(tmp_path_factory):
    J, _ = notes_graph()
    return animate.write_html(J, tmp_path_factory.mktemp("page") / "J.html")


def current(driver):
    """What the page shows now: counter, phase, sentence, and the frame's element."""
    frame = driver.find_element(By.CSS_SELECTOR, "section.frame.current")
    return {
        "counter": driver.find_element(By.ID, "counter").text,
        "phase": driver.find_element(By.ID, "phase").text,
        "sentence": driver.find_element(By.ID, "sentence").text,
        "frame": frame,
    }


def press(driver, key):
    driver.find_element(By.TAG_NAME, "body").send_keys(key)


def click(driver, button, times=1):
    for _ in range(times):
        driver.find_element(By.ID, button).click()


# --- the file ---------------------------------------------------------------------

@pytest.mark.parametrize("backward_calls", [0, 1, 3])
def test_write_html_shows_one_pass_from_zero_and_changes_no_grad(tmp_path, backward_calls):
    J, (a, b, c, _, _) = notes_graph()
    for _ in range(backward_calls):
        J.backward()
    written = animate.write_html(J, tmp_path / "J.html")
    assert written == tmp_path / "J.html" and written.exists()
    assert (a.grad, b.grad, c.grad) == (3.0 * backward_calls, 6.0 * backward_calls,
                                        9.0 * backward_calls)
    assert [p.name for p in tmp_path.iterdir()] == ["J.html"]
    text = written.read_text(encoding="utf-8")
    assert "a.grad = 3, b.grad = 6, c.grad = 9" in text
    assert "a.grad = 6" not in text and "b.grad = 12" not in text


def test_the_page_is_self_contained(page):
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", text)
    assert not re.search(r"<link\b", text)
    assert not re.search(r"<img\b", text)
    assert "@import" not in text and "url(" not in text
    # The only URLs are the SVG and XLink namespace names, which are never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>]*", text)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert set(re.findall(r'(\w+)="https?://', text)) <= {"xmlns", "xlink"}


def test_every_picture_has_the_same_size_so_nothing_jumps(page):
    text = page.read_text(encoding="utf-8")
    boxes = re.findall(r'viewBox="([^"]*)"', text)
    assert len(boxes) == TOTAL
    assert len(set(boxes)) == 1


def test_the_backward_frames_are_the_stepper_s_steps(page):
    text = page.read_text(encoding="utf-8")
    J, _ = notes_graph()
    sentences = Stepper(J).sentences()
    frames = re.findall(r'<section class="frame[^"]*" id="frame-\d+" data-index="\d+" '
                        r'data-phase="backward" data-sentence="([^"]*)"', text)
    unescape = lambda s: s.replace("&quot;", '"').replace("&lt;", "<").replace(
        "&gt;", ">").replace("&#x27;", "'").replace("&amp;", "&")
    assert [unescape(s) for s in frames] == sentences


def test_too_big_a_graph_is_refused_with_a_way_out(tmp_path):
    x = Value(1.0, "x")
    for _ in range(45):
        x = x * 1.5          # 46 nodes drawn (the constants are written into the products)
    with pytest.raises(draw.GraphTooLargeError) as caught:
        animate.write_html(x, tmp_path / "big.html")
    assert "46 nodes" in str(caught.value) and "smaller graph" in str(caught.value)
    assert not (tmp_path / "big.html").exists()


def test_too_many_edges_are_refused_at_once(tmp_path):
    from autograd import sum_values
    x = Value(1.0, "x")
    y = sum_values([x] * 500).named("y")      # two nodes, 500 edges: 500 pictures
    with pytest.raises(draw.GraphTooLargeError) as caught:
        animate.write_html(y, tmp_path / "wide.html")
    assert "500 edges" in str(caught.value)
    assert not (tmp_path / "wide.html").exists()


def test_awkward_labels_cannot_break_the_page(tmp_path):
    x = Value(2.0, '</script><b>"x" & y</b>')
    y = (x * x).named("y")
    text = animate.write_html(y, tmp_path / "y.html").read_text(encoding="utf-8")
    assert "</script><b>" not in text
    assert text.count("</script>") == 1       # only the page's own script ends


# --- in the browser -------------------------------------------------------------------------

def test_stepping_through_the_forward_pass(browser, page):
    browser.get(page.as_uri())
    shown = current(browser)
    assert shown["counter"] == f"step 1 of {TOTAL}"
    assert shown["phase"] == f"forward pass: node 1 of {FORWARD}"
    assert shown["sentence"] == "a = 5: an input, given"
    assert browser.find_element(By.ID, "prev").get_attribute("disabled") == "true"
    click(browser, "next", 3)
    shown = current(browser)
    assert shown["counter"] == f"step 4 of {TOTAL}"
    assert shown["sentence"].startswith("u = b·c = 3·2 = 6")
    assert "∂u/∂b = 2, ∂u/∂c = 3" in shown["sentence"]
    values = browser.find_element(By.ID, "values").text
    assert "u = 6" in values and "v =" not in values


def test_stepping_through_the_backward_pass_with_buttons_and_keys(browser, page):
    browser.get(page.as_uri())
    click(browser, "next", FORWARD)                 # past the forward pass
    shown = current(browser)
    assert shown["frame"].get_attribute("data-phase") == "start"
    assert "dJ/dJ = 1" in shown["sentence"]

    press(browser, Keys.ARROW_RIGHT)                # backward step 1: J's edge from v
    shown = current(browser)
    assert shown["counter"] == f"step {FORWARD + 2} of {TOTAL}"
    assert shown["phase"] == f"backward pass: edge 1 of {EDGES}"
    assert shown["frame"].get_attribute("data-edge") == "n5->n6"
    assert shown["sentence"] == ("dJ/dv += dJ/dJ · ∂J/∂v = 1 × 3 = 3  ->  v.grad = 3  (the · gate "
                                 "swaps: v gets the other input, 3, times the upstream gradient)")

    press(browser, Keys.ARROW_RIGHT)
    click(browser, "next", 1)                       # backward step 3: u -> v
    shown = current(browser)
    frame = shown["frame"]
    assert shown["phase"] == f"backward pass: edge 3 of {EDGES}"
    assert frame.get_attribute("data-edge") == "n4->n5"
    assert (frame.get_attribute("data-parent"), frame.get_attribute("data-child")) == ("u", "v")
    assert shown["sentence"] == ("dJ/du += dJ/dv · ∂v/∂u = 3 × 1 = 3  ->  u.grad = 3  (the + gate "
                                 "distributes: each input gets the upstream gradient unchanged)")
    # In the picture: that edge and its two ends, and nothing else, are highlighted.
    edge = frame.find_element(By.CSS_SELECTOR, "g.edge.highlight")
    assert edge.get_attribute("textContent").strip().startswith("n4:e->n5_op:w")
    ends = {g.find_element(By.TAG_NAME, "title").get_attribute("textContent")
            for g in frame.find_elements(By.CSS_SELECTOR, "g.node.highlight")}
    assert ends == {"n4", "n5"}
    assert len(frame.find_elements(By.CSS_SELECTOR, "g.edge.highlight")) == 1
    # The gradients so far: u has just received 3, b and c nothing yet.
    changed = browser.find_element(By.CSS_SELECTOR, "#values li.changed")
    assert changed.text == "u.grad = 3"
    values = browser.find_element(By.ID, "values").text
    assert "a.grad = 3" in values and "b.grad: not computed yet" in values
    svg_text = frame.find_element(By.TAG_NAME, "svg").get_attribute("textContent")
    assert "grad 3" in svg_text and "adds 3 × 1 = 3" in svg_text

    press(browser, Keys.ARROW_LEFT)                 # back to step 2: v -> a
    shown = current(browser)
    assert shown["frame"].get_attribute("data-edge") == "n1->n5"
    assert shown["sentence"].startswith("dJ/da += dJ/dv · ∂v/∂a = 3 × 1 = 3  ->  a.grad = 3  "
                                        "(the + gate distributes")


def test_the_end_and_the_play_button(browser, page):
    browser.get(page.as_uri())
    click(browser, "next", TOTAL + 3)               # extra presses stay at the end
    shown = current(browser)
    assert shown["counter"] == f"step {TOTAL} of {TOTAL}"
    assert shown["frame"].get_attribute("data-phase") == "done"
    assert "a.grad = 3, b.grad = 6, c.grad = 9" in shown["sentence"]
    assert browser.find_element(By.ID, "next").get_attribute("disabled") == "true"
    play = browser.find_element(By.ID, "play")
    width = play.size["width"]
    play.click()                                    # from the end, Play starts over
    assert play.get_attribute("aria-pressed") == "true" and "Pause" in play.text
    assert play.size["width"] == width              # the button keeps its width
    play.click()
    assert play.get_attribute("aria-pressed") == "false" and "Play" in play.text


# --- predict, then reveal ------------------------------------------------------------

@pytest.fixture(scope="module")
def quiz_page(tmp_path_factory):
    J, _ = notes_graph()
    return animate.write_html(J, tmp_path_factory.mktemp("quiz") / "J-quiz.html", quiz=True)


def answer(driver, local, grad):
    driver.find_element(By.ID, "answer-local").send_keys(local)
    driver.find_element(By.ID, "answer-grad").send_keys(grad + Keys.ENTER)   # Enter checks
    return [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#verdicts li")]


def test_a_page_without_quiz_has_no_answer_boxes(page):
    text = page.read_text(encoding="utf-8")
    assert 'id="answer-local"' not in text and "data-quiz" not in text


def test_the_quiz_page_embeds_the_record_s_answers(quiz_page):
    text = quiz_page.read_text(encoding="utf-8")
    assert text.count("data-quiz=") == EDGES
    assert "eval(" not in text and "Function(" not in text       # answers are parsed, not run


def test_a_learner_answers_the_quiz_on_the_page(browser, quiz_page):
    browser.get(quiz_page.as_uri())
    assert browser.find_element(By.ID, "quiz").get_attribute("hidden") == "true"   # forward pass
    click(browser, "next", FORWARD + 1)                # the first backward step
    shown = current(browser)
    assert shown["counter"] == f"step {FORWARD + 2} of {TOTAL}"
    # Before the answers: no sentence, the picture of the step before, arrows' derivatives hidden.
    assert shown["sentence"] == "Predict, then check: step 1 of 5: the edge from v into J = 3·v"
    visible = [f for f in browser.find_elements(By.CSS_SELECTOR, "section.frame")
               if f.is_displayed()]
    assert len(visible) == 1 and visible[0].get_attribute("data-phase") == "start"
    assert "quiz-pending" in visible[0].get_attribute("class")
    assert browser.find_element(By.ID, "quiz-label-local").text == "∂J/∂v = ?"
    assert browser.find_element(By.ID, "quiz-label-grad").text == "v.grad after this step = ?"

    assert answer(browser, "3", "1*3") == ["right: ∂J/∂v = 3", "right: v.grad = 3"]
    assert current(browser)["sentence"].startswith("dJ/dv += dJ/dJ · ∂J/∂v = 1 × 3 = 3")
    visible = [f for f in browser.find_elements(By.CSS_SELECTOR, "section.frame")
               if f.is_displayed()]
    assert [f.get_attribute("data-step") for f in visible] == ["1"]
    assert browser.find_element(By.ID, "score").text == "score: 2 of 2 right"

    click(browser, "next")                             # step 2: a forgets the upstream gradient
    assert answer(browser, "1", "1") == [
        "right: ∂v/∂a = 1", "wrong: a.grad = 3, not 1",
        "mistake: forgot to multiply by the upstream gradient, 3: a.grad += upstream gradient "
        "× local derivative (step 2 shows the rule)"]
    click(browser, "next")
    assert answer(browser, "oops", "3") == [
        "cannot read o: type a number or arithmetic such as 2*3"]     # nothing counted
    assert browser.find_element(By.ID, "score").text == "score: 3 of 4 right; missed: + at step 2"
    browser.find_element(By.ID, "answer-local").clear()
    assert answer(browser, "1", "") == ["right: ∂v/∂u = 1", "right: u.grad = 3"]
    click(browser, "next")                             # step 4: b·c's own value
    assert answer(browser, "3", "9") == [
        "wrong: ∂u/∂b = 2, not 3",
        "mistake: for a product you used the input's own value; the · gate swaps: ∂u/∂b is the "
        "other input, c = 2 (step 4 shows the rule)",
        "wrong: b.grad = 6, not 9",
        "mistake: for a product you used the input's own value; the · gate swaps: ∂u/∂b is the "
        "other input, 2 (step 4 shows the rule)"]
    assert browser.find_element(By.ID, "score").text == (
        "score: 5 of 8 right; missed: + at step 2; · at step 4")
    click(browser, "prev")                             # an answered step stays answered
    assert browser.find_element(By.ID, "check").get_attribute("disabled") == "true"
    assert current(browser)["sentence"].startswith("dJ/du += dJ/dv · ∂v/∂u")
