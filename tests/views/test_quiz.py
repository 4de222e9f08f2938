"""The quiz: answers read safely, checked within the stated tolerance, wrong ones matched to the known mistakes."""

import io
import subprocess
import sys

import pytest

from autograd import Value, maximum, record
from autograd.views import cli
from autograd.views.quiz import AnswerError, Quiz, is_close, parse_answer, play
from autograd.views.stepper import Stepper
from notes_example import notes_graph
from test_repl import REPO


# --- reading and checking answers -----------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("6", 6.0), ("2*3", 6.0), (" -1/4 ", -0.25), ("2**-1", 0.5), ("(1 + 2) * 3", 9.0),
    ("1e-3", 0.001), ("exp(0)", 1.0), (7, 7.0), (0.5, 0.5), ("-inf", float("-inf")),
])
def test_answers_are_numbers_or_short_arithmetic(text, value):
    assert parse_answer(text) == value


@pytest.mark.parametrize("text, message", [
    ("a", "has the name a"),
    ("__import__('os').system('echo hacked')", "cannot read"),
    ("2 // 3", "cannot read"),
    ("1/0", "cannot work out '1/0'"),
    ("", "cannot read ''"),
    (None, "an answer is a number or a str"),
])
def test_anything_else_is_refused_without_eval(text, message):
    with pytest.raises(AnswerError) as caught:
        parse_answer(text)
    assert message in str(caught.value)


def test_the_tolerance_is_a_thousandth_or_a_tenth_of_a_percent():
    assert is_close(0.3333, 1 / 3) and not is_close(0.332, 1 / 3)
    assert is_close(2.001, 2.0) and not is_close(2.0021, 2.0)        # 0.1% of 2 is 0.002
    assert is_close(1000.9, 1000.0) and not is_close(1001.1, 1000.0)
    assert is_close(0.0009, 0.0) and not is_close(0.0011, 0.0)
    assert is_close(float("nan"), float("nan")) and not is_close(1.0, float("nan"))


# --- the questions come from the record ----------------------------------------------------

def test_two_questions_per_step_with_the_record_s_answers():
    J, _ = notes_graph()
    quiz = Quiz(J)
    rec = record(J)
    assert len(quiz.questions) == 2 * rec.n_steps == 10
    assert [(q.step, q.prompt, q.right) for q in quiz.questions[:4]] == [
        (1, "∂J/∂v = ?", 3.0), (1, "v.grad after this step = ?", 3.0),
        (2, "∂v/∂a = ?", 1.0), (2, "a.grad after this step = ?", 3.0)]
    for question, update in zip(quiz.questions[1::2], rec.steps):
        assert question.right == update.grad_after
    assert quiz.heading() == "step 1 of 5: the edge from v into J = 3·v"


def test_a_whole_quiz_with_right_and_wrong_answers():
    J, _ = notes_graph()
    quiz = Quiz(J)
    answers = ["3", "3", "1", "1", "1", "3", "3", "9", "3", "9"]
    verdicts = [quiz.answer(answer) for answer in answers]
    assert [verdict.right for verdict in verdicts] == [
        True, True, True, False, True, True, False, False, True, True]
    assert verdicts[3].split("\n")[:2] == [
        "wrong: a.grad = 3, not 1",
        "  mistake: forgot to multiply by the upstream gradient, 3: a.grad += upstream gradient "
        "× local derivative (step 2 shows the rule)"]
    assert verdicts[3].split("\n")[2].startswith("step 2 of 5: dJ/da += dJ/dv · ∂v/∂a = 3 × 1")
    assert quiz.done and quiz.score() == (7, 10)
    assert quiz.summary() == "score: 7 of 10 right\nmissed: + at step 2; · at step 4"
    with pytest.raises(ValueError, match="the quiz is done"):
        quiz.answer("1")


# --- each known mistake, named ---------------------------------------------------------------

def _diagnosis(root, question_index, answer):
    quiz = Quiz(root)
    quiz.index = question_index
    verdict = quiz.answer(answer)
    assert not verdict.right
    return verdict.mistake


def test_overwrote_instead_of_adding_at_a_fork():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    y = ((a + b).named("x") * a).named("y")        # a reaches y along two paths: 7 + 2 = 9
    assert _diagnosis(y, 5, "2") == (
        "overwrote instead of adding at a fork: a already held 7 from step 2, and gradients "
        "add: 7 + 2 = 9 (step 3 shows the rule)")


def test_used_the_input_s_own_value_in_a_product():
    J, _ = notes_graph()
    assert _diagnosis(J, 6, "3").startswith(        # ∂u/∂b is c = 2, not b = 3
        "for a product you used the input's own value; the · gate swaps: ∂u/∂b is the other "
        "input, c = 2")
    assert _diagnosis(J, 7, "9").startswith("for a product you used the input's own value")


