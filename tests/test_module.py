"""nn.Module's save and load under faults: atomic writes, bad parameters, and bad files."""

import json
import math
import os

import pytest

from autograd import Value
from nn import MLP, ParameterFileError


def _data(model):
    return [p.data for p in model.parameters()]


# --- save: atomic, and only finite numbers -------------------------------------------

@pytest.fixture
def saved(tmp_path):
    """A model saved to model.json, and the file's bytes."""
    model = MLP(2, [3, 1], seed=4)
    path = tmp_path / "model.json"
    model.save(path)
    return model, path, path.read_bytes()


def test_failing_save_leaves_the_previous_file_intact(saved, monkeypatch):
    model, path, good = saved
    real_dump = json.dump

    def dump_then_fail(document, file, **options):
        # half a file written, then the disk is full
        file.write(json.dumps(document, **options)[:40])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json, "dump", dump_then_fail)
    for p in model.parameters():
        p.data += 1.0
    with pytest.raises(OSError, match="No space left"):
        model.save(path)
    monkeypatch.setattr(json, "dump", real_dump)
    assert path.read_bytes() == good
    assert os.listdir(path.parent) == ["model.json"]          # no temporary file left behind
    model.save(path)                                        # and a good save still replaces it
    assert MLP(2, [3, 1], seed=9).load(path) and path.read_bytes() != good


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_save_refuses_a_non_finite_parameter_naming_it(saved, bad):
    model, path, good = saved
    model.layers[1].neurons[0].w[2].data = bad
    with pytest.raises(ValueError, match=r"w\[2\]_3,1.*(nan|inf)"):
        model.save(path)
    assert path.read_bytes() == good


@pytest.mark.parametrize("bad", [Value(0.5), "0.5", None, True, [0.5]])
def test_save_refuses_a_non_number_assigned_to_data_naming_the_parameter(saved, bad):
    model, path, good = saved
    model.layers[0].neurons[1].b.data = bad
    with pytest.raises(TypeError, match=r"b\[1\]_2"):
        model.save(path)
    assert path.read_bytes() == good


def test_save_writes_into_a_new_file_with_ordinary_permissions(tmp_path):
    path = tmp_path / "fresh.json"
    MLP(1, [1]).save(str(path))
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    path.chmod(0o600)
    MLP(1, [1]).save(path)                       # replacing keeps the file's permissions
    assert path.stat().st_mode & 0o777 == 0o600


# --- load: every bad file is a ParameterFileError, and the model is unchanged ------------

def _document(model):
    return {"format": "chainrule-parameters", "version": 1, "model": repr(model),
            "parameters": [[p.label, p.data] for p in model.parameters()]}


def _with_number(model, number_text):
    text = json.dumps(_document(model))
    first = repr(model.parameters()[0].data)
    return text.replace(first, number_text, 1).encode()


BAD_FILES = {
    "huge integer": lambda m: _with_number(m, "1" + "0" * 400),          # OverflowError in float()
    "integer past the digit limit": lambda m: _with_number(m, "9" * 5000),  # ValueError from int()
    "NaN": lambda m: _with_number(m, "NaN"),
    "1e400": lambda m: _with_number(m, "1e400"),
    "not UTF-8": lambda m: b'{"format": "chainrule-parameters", "model": "\xff\xfe"}',
    "deeply nested": lambda m: b"[" * 100_000 + b"]" * 100_000,          # RecursionError
    "not JSON": lambda m: b"not json",
    "a list": lambda m: b"[1, 2]",
    "not ours": lambda m: b'{"hello": 1}',
    "label not text": lambda m: json.dumps(
        {**_document(m), "parameters": [[[1], 0.5]] * len(m.parameters())}).encode(),
    "entry not a pair": lambda m: json.dumps(
        {**_document(m), "parameters": [0.5] * len(m.parameters())}).encode(),
    "bool": lambda m: _with_number(m, "true"),
    "empty": lambda m: b"",
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_load_gives_parameter_file_error_for_every_bad_file_and_changes_nothing(tmp_path, name):
    model = MLP(2, [3, 1], seed=5)
    before = _data(model)
    path = tmp_path / "bad.json"
    path.write_bytes(BAD_FILES[name](model))
    with pytest.raises(ParameterFileError) as info:
        model.load(path)
    assert str(path) in str(info.value) and len(str(info.value)) < 500
    assert _data(model) == before


def test_load_refuses_a_file_far_larger_than_the_model_needs_before_parsing(tmp_path, monkeypatch):
    model = MLP(2, [3, 1], seed=5)
    before = _data(model)
    path = tmp_path / "big.json"
    document = _document(model)
    document["padding"] = "x" * 20_000_000            # 20 MB for 13 parameters
    path.write_text(json.dumps(document))

    def must_not_parse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(json, "loads", must_not_parse)
    monkeypatch.setattr(json, "load", must_not_parse)
    with pytest.raises(ParameterFileError, match="too large"):
        model.load(path)
    assert _data(model) == before


def test_load_accepts_a_file_saved_with_long_labels_and_other_spacing(tmp_path):
    # the size bound is generous: a hand-formatted file with wide indentation loads
    model = MLP(3, [4, 2], seed=3)
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(_document(model), indent=12, ensure_ascii=True))
    other = MLP(3, [4, 2], seed=8)
    other.load(path)
    assert _data(other) == _data(model)


def test_every_file_chainrule_writes_gets_the_usual_permissions(tmp_path):
    # A temporary file made private (mkstemp's 0o600) and renamed into place
    # would leave drawings, pages and plots unreadable to anyone else.
    import os
    from autograd import Value
    from autograd.views import draw, page
    from demos._common import pyplot, save_figure

    umask = os.umask(0o022)
    try:
        y = (Value(2.0, "x") * 3).named("y")
        written = [draw.save_svg(y, tmp_path / "y.svg"), page.write_html(y, tmp_path / "y.html")]
        plt = pyplot("the permissions test")
        figure = plt.figure()
        written.append(save_figure(figure, tmp_path / "y.png"))
        from nn import MLP
        model = MLP(2, [2])
        model.save(tmp_path / "model.json")
        written.append(tmp_path / "model.json")
    finally:
        os.umask(umask)
    assert {oct(os.stat(path).st_mode & 0o777) for path in written} == {oct(0o644)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "y.html", "y.png", "y.svg"]
