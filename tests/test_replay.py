"""dl_utils.replay: a recorded training replays bit for bit in the browser only, and any change trains."""

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import dl_utils
from dl_utils import L_layer_model, replay, validation_curve
from dl_utils import model as model_module


def problem(seed=0, m=40):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2, m))
    return X, (X[0:1] * X[1:2] > 0).astype(np.int64)


CALL = {"layers_dims": [2, 4, 1], "learning_rate": 0.5, "num_iterations": 120, "seed": 3}


@pytest.fixture
def trainings(monkeypatch):
    """Count the trainings that really run (each starts with initialize_parameters_deep)."""
    count = []
    initialize = model_module.initialize_parameters_deep
    monkeypatch.setattr(
        model_module, "initialize_parameters_deep", lambda *a, **k: count.append(1) or initialize(*a, **k)
    )
    return count


@pytest.fixture
def recorded(tmp_path, monkeypatch):
    """Record CALL natively, write the record, and make this process look like the browser with it."""
    X, Y = problem()
    monkeypatch.setenv(replay.RECORD_ENV, str(tmp_path / "calls"))
    fresh = L_layer_model(X, Y, **CALL)
    monkeypatch.delenv(replay.RECORD_ENV)
    entries = {path.stem: path for path in (tmp_path / "calls").glob("*.npz")}
    assert len(entries) == 1
    replay.write_record(entries, tmp_path / "record.npz")
    monkeypatch.setattr(replay, "RECORD", tmp_path / "record.npz")
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setitem(replay._state, "on", True)
    return X, Y, fresh


def same(a, b):
    (pa, ca), (pb, cb) = a, b
    assert list(pa) == list(pb) and ca == cb and all(type(c) is float for c in ca + cb)
    for name in pa:
        assert pa[name].dtype == pb[name].dtype and np.array_equal(pa[name], pb[name]), name


def test_a_recorded_call_replays_bit_for_bit_in_the_browser(recorded, trainings, capsys):
    X, Y, fresh = recorded
    same(L_layer_model(X, Y, **CALL), fresh)
    assert trainings == []
    # no IPython shell here: the replay says so on its own line
    assert capsys.readouterr().out.startswith("(In the browser: 1 training of this cell replayed from the site's build")


@pytest.mark.parametrize(
    "change",
    ["pixel", "seed", "learning_rate", "float32", "iterations"],
)
def test_any_changed_input_trains(recorded, trainings, change):
    X, Y, _ = recorded
    call = dict(CALL)
    if change == "pixel":
        X = X.copy()
        X[1, 7] += 1e-12
    elif change == "float32":
        X = X.astype(np.float32)
    elif change == "iterations":
        call["num_iterations"] += 1
    else:
        call[change] = {"seed": 4, "learning_rate": 0.25}[change]
    replay.off()  # the truth: a real training
    expected = L_layer_model(X, Y, **call)
    replay.on()
    trainings.clear()
    same(L_layer_model(X, Y, **call), expected)
    assert trainings == [1]


def test_a_changed_library_misses(recorded, trainings, monkeypatch):
    X, Y, fresh = recorded
    monkeypatch.setattr(replay, "library_digest", lambda package=None: "another library")
    same(L_layer_model(X, Y, **CALL), fresh)
    assert trainings == [1]