@pytest.mark.parametrize("make, index, answer, rule", [
    (lambda a, b: a - b, 2, "1", "∂y/∂b = −1"),
    (lambda a, b: a - b, 3, "1", "∂y/∂b = −1"),
    (lambda a, b: a / b, 2, "2/4**2", "∂y/∂b = −a/b²"),
])
def test_dropped_the_minus_of_subtraction_or_division(make, index, answer, rule):
    a, b = Value(2.0, "a"), Value(4.0, "b")
    assert _diagnosis(make(a, b).named("y"), index, answer) == (
        f"dropped the minus sign: {rule} (step {index // 2 + 1} shows the rule)")


def test_forgot_to_multiply_by_the_upstream_gradient():
    J, _ = notes_graph()
    assert _diagnosis(J, 3, "1").startswith("forgot to multiply by the upstream gradient, 3")


def test_multiplied_by_the_local_derivative_of_the_wrong_edge():
    x = Value(0.5, "x")
    y = (x.tanh() * 2).named("y")
    # ∂tanh(x)/∂x = 0.786…; 2 is ∂y/∂tanh(x), the edge above
    assert _diagnosis(y, 2, "2") == (
        "that is the local derivative of another edge, ∂y/∂tanh(x) = 2; this edge's is "
        "∂tanh(x)/∂x = 1 − tanh²(x) (step 2 shows the rule)")
    assert _diagnosis(y, 3, "4").startswith(
        "multiplied by the local derivative of the wrong edge, ∂y/∂tanh(x) = 2")


def test_kept_a_stale_gradient_from_an_earlier_pass():
    J, (a, *_) = notes_graph()
    assert _diagnosis(J, 3, "6") == (
        "kept a stale gradient from an earlier pass: 3 plus the 3 that a.grad held after the "
        "last pass; each pass starts from zero (zero_grad() before backward()) (step 2 shows "
        "the rule)")


def test_an_unexplained_wrong_answer_names_no_mistake():
    J, _ = notes_graph()
    assert _diagnosis(J, 0, "17") is None


def test_max_routes_and_the_quiz_knows_its_tie():
    a, b = Value(2.0, "a"), Value(2.0, "b")
    quiz = Quiz((maximum(a, b) * 3).named("y"))
    quiz.index = 2                       # ∂max(a, b)/∂a at a tie: PyTorch's 1/2
    assert quiz.pending.right == 0.5 and quiz.answer("1/2").right
    assert quiz.answer("3").mistake == (     # all of the upstream 3 to a
        "at a tie the max gate splits the upstream gradient evenly, 0.5 to each input, as "
        "PyTorch does: ∂max(a, b)/∂a = 1 if a > b, 0 if a < b, ½ at a tie (step 2 shows the rule)")


def test_max_routes_to_the_chosen_input_only():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    y = (maximum(a, b) * 3).named("y")
    assert _diagnosis(y, 2, "1").startswith(
        "the max gate routes the upstream gradient to the input it chose, and that is the other one")
    assert _diagnosis(y, 5, "0").startswith(
        "the max gate routes the upstream gradient to the input it chose, b")


# --- in the stepper -----------------------------------------------------------------------

def test_the_stepper_s_quiz_applies_a_step_once_both_answers_are_in():
    J, (a, b, c, u, v) = notes_graph()
    s = Stepper(J, quiz=True)
    assert repr(s) == ("Stepper(J), quiz: at the start, 0 of 5 steps\n"
                       "step 1 of 5: the edge from v into J = 3·v\n"
                       "  ∂J/∂v = ?   (answer with .answer(...))")
    assert s.answer("3") == "right: ∂J/∂v = 3\n  v.grad after this step = ?   (answer with .answer(...))"
    assert v.grad == 0.0 and s.position == 0
    reply = s.answer(3)
    assert reply.startswith("right: v.grad = 3\nstep 1 of 5: dJ/dv += dJ/dJ · ∂J/∂v")
    assert reply.endswith("step 2 of 5: the edge from a into v = a + u\n"
                          "  ∂v/∂a = ?   (answer with .answer(...))")
    assert v.grad == 3.0 and s.position == 1
    assert s.answer("a").startswith("an answer is a number or arithmetic of numbers")
    s.next()                              # revealing without answering counts as missed
    assert s.quizzing.score() == (2, 4) and a.grad == 3.0
    s.back()
    assert a.grad == 0.0 and s.quizzing.pending.prompt == "∂v/∂a = ?"
    for answer in ["1", "3", "1", "3", "2", "6", "3", "9"]:
        reply = s.answer(answer)
    assert reply.endswith("score: 10 of 10 right\nnothing missed")
    assert (a.grad, b.grad, c.grad) == (3.0, 6.0, 9.0)


