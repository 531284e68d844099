"""The plot helpers: what they draw, from which numbers, and their errors on bad input."""

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.style  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dl_utils import plot_costs, plot_decision_boundary, plot_examples  # noqa: E402
from dl_utils.plots import BOUNDARY_COLORS, STYLE, cost_iterations, plot_network_flow  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_cost_iterations_match_what_L_layer_model_records():
    assert cost_iterations(250) == [0, 100, 200, 249]
    assert cost_iterations(201) == [0, 100, 200]
    assert cost_iterations(1) == [0]


def test_plot_costs_draws_one_labelled_line_per_model():
    costs = {"a": [0.7, 0.5, 0.4, 0.35], "b": [0.7, 0.3, 0.2, 0.1]}
    ax = plot_costs(costs, num_iterations=250)
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    for line, ys in zip(ax.get_lines(), costs.values(), strict=True):
        np.testing.assert_array_equal(line.get_xdata(), [0, 100, 200, 249])
        np.testing.assert_array_equal(line.get_ydata(), ys)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert ax.get_xlabel() == "iteration"


def test_plot_costs_takes_a_bare_list_and_a_given_axes():
    _, given = plt.subplots()
    ax = plot_costs([0.7, 0.6], num_iterations=101, ax=given)
    assert ax is given and len(ax.get_lines()) == 1 and ax.get_legend() is None


def test_plot_costs_rejects_a_wrong_num_iterations():
    with pytest.raises(ValueError, match=r"costs\['a'\] has 3 values but num_iterations=1000 records 11"):
        plot_costs({"a": [0.7, 0.6, 0.5]}, num_iterations=1000)


def test_plot_examples_shows_each_column_as_an_image_with_its_title():
    X = np.arange(6 * 5).reshape(6, 5) / 29.0  # 5 examples of 2x3 pixels
    fig = plot_examples(X, (2, 3), titles=list("vwxyz"), ncols=2, title_colors=["red"] * 5)
    axes = fig.get_axes()
    assert len(axes) == 6  # 3 rows of 2, the last one empty
    shown = [ax for ax in axes if ax.get_images()]
    assert len(shown) == 5 and not axes[5].get_images()
    for i, ax in enumerate(shown):
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), X[:, i].reshape(2, 3))
        assert ax.get_title() == "vwxyz"[i]
        assert matplotlib.colors.same_color(ax.title.get_color(), "red")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"X": np.zeros((5, 2)), "image_shape": (2, 3)}, r"X must have shape \(height \* width, k\) = \(6, k\)"),
        ({"X": np.zeros((6, 2)), "image_shape": (2, 3), "titles": ["a"]}, "titles must have one entry per example"),
    ],
)
def test_plot_examples_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_examples(**kwargs)


def test_plot_decision_boundary_asks_for_predictions_over_the_points_range():
    X = np.array([[-1.0, 0.0, 2.0], [0.0, 1.0, 3.0]])
    Y = np.array([[0, 1, 1]])
    seen = []

    def right_half(P):
        seen.append(P)
        return (P[0:1] > 0).astype(np.int64)

    ax = plot_decision_boundary(right_half, X, Y, resolution=50, title="x > 0")
    (P,) = seen
    assert P.shape == (2, 50 * 50)
    # the grid covers the points with a margin of a tenth of their range on each side
    np.testing.assert_allclose(P.min(axis=1), [-1.3, -0.3])
    np.testing.assert_allclose(P.max(axis=1), [2.3, 3.3])
    assert ax.get_title() == "x > 0"
    class_0, class_1 = ax.collections[-2:]  # the points of each label, each class with its colour and marker
    np.testing.assert_array_equal(class_0.get_offsets(), X[:, :1].T)
    np.testing.assert_array_equal(class_1.get_offsets(), X[:, 1:].T)
    assert not np.array_equal(class_0.get_facecolors()[0], class_1.get_facecolors()[0])
    assert not np.array_equal(class_0.get_paths()[0].vertices, class_1.get_paths()[0].vertices)


def test_plot_decision_boundary_has_a_key_and_axis_labels():
    X = np.array([[-1.0, 0.0, 2.0], [0.0, 1.0, 3.0]])
    Y = np.array([[0, 1, 1]])
    ax = plot_decision_boundary(lambda P: (P[0:1] > 0).astype(int), X, Y, resolution=10, class_names=("A", "B"))
    keys = ["predicted A", "predicted B", "points labelled A", "points labelled B"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == keys
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")
    # legend=False: no key on the panel, and its handles there for a figure's one key
    ax = plot_decision_boundary(lambda P: (P[0:1] > 0).astype(int), X, Y, resolution=10, legend=False)
    assert ax.get_legend() is None
    assert ax.get_legend_handles_labels()[1] == ["predicted 0", "predicted 1", "points labelled 0", "points labelled 1"]


# ---------------------------------------------------------------- colours a colour-blind reader tells apart

# Colours drawn together must stay apart for a reader with any of the three kinds of colour blindness.
# colorspacious simulates each (Machado, Oliveira and Fernandes 2009, at severity 100: full dichromacy) and
# measures the distance of two colours in CAM02-UCS, where about 1 is just noticeable; 10 is plainly distinct.
CVD = ("deuteranomaly", "protanomaly", "tritanomaly")
DISTINCT = 10.0


def _closest_pair(colors, cvd_type):
    from itertools import combinations

    import colorspacious  # requirements-dev.txt
    rgb = np.array([matplotlib.colors.to_rgb(c) for c in colors])
    seen = np.clip(colorspacious.cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": cvd_type, "severity": 100},
                                                "sRGB1"), 0, 1)
    return min((colorspacious.deltaE(seen[i], seen[j], input_space="sRGB1"), colors[i], colors[j])
               for i, j in combinations(range(len(colors)), 2))