def test_the_library_digest_follows_every_module(tmp_path):
    package = tmp_path / "dl_utils"
    shutil.copytree(
        Path(dl_utils.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__", "datasets", "checks")
    )
    before = replay.library_digest(package)
    assert before == replay.library_digest()
    (package / "update.py").write_text((package / "update.py").read_text() + "\n# changed\n")
    assert replay.library_digest(package) != before


def test_replay_off_trains(recorded, trainings):
    X, Y, fresh = recorded
    replay.off()
    same(L_layer_model(X, Y, **CALL), fresh)
    assert trainings == [1]


def test_natively_nothing_replays_even_with_a_record(recorded, trainings, monkeypatch, capsys):
    X, Y, fresh = recorded
    monkeypatch.setattr(sys, "platform", "linux")
    same(L_layer_model(X, Y, **CALL), fresh)
    assert trainings == [1] and capsys.readouterr().out == ""


def test_printing_the_cost_or_a_generator_seed_trains(recorded, trainings, tmp_path, monkeypatch):
    X, Y, _ = recorded
    recorded_dir = tmp_path / "more"
    monkeypatch.setenv(replay.RECORD_ENV, str(recorded_dir))
    L_layer_model(X, Y, **{**CALL, "print_cost": True})
    L_layer_model(X, Y, **{**CALL, "seed": np.random.default_rng(3)})
    assert trainings == [1, 1] and not recorded_dir.exists()  # and neither is recorded


def test_a_missing_record_trains(recorded, trainings, tmp_path, monkeypatch):
    X, Y, fresh = recorded
    monkeypatch.setattr(replay, "RECORD", tmp_path / "none.npz")
    same(L_layer_model(X, Y, **CALL), fresh)
    assert trainings == [1]


@pytest.mark.parametrize("damage", ["not a zip", "no costs"])
def test_a_malformed_record_is_a_clear_error(recorded, tmp_path, damage):
    X, Y, _ = recorded
    if damage == "not a zip":
        replay.RECORD.write_bytes(b"not a zip file")
    else:
        key = replay.call_key("L_layer_model", {"X": X, "Y": Y, "print_cost": False, **CALL})
        np.savez(replay.RECORD, **{f"{key}/W1": np.zeros((4, 2))})
    with pytest.raises(ValueError, match=r"replay record .* cannot be read.*dl_utils\.replay\.off\(\)"):
        L_layer_model(X, Y, **CALL)


def test_validation_curve_replays_through_its_trainings(tmp_path, monkeypatch, trainings):
    X, Y = problem()
    Xv, Yv = problem(seed=1, m=20)
    args = (X, Y, Xv, Yv, [2, 4, 1], 0.5, (10, 30))
    monkeypatch.setenv(replay.RECORD_ENV, str(tmp_path / "calls"))
    fresh = validation_curve(*args)
    monkeypatch.delenv(replay.RECORD_ENV)
    replay.write_record({p.stem: p for p in (tmp_path / "calls").glob("*.npz")}, tmp_path / "record.npz")
    monkeypatch.setattr(replay, "RECORD", tmp_path / "record.npz")
    monkeypatch.setattr(sys, "platform", "emscripten")
    trainings.clear()
    assert validation_curve(*args) == fresh and trainings == []


def test_one_line_per_cell_in_ipython(recorded, monkeypatch, capsys):
    X, Y, _ = recorded

    class Events:
        hooks = []

        def register(self, event, hook):
            self.hooks.append((event, hook))

    class Shell:
        events = Events()

    monkeypatch.setattr(replay, "_shell", lambda: Shell())
    monkeypatch.setattr(replay, "_state", {"on": True, "replayed": 0, "notice_hooked": False})
    for _ in range(3):
        L_layer_model(X, Y, **CALL)
    assert capsys.readouterr().out == ""
    [(event, hook)] = Shell.events.hooks
    assert event == "post_run_cell"
    hook(None)
    hook(None)  # the next cell replayed nothing: it says nothing
    assert capsys.readouterr().out.splitlines() == [replay._notice(3)]
    assert replay._notice(3).startswith("(In the browser: 3 trainings of this cell replayed")


def test_the_record_is_the_same_bytes_each_time(recorded, tmp_path):
    entries = {p.stem: p for p in (tmp_path / "calls").glob("*.npz")}
    replay.write_record(entries, tmp_path / "again.npz")
    assert (tmp_path / "again.npz").read_bytes() == replay.RECORD.read_bytes()


def test_the_build_records_what_a_notebook_trains(tmp_path):
    import nbformat

    from dl_instructor import lite_replay

    notebook = tmp_path / "trains.ipynb"
    cell = "import numpy as np\nfrom dl_utils import L_layer_model\nrng = np.random.default_rng(0)\n"
    cell += "X = rng.standard_normal((2, 40))\nL_layer_model(X, (X[0:1] * X[1:2] > 0).astype(np.int64), [2, 4, 1],"
    cell += " learning_rate=0.5, num_iterations=120, seed=3)"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]), notebook)
    [(member, data)] = lite_replay.record_members(notebooks=[str(notebook)], timeout=120).items()
    assert member == "dl_utils/replay_record.npz"
    (tmp_path / "record.npz").write_bytes(data)
    X, Y = problem()
    key = replay.call_key("L_layer_model", {"X": X, "Y": Y, "print_cost": False, **CALL})
    same(replay.lookup(key, tmp_path / "record.npz"), L_layer_model(X, Y, **CALL))