def test_quiz_loop_reads_answers_like_input_does(monkeypatch, capsys):
    J, (a, *_) = notes_graph()
    s = Stepper(J)
    answers = iter(["3", "3", "1", "1", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": print(prompt) or next(answers))
    with pytest.raises(StopIteration):
        s.quiz()
    out = capsys.readouterr().out
    assert "  mistake: forgot to multiply by the upstream gradient, 3" in out
    assert s.position == 2 and a.grad == 3.0


# --- on the command line --------------------------------------------------------------

J_ARGS = ["3*(a + b*c)", "a=5", "b=3", "c=2", "--name", "J"]


def test_cli_quiz_reads_its_answers_from_standard_input():
    answers = "3\n3\n1\n1\n1\n3\n3\n9\n2*1\n3*3\n"
    done = subprocess.run([sys.executable, "-m", "autograd", *J_ARGS, "--quiz"], cwd=REPO,
                          input=answers, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["J = 3*(a + b*c) = 33   at a = 5, b = 3, c = 2",
                         "the forward pass: b·c = 6, a + b·c = 11, J = 3·(a + b·c) = 33"]
    assert "dJ/da = 3" not in lines[:lines.index("score: 6 of 10 right")]   # predicted first
    assert lines[4:8] == ["step 1 of 5: the edge from a + b·c into J = 3·(a + b·c)",
                          "  ∂J/∂(a + b·c) = ? 3",
                          "  right: ∂J/∂(a + b·c) = 3",
                          "  (a + b·c).grad after this step = ? 3"]
    assert "  wrong: a.grad = 3, not 1" in lines
    assert ("    mistake: for a product you used the input's own value; the · gate swaps: "
            "∂(b·c)/∂b is the other input, c = 2 (step 4 shows the rule)") in lines
    assert lines[-6:] == ["score: 6 of 10 right", "missed: + at step 2; · at steps 4, 5", "",
                          "dJ/da = 3", "dJ/db = 6", "dJ/dc = 9"]


def test_cli_quiz_stops_at_the_end_of_its_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("3\nnot a number\n3\n"))
    assert cli.main([*J_ARGS, "--quiz"]) == 0
    out = capsys.readouterr().out
    assert "cannot read 'not a number'" in out
    assert "(no more answers: the quiz stops here)" in out
    assert "score: 2 of 2 right (8 not asked)" in out


def test_a_teacher_s_exercise_file(tmp_path, monkeypatch, capsys):
    exercises = tmp_path / "forks.txt"
    exercises.write_text('# forks: gradients add\n\n"a*a" a=3 --name y\n'
                         '"max(a, b)*c" a=2 b=2 c=3\n', encoding="utf-8")
    # y = a·a: 3, 3 then 3, 3 (overwrote); max(a, b)·c at a tie: 3, 3, 2, 2, 1/2, 3/2, 1/2, 3/2
    monkeypatch.setattr(sys, "stdin", io.StringIO(
        "3\n3\n3\n3\n3\n3\n2\n2\n1/2\n3/2\n0.5\n1.5\n"))
    assert cli.main(["--quiz-file", str(exercises)]) == 0
    out = capsys.readouterr().out
    assert "=== exercise 1 of 2 (line 3) ===" in out and "=== exercise 2 of 2 (line 4) ===" in out
    assert ("    mistake: overwrote instead of adding at a fork: a already held 3 from step 1, "
            "and gradients add: 3 + 3 = 6 (step 2 shows the rule)") in out
    assert "(the max gate routes: a tie, so each input gets 0.5 of the upstream gradient)" in out
    assert out.rstrip().endswith("=== total: 11 of 12 right over 2 exercises ===")


@pytest.mark.parametrize("text, message", [
    ("# nothing\n", "no exercises in it"),
    ('"a*" a=1\n', "not a valid expression"),
    ('"a b\n', "line 1: not an exercise"),
])
def test_a_bad_exercise_file_is_refused(tmp_path, capsys, text, message):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    assert cli.main(["--quiz-file", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_quiz_file_and_an_expression_are_not_given_together(tmp_path, capsys):
    assert cli.main(["a*b", "a=1", "b=2", "--quiz-file", str(tmp_path / "x.txt")]) == 2
    assert "give no expression with it" in capsys.readouterr().err


def test_play_is_the_one_loop(capsys):
    J, _ = notes_graph()
    answers = iter(["3", "", None])
    summary = play(Quiz(J), lambda prompt: next(answers), print)
    assert summary == "score: 1 of 2 right (8 not asked)\nmissed: · at step 1"
    assert "  skipped: v.grad = 3" in capsys.readouterr().out


def test_cli_quiz_writes_a_quiz_page_too(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    path = tmp_path / "J.html"
    assert cli.main([*J_ARGS, "--quiz", "--html", str(path)]) == 0
    assert path.read_text(encoding="utf-8").count("data-quiz=") == 5
    assert "score: 0 of 0 right (10 not asked)" in capsys.readouterr().out