def test_the_simulation_finds_the_classic_confusion():
    # matplotlib's default red and green: far apart to most readers, close to one without green cones
    assert _closest_pair(["#2ca02c", "#d62728"], "deuteranomaly")[0] < DISTINCT
    assert _closest_pair(["#2ca02c", "#d62728"], "deuteranomaly")[0] < _closest_pair(["#2ca02c", "#d62728"],
                                                                                     "tritanomaly")[0]


@pytest.mark.parametrize("cvd_type", CVD)
def test_the_course_line_colours_stay_apart_for_colour_blind_readers(cvd_type):
    # the notebooks' style; a figure of the course draws at most six lines of the cycle (notebook 10)
    cycle = matplotlib.style.library[STYLE]["axes.prop_cycle"].by_key()["color"][:6]
    distance, a, b = _closest_pair(cycle, cvd_type)
    assert distance > DISTINCT, f"{a} and {b} are {distance:.1f} apart for {cvd_type}"


@pytest.mark.parametrize("cvd_type", CVD)
def test_the_decision_boundary_colours_stay_apart_for_colour_blind_readers(cvd_type):
    distance, a, b = _closest_pair(list(BOUNDARY_COLORS.values()), cvd_type)
    assert distance > DISTINCT, f"{a} and {b} are {distance:.1f} apart for {cvd_type}"


def test_every_notebook_that_draws_uses_the_colour_blind_safe_style():
    import nbformat

    root = Path(__file__).resolve().parents[1] / "notebooks"
    for path in sorted(root.glob("[0-9][0-9]_*.ipynb")):
        code = "\n".join(c.source for c in nbformat.read(path, 4).cells if c.cell_type == "code")
        if "plt." not in code:
            continue
        assert f'plt.style.use("{STYLE}")' in code, f"{path.name} draws without the colour-blind-safe style"
        # a colour named outside the style's cycle ("C0", "C1", ...) may be one a colour-blind reader confuses
        assert not re.search(r"tab:|tab10", code), f"{path.name} names a colour outside the style"


def test_plot_decision_boundary_rejects_bad_shapes():
    def predict_fn(P):
        return np.zeros((1, P.shape[1]))

    with pytest.raises(ValueError, match=r"X must have shape \(2, m\)"):
        plot_decision_boundary(predict_fn, np.zeros((3, 4)), np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\) = \(1, 4\)"):
        plot_decision_boundary(predict_fn, np.zeros((2, 4)), np.zeros((4,)))


@pytest.mark.parametrize("backward", [False, True])
def test_plot_network_flow_labels_every_array_with_its_shape(backward):
    # notebook 02's example: [5, 4, 3, 1], m = 7 (the shapes by hand: W1 (4, 5), Z2 (3, 7), AL (1, 7), ...).
    ax = plot_network_flow([5, 4, 3, 1], 7, backward=backward)
    text = "\n".join(t.get_text() for t in ax.texts)
    for l, (rows, cols) in enumerate([(4, 5), (3, 4), (1, 3)], start=1):
        d = "d" if backward else ""
        assert f"{d}W{l} ({rows}, {cols})" in text and f"{d}b{l} ({rows}, 1)" in text
        assert f"caches[{l - 1}]" in text and f"Z{l} ({rows}, 7)" in text
    for l, n in enumerate([5, 4, 3]):
        assert (f"dA{l}\n({n}, 7)" if backward else f"A{l}\n({n}, 7)") in text
    assert ("AL, Y\n(1, 7)" if backward else "AL = A3\n(1, 7)") in text
    assert ("dZ3 = AL - Y" in text) == backward and ("A3 = sigmoid(Z3)" in text) == (not backward)
    ax.figure.canvas.draw()  # lays the text out: no error


def test_plot_network_flow_rejects_bad_input():
    with pytest.raises(ValueError, match="layers_dims must list at least two sizes"):
        plot_network_flow([5], 7)
    with pytest.raises(ValueError, match=r"m must be a positive whole number \(the number of examples\)"):
        plot_network_flow([5, 1], 0)


@pytest.mark.parametrize("cvd_type", CVD)
def test_every_colour_map_a_notebook_names_keeps_its_ends_apart_for_colour_blind_readers(cvd_type):
    # a map's two ends stand for the two classes (05's RdBu_r: the network's output near 0 and near 1)
    import nbformat

    root = Path(__file__).resolve().parents[1] / "notebooks"
    maps = {name for path in sorted(root.glob("[0-9][0-9]_*.ipynb")) for cell in nbformat.read(path, 4).cells
            if cell.cell_type == "code" for name in re.findall(r"cmap=[\"'](\w+)[\"']", cell.source)}
    assert "RdBu_r" in maps  # the test reads the notebooks as they are
    for name in sorted(maps):
        low, high = matplotlib.colormaps[name]([0.0, 1.0])[:, :3]
        distance, _, _ = _closest_pair([tuple(low), tuple(high)], cvd_type)
        assert distance > DISTINCT, f"the ends of {name} are {distance:.1f} apart for {cvd_type}"
