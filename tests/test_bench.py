"""The benchmark's roofline (dl_bench/roofline.py): the FLOP and the least bytes of an iteration, counted by hand
on tiny networks, and the bound they give. Nothing here is timed against a threshold."""

import math

import numpy as np
import pytest

from dl_bench import bench, roofline


def test_flops_of_a_three_layer_network_by_hand():
    # [4, 3, 2, 1], m = 5: forward W1 A0, W2 A1, W3 A2 = 2*5*(12 + 6 + 2) = 200; the weight gradients
    # dZ A_prev^T the same 200; the activation gradients W^T dZ of layers 3 and 2 only (no dA0): 2*5*(6 + 2) = 80.
    assert bench.flops_per_iteration([4, 3, 2, 1], 5) == 200 + 200 + 80


def test_parameter_count_by_hand():
    # W1 3x4 + b1 3, W2 2x3 + b2 2, W3 1x2 + b3 1.
    assert roofline.parameter_count([4, 3, 2, 1]) == 12 + 3 + 6 + 2 + 2 + 1


@pytest.mark.parametrize(
    "layers_dims, m, itemsize, numbers",
    [
        # X 2x10 read, Y 1x10 read, 13 parameters read and written, A1 3x10 written and read (A2 is the output).
        ([2, 3, 1], 10, 8, 20 + 10 + 2 * 13 + 2 * 30),
        # X 4x5, Y 5, 26 parameters twice, A1 3x5 and A2 2x5 each twice.
        ([4, 3, 2, 1], 5, 4, 20 + 5 + 2 * 26 + 2 * (15 + 10)),
        # A single layer (logistic regression): no hidden activation.
        ([6, 1], 7, 8, 42 + 7 + 2 * 7),
    ],
)
def test_least_bytes_by_hand(layers_dims, m, itemsize, numbers):
    assert roofline.bytes_per_iteration(layers_dims, m, itemsize) == itemsize * numbers


def test_the_image_workload_is_bound_by_memory_or_by_compute_as_the_machine_goes():
    # 12288 x 209 float64 inputs: 20.5 MB of X (and 2 MB of parameters read and written) against 206 MFLOP.
    # At 75 GFLOP/s that is 2.7 ms of products: at 5 GB/s reading X takes longer (4.9 ms), at 20 GB/s not.
    layers_dims, m, _ = bench.WORKLOADS["image"]
    flop, nbytes = bench.flops_per_iteration(layers_dims, m), roofline.bytes_per_iteration(layers_dims, m, 8)
    assert 8 * 12288 * 209 < nbytes < 8 * 12288 * 209 * 1.2
    seconds, limit = roofline.bound_seconds(flop, nbytes, 75.0, 5.0)
    assert limit == "memory" and seconds == pytest.approx(nbytes / 5e9)
    seconds, limit = roofline.bound_seconds(flop, nbytes, 75.0, 20.0)
    assert limit == "compute" and seconds == pytest.approx(flop / 75e9)


def test_roofline_table_gives_each_implementation_its_share_of_the_bound():
    # flop 480 at 1 GFLOP/s: 480 ns; 508 bytes at 1 GB/s: 508 ns, the bound (memory).
    row = {"workload": "tiny", "dtype": "float32", "flop": 480, "bytes": 508, "ours_s": 508e-9 * 2,
           "torch_s": 508e-9 * 4}
    table = roofline.format_roofline([row], {"float32": 1.0}, 1.0)
    header, _, line = table.splitlines()
    assert "ours % of bound" in header and "torch % of bound" in header and "straightforward" not in header
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells == ["tiny", "float32", "0.00048", "0.000508", "0.945", "0.000508", "memory", "50%", "25%"]


def test_bandwidth_is_measured_for_copy_and_add():
    result = roofline.memory_bandwidth(threads=2, megabytes=4, repeats=1)
    assert sorted(result) == ["add", "copy"]
    assert all(math.isfinite(v) and v > 0 for v in result.values())


def test_one_thread_on_the_cpu_clock_names_itself_and_gives_the_blas_its_threads_back(capsys):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = [info["num_threads"] for info in threadpoolctl.threadpool_info()]
    rows = bench.main(["--workloads", "tiny", "--iterations", "2", "--repeats", "1", "--peak-n", "64", "--pause", "0",
                       "--no-torch", "--bandwidth-mb", "8", "--threads", "1", "--clock", "cpu"])
    out = capsys.readouterr().out
    assert "clock: CPU time of the process; 1 threads" in out
    assert "memory bandwidth (numpy, 1 threads" in out
    assert all(math.isfinite(row["ours_s"]) and row["ours_s"] > 0 for row in rows)
    assert [info["num_threads"] for info in threadpoolctl.threadpool_info()] == before


def test_the_cpu_clock_is_refused_on_more_than_one_thread():
    with pytest.raises(SystemExit):
        bench.main(["--workloads", "tiny", "--clock", "cpu", "--threads", "2"])


def test_the_products_script_times_every_layout(capsys):
    pytest.importorskip("threadpoolctl")
    from dl_bench import products

    times = products.main(["--repeats", "1", "--no-torch"])
    assert sorted(times) == sorted(products.cases(np.float64, use_torch=False))
    assert all(len(ts) == 1 and ts[0] >= 0 for ts in times.values())
    out = capsys.readouterr().out
    assert "load average at start" in out and "load average at end" in out and "machine: " in out
