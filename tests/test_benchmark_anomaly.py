"""The benchmark's detect_anomaly() section on a tiny workload: it runs both ways and says what it measured.

Kept apart from test_benchmark.py, as its function is kept apart in
demos/benchmark.py.  No timing is asserted: times belong to ``python -m demos.benchmark``.
"""

from demos.benchmark import AnomalyCost, Sizes, anomaly_detection_cost, format_anomaly_cost

TINY = Sizes(moons_points=10, moons_steps=1, chain_depth=10, micrograd_chain_depth=10,
             memory_chain_depth=10, products=10, digits_images=4, digits_repeats=1,
             forward_images=4)


def test_anomaly_cost_times_both_ways_and_reports_the_reads():
    cost = anomaly_detection_cost(TINY, repeats=1)
    assert isinstance(cost, AnomalyCost)
    assert cost.runs == 5 and cost.title.endswith("10 points, hinge + L2")
    # 10 points through 2-16-16-1: 33 neurons' sums and 32 ReLUs each, plus the loss's nodes.
    assert cost.nodes > 10 * 65
    assert cost.off > 0 and cost.on > 0 and cost.mode_test > 0 and cost.sweep_read > 0
    text = format_anomaly_cost(cost)
    assert "| off (no block) |" in text and "| on, inside `detect_anomaly()` |" in text
    assert f"{cost.nodes:,} nodes" in text and "× slower" in text
    assert "`current_mode() is RECORDING`" in text
