"""Pictures the course draws: cost curves, a grid of images, a decision boundary, the network's flow.

Each function draws on the Axes (or Figure) it creates, or on the ``ax`` it is given,
and returns it; none calls ``plt.show()`` or changes matplotlib's settings, so the
notebook decides when a figure is shown. pyplot is imported when a picture is first drawn,
so ``import dl_utils`` stays light and leaves matplotlib's backend alone.
"""

import numpy as np

from ._validate import as_number
from ._validate import layers_dims as _check_layers_dims


def cost_iterations(num_iterations):
    """Return the iterations at which ``L_layer_model`` records the cost: every 100th and the last."""
    return [i for i in range(num_iterations) if i % 100 == 0 or i == num_iterations - 1]


def plot_costs(costs, num_iterations, ax=None):
    """Plot cost curves against the iteration, one line per model.

    Parameters
    ----------
    costs : dict of str to list of float, or list of float
        ``{label: costs}`` as returned by ``L_layer_model`` (the cost at iterations
        0, 100, ... and at the last one); a bare list is one unlabelled curve.
    num_iterations : int
        The ``num_iterations`` the models were trained with.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.

    Returns
    -------
    ax : matplotlib Axes
    """
    import matplotlib.pyplot as plt

    curves = costs if isinstance(costs, dict) else {None: costs}
    x = cost_iterations(num_iterations)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4))
    for label, ys in curves.items():
        if len(ys) != len(x):
            raise ValueError(
                f"costs{'' if label is None else f'[{label!r}]'} has {len(ys)} values but "
                f"num_iterations={num_iterations} records {len(x)}: is num_iterations the one used in training?"
            )
        ax.plot(x, ys, label=label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost J")
    if not isinstance(costs, list) and any(label is not None for label in curves):
        ax.legend()
    return ax


def plot_examples(X, image_shape, titles=None, ncols=8, title_colors=None):
    """Show examples as a grid of grey images, each with an optional title.

    Parameters
    ----------
    X : ndarray of shape (n_x, k)
        ``k`` examples, one per column, each ``n_x = height * width`` pixels row by row.
    image_shape : tuple of int
        ``(height, width)`` of one image.
    titles : list of str, optional
        One title per example, e.g. its label.
    ncols : int, default 8
        Images per row.
    title_colors : list of str, optional
        One matplotlib color per title, e.g. red for a wrong prediction.

    Returns
    -------
    fig : matplotlib Figure
    """
    import matplotlib.pyplot as plt

    X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] != int(np.prod(image_shape)):
        raise ValueError(f"X must have shape (height * width, k) = ({int(np.prod(image_shape))}, k), got {X.shape}")
    k = X.shape[1]
    for arg, value in (("titles", titles), ("title_colors", title_colors)):
        if value is not None and len(value) != k:
            raise ValueError(f"{arg} must have one entry per example ({k}), got {len(value)}")
    ncols = max(1, min(ncols, k))
    nrows = max(1, -(-k // ncols))
    # Each row is 1.3 inches: a 1-inch image and 0.3 inches for its title. The margins are set
    # here, in inches, rather than by tight_layout, which measures every axes (a second for 24 images).
    height = 1.3 * nrows
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.1 * ncols, height), squeeze=False, gridspec_kw={
        "left": 0.02, "right": 0.98, "top": 1 - 0.25 / height, "bottom": 0.05 / height, "wspace": 0.1, "hspace": 0.3})
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i < k:
            ax.imshow(X[:, i].reshape(image_shape), cmap="gray_r", vmin=X.min(), vmax=X.max())
            if titles is not None:
                color = {} if title_colors is None else {"color": title_colors[i]}
                ax.set_title(titles[i], fontsize=9, **color)
    return fig


# Matplotlib's "tableau-colorblind10" style, which the notebooks use, gives their lines colours that stay apart
# for every kind of colour blindness; the decision boundary's four colours (light: the predicted class, dark: the
# points' labels) too, and its classes differ in marker shape as well. tests/test_plots.py checks both with a
# simulation of deuteranopia, protanopia and tritanopia (colorspacious).
STYLE = "tableau-colorblind10"
BOUNDARY_COLORS = {"predicted 0": "#c6dbef", "predicted 1": "#fdd0a2", "label 0": "#3182bd", "label 1": "#e6550d"}


