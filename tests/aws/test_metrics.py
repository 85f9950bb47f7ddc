"""A poll's metrics: one GetMetricData call per 500 queries, right values, math, missing data."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from tests.aws.conftest import recorded_clients
from tests.rehearsal.world_drill import run_for, set_listener_weights
from tui.aws.context import AwsContext
from tui.aws.metrics import fetch_series
from tui.aws.protocol import SeriesRequest
from tui.aws.resolve import Resolver
from tui.runbook import load_runbook
from tui.runbook.durations import Duration
from tui.runbook.model import ExprCondition, Metric, MetricCondition, ResourceRef

NAMESPACE = "Turnout/Test"
SERIES = 1200  # enough for three calls


def load(i: int, stat: str = "Maximum") -> Metric:
    return Metric(NAMESPACE, "Load", stat, {"Series": f"s{i}"}, Duration(60))


def single(i: int) -> SeriesRequest:
    return SeriesRequest(f"load-{i}", {"load": load(i)})


@pytest.fixture(scope="module")
def published(world):
    """Series s0..s1199 with value i at two minutes ago and 2*i (s0: 0.5) at one minute ago."""
    cloudwatch = world.clients.client("cloudwatch")
    now = world.clock.now()
    data = []
    for i in range(SERIES):
        for ago, value in ((120, float(i)), (60, 2.0 * i or 0.5)):
            data.append(
                {
                    "MetricName": "Load",
                    "Dimensions": [{"Name": "Series", "Value": f"s{i}"}],
                    "Timestamp": now - timedelta(seconds=ago),
                    "Value": value,
                }
            )
    for start in range(0, len(data), 1000):
        cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=data[start : start + 1000])
    return now


@pytest.mark.parametrize(("metrics", "calls"), [(1, 1), (50, 1), (500, 1), (501, 2), (1200, 3)])
def test_a_poll_costs_one_get_metric_data_call_per_500_queries(
    world, recorder, published, metrics, calls
):
    clients = recorded_clients(world, recorder)
    got = fetch_series(
        clients.client("cloudwatch"),
        Resolver(clients),
        [single(i) for i in range(metrics)],
        published,
    )
    assert recorder.operations() == ["cloudwatch.GetMetricData"] * calls
    assert len(got) == metrics
    for i in (0, metrics // 2, metrics - 1):
        series = got[f"load-{i}"]
        assert series.error is None
        assert [v for _, v in series.points] == [float(i), 2.0 * i or 0.5]


def test_points_are_oldest_first_with_their_times(world, published):
    got = fetch_series(
        world.clients.client("cloudwatch"), Resolver(world.clients), [single(7)], published
    )["load-7"]
    assert [when for when, _ in got.points] == sorted(when for when, _ in got.points)
    assert got.latest == 14.0
    assert all(published - when <= timedelta(seconds=180) for when, _ in got.points)


def test_metric_math_is_computed_per_datapoint(world, published):
    request = SeriesRequest(
        "mix", {"a": load(3), "b": load(4)}, expr="100 * a / (a + b) + ABS(a - b)"
    )
    got = fetch_series(
        world.clients.client("cloudwatch"), Resolver(world.clients), [request], published
    )["mix"]
    assert [v for _, v in got.points] == [
        pytest.approx(100 * 3 / 7 + 1),
        pytest.approx(100 * 6 / 14 + 2),
    ]


def test_an_expression_cloudwatch_refuses_is_an_error_that_names_the_series(world, published):
    request = SeriesRequest("bad", {"a": load(3)}, expr="a + ABS(-1)")
    got = fetch_series(
        world.clients.client("cloudwatch"), Resolver(world.clients), [request], published
    )["bad"]
    assert got.points == ()
    assert "ValidationError" in got.error
    assert "'bad' (a + ABS(-1))" in got.error


def test_a_metric_several_series_share_is_queried_once(world, recorder, published):
    clients = recorded_clients(world, recorder)
    requests = [
        SeriesRequest("ratio", {"x": load(5), "y": load(6)}, expr="x / y"),
        SeriesRequest("sum", {"y": load(6), "z": load(5)}, expr="y + z"),
        SeriesRequest("five", {"m": load(5)}),
    ]
    got = fetch_series(clients.client("cloudwatch"), Resolver(clients), requests, published)
    [call] = recorder.calls
    assert len(call.params["MetricDataQueries"]) == 4  # two metrics, two expressions
    assert got["ratio"].latest == pytest.approx(10 / 12)
    assert got["sum"].latest == 22.0
    assert got["five"].latest == 10.0


def test_no_data_is_an_empty_series_never_zero(world, published):
    quiet = SeriesRequest("quiet", {"m": Metric(NAMESPACE, "Silent", "Sum", {}, Duration(60))})
    got = fetch_series(
        world.clients.client("cloudwatch"), Resolver(world.clients), [quiet], published
    )["quiet"]
    assert got.points == ()
    assert got.latest is None
    assert got.error is None


def test_a_dimension_that_does_not_resolve_fails_only_its_series(world, recorder, published):
    clients = recorded_clients(world, recorder)
    typo = Metric(
        "AWS/ApplicationELB",
        "RequestCount",
        "Sum",
        {"TargetGroup": ResourceRef("target_group", "web-gren")},
        Duration(60),
    )
    got = fetch_series(
        clients.client("cloudwatch"),
        Resolver(clients),
        [SeriesRequest("typo", {"m": typo}), single(9)],
        published,
    )
    assert got["typo"].error is not None
    assert "no target group 'web-gren' in region us-east-1" in got["typo"].error
    assert got["load-9"].latest == 18.0
    assert recorder.operations("GetMetricData") == ["cloudwatch.GetMetricData"]


def test_the_window_limits_how_far_back_a_series_goes(world, published):
    request = SeriesRequest("recent", {"m": load(2)}, window=90)
    got = fetch_series(
        world.clients.client("cloudwatch"), Resolver(world.clients), [request], published
    )["recent"]
    assert [v for _, v in got.points] == [4.0]


def test_the_shipped_canary_guardrails_read_the_worlds_target_group_metrics(world, ctx):
    from tui.aws.cloud import AwsCloud

    canary = load_runbook("runbooks/alb-canary.yaml").step("canary")
    requests = []
    for guardrail in canary.guardrails:
        condition = guardrail.condition
        if isinstance(condition, ExprCondition):
            requests.append(SeriesRequest(guardrail.name, condition.metrics, condition.expr))
        elif isinstance(condition, MetricCondition):
            requests.append(SeriesRequest(guardrail.name, {"m": condition.metric}))

    set_listener_weights(world, 50, 50)
    try:
        run_for(world, 180)
        got = AwsCloud(ctx).fetch(requests, world.clock.now())
    finally:
        set_listener_weights(world, 100, 0)
    assert isinstance(ctx, AwsContext)
    assert got["green 5xx rate"].error is None
    assert got["green 5xx rate"].latest is not None
    assert got["green 5xx rate"].latest < 1  # healthy green: (near) no errors
    assert got["green p99 latency"].latest is not None
    assert 0 < got["green p99 latency"].latest < 0.5
    assert got["green unhealthy hosts"].latest == 0
    assert not math.isnan(got["green 5xx rate"].latest)