def plot_decision_boundary(predict_fn, X, Y, ax=None, resolution=200, title=None, class_names=("0", "1"),
                           legend=True):
    """Colour the plane by a model's prediction and draw the labelled points on it, with a key and axis labels.

    The key names the two coloured regions ("predicted 0", "predicted 1") and the two kinds of points
    ("points labelled 0": circles, "points labelled 1": triangles); ``legend=False`` leaves it out of the
    panel, for a figure of several panels to draw once with ``fig.legend(*ax.get_legend_handles_labels())``.

    Parameters
    ----------
    predict_fn : callable
        Maps points ``(2, k)`` to predictions ``(1, k)`` of 0/1, e.g.
        ``lambda P: predict(P, parameters)``.
    X : ndarray of shape (2, m)
        Points, one per column.
    Y : ndarray of shape (1, m)
        Their labels, 0 or 1.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.
    resolution : int, default 200
        Grid points along each axis.
    title : str, optional
    class_names : tuple of two str, default ("0", "1")
        What classes 0 and 1 are, for the key.
    legend : bool, default True
        Draw the key on the panel.

    Returns
    -------
    ax : matplotlib Axes
    """
    import matplotlib.pyplot as plt

    X, Y = np.asarray(X), np.asarray(Y)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X must have shape (2, m), one point per column, got {X.shape}")
    if Y.shape != (1, X.shape[1]):
        raise ValueError(f"Y must have shape (1, m) = (1, {X.shape[1]}) to match X, got {Y.shape}")
    pad = 0.1 * (X.max(axis=1) - X.min(axis=1))
    lo, hi = X.min(axis=1) - pad, X.max(axis=1) + pad
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.stack([g0.ravel(), g1.ravel()]).astype(X.dtype)
    Z = np.asarray(predict_fn(grid)).reshape(g0.shape)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    c = BOUNDARY_COLORS
    ax.contourf(g0, g1, Z, levels=[-0.5, 0.5, 1.5], colors=[c["predicted 0"], c["predicted 1"]])
    for k in (0, 1):
        ax.fill([], [], color=c[f"predicted {k}"], label=f"predicted {class_names[k]}")  # the region, in the key
    for k, marker in ((0, "o"), (1, "^")):
        ax.scatter(X[0, Y[0] == k], X[1, Y[0] == k], marker=marker, s=12, color=c[f"label {k}"], edgecolors="none",
                   label=f"points labelled {class_names[k]}")
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    if title is not None:
        ax.set_title(title)
    if legend:
        ax.legend(loc="best", fontsize=8, framealpha=0.9)
    return ax


def plot_network_flow(layers_dims, m, backward=False, ax=None):
    """Draw the L-layer network as a chain of layers, with the shape of every array it passes on.

    Forward (notebook 02): ``X = A0`` enters layer 1; each layer ``l`` takes ``W{l}``, ``b{l}``
    from above, computes ``Z{l} = W{l} A{l-1} + b{l}`` and ``A{l} = g(Z{l})`` (ReLU, sigmoid for
    the last), passes ``A{l}`` to the right and keeps its cache ``((A{l-1}, W{l}, b{l}), Z{l})``
    below. Backward (notebook 04): from ``dZ{L} = AL - Y`` on the right, each layer reads its
    cache from below, passes ``dA{l-1}`` to the left and gives ``dW{l}``, ``db{l}`` upward.

    Parameters
    ----------
    layers_dims : list of int
        ``[n_x, n_1, ..., n_L]``, at least two entries.
    m : int
        The number of examples (the columns of every activation).
    backward : bool, default False
        Draw the backward pass instead of the forward pass.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if None.

    Returns
    -------
    ax : matplotlib Axes
    """
    import matplotlib.pyplot as plt

    dims = _check_layers_dims(layers_dims)
    m = as_number("m", m, 1, whole=True, what="a positive whole number (the number of examples)")
    L = len(dims) - 1
    if ax is None:
        _, ax = plt.subplots(figsize=(3.2 * L + 2.0, 4.6))
    flow, store, data = ("#fdd0a2", "#e6550d", "#3182bd") if backward else ("#c6dbef", "#3182bd", "#e6550d")
    box = {"boxstyle": "round,pad=0.4", "facecolor": flow, "edgecolor": store}
    cache_box = {"boxstyle": "round,pad=0.35", "facecolor": "#f0f0f0", "edgecolor": "#636363", "linestyle": "--"}
    arrow = {"arrowstyle": "-|>", "color": "#252525", "lw": 1.3}
    dashed = {"arrowstyle": "-|>", "color": "#636363", "lw": 1.0, "linestyle": "--"}

    def shape(rows, cols):
        return f"({rows}, {cols})"

    def x_array(l):  # where A{l} / dA{l} is written
        return 3.2 * l

    for l in range(L + 1):
        if backward:
            label = f"dA{l}\n{shape(dims[l], m)}" if l < L else f"AL, Y\n{shape(dims[L], m)}"
        else:
            name = "X = A0" if l == 0 else ("AL = A" + str(L) if l == L else f"A{l}")
            label = f"{name}\n{shape(dims[l], m)}"
        ax.text(x_array(l), 1.0, label, ha="center", va="center", fontsize=10, color=data, fontweight="bold")
    for l in range(1, L + 1):
        x = (x_array(l - 1) + x_array(l)) / 2
        g = "sigmoid" if l == L else "relu"
        if backward:
            inside = (f"layer {l}\ndZ{l} = AL - Y\n{shape(dims[l], m)}\nlinear_backward" if l == L
                      else f"layer {l}\nrelu_backward\ndZ{l} {shape(dims[l], m)}\nlinear_backward")
            ax.annotate("", xy=(x_array(l - 1) + 0.4, 1.0), xytext=(x - 0.72, 1.0), arrowprops=arrow)
            ax.annotate("", xy=(x + 0.72, 1.0), xytext=(x_array(l) - 0.4, 1.0), arrowprops=arrow)
            ax.text(x, 2.25, f"dW{l} {shape(dims[l], dims[l - 1])}\ndb{l} {shape(dims[l], 1)}", ha="center",
                    va="center", fontsize=9, color=store)
            ax.annotate("", xy=(x, 1.95), xytext=(x, 1.45), arrowprops=arrow)
            ax.annotate("", xy=(x, 0.55), xytext=(x, -0.1), arrowprops=dashed)
        else:
            inside = f"layer {l}\nZ{l} = W{l} A{l - 1} + b{l}\nA{l} = {g}(Z{l})"
            ax.annotate("", xy=(x - 0.72, 1.0), xytext=(x_array(l - 1) + 0.4, 1.0), arrowprops=arrow)
            ax.annotate("", xy=(x_array(l) - 0.4, 1.0), xytext=(x + 0.72, 1.0), arrowprops=arrow)
            ax.text(x, 2.25, f"W{l} {shape(dims[l], dims[l - 1])}\nb{l} {shape(dims[l], 1)}", ha="center",
                    va="center", fontsize=9, color=store)
            ax.annotate("", xy=(x, 1.45), xytext=(x, 1.95), arrowprops=arrow)
            ax.annotate("", xy=(x, -0.1), xytext=(x, 0.55), arrowprops=dashed)
        ax.text(x, 1.0, inside, ha="center", va="center", fontsize=8.5, bbox=box)
        cache = (f"caches[{l - 1}]\nA{l - 1} {shape(dims[l - 1], m)}, W{l} {shape(dims[l], dims[l - 1])}\n"
                 f"b{l} {shape(dims[l], 1)}, Z{l} {shape(dims[l], m)}")
        ax.text(x, -0.55, cache, ha="center", va="center", fontsize=8, bbox=cache_box)
    title = ("Backward: dZ, then dA to the left, dW and db up, each layer reading its cache" if backward
             else "Forward: each layer passes A to the right and keeps a cache for the backward pass")
    ax.set_title(f"{title}\nlayers_dims = {dims}, m = {m}", fontsize=10)
    ax.set_xlim(-0.8, x_array(L) + 0.8)
    ax.set_ylim(-1.2, 2.7)
    ax.axis("off")
    return ax
