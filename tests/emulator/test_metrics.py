"""Synthetic Azure Monitor metrics through MonitorManagementClient.metrics.list."""

import datetime

import pytest
from azure.core.exceptions import HttpResponseError

from emulator_helpers import deployment


def _window(hours=2):
    end = datetime.datetime(2030, 3, 4, 12, 0, tzinfo=datetime.timezone.utc)
    return "%s/%s" % ((end - datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ"))


def test_metrics_list(monitor, env, emulator):
    target = deployment(env)["id"]
    result = monitor.metrics.list(target, timespan=_window(), interval="PT5M", metricnames="CpuUtilizationPercentage,RequestLatency_P99",
                                  aggregation="Average,Maximum", metricnamespace="Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments")
    assert result.interval == "PT5M" and result.timespan.startswith("2030-03-04T10:00:00Z")
    cpu, latency = result.value
    assert cpu.name.value == "CpuUtilizationPercentage" and cpu.unit == "Percent"
    assert latency.unit == "MilliSeconds"
    points = cpu.timeseries[0].data
    assert len(points) == 24
    values = [point.average for point in points if point.average is not None]
    assert values and all(0 <= value <= 100 for value in values)
    assert all(point.maximum >= point.average for point in points if point.average is not None)
    again = monitor.metrics.list(target, timespan=_window(), interval="PT5M", metricnames="CpuUtilizationPercentage", aggregation="Average")
    assert [point.average for point in again.value[0].timeseries[0].data] == [point.average for point in points]
    assert any(entry["query"].find("api-version=2024-02-01") >= 0 for entry in emulator.requests() if entry["path"].endswith("/metrics"))


def test_metrics_gaps_and_endpoint_metrics(monitor, env, http):
    target = deployment(env)["id"]
    day = monitor.metrics.list(target, timespan=_window(48), interval="PT1M", metricnames="RequestsPerMinute", aggregation="Average")
    data = day.value[0].timeseries[0].data
    assert len(data) == 48 * 60
    assert any(point.average is None for point in data), "short gaps are expected"
    endpoint_id = target.rsplit("/deployments/", 1)[0]
    ep = monitor.metrics.list(endpoint_id, timespan=_window(), interval="PT1H", metricnames="RequestLatency,ConnectionsActive", aggregation="Average")
    assert [item.name.value for item in ep.value] == ["RequestLatency", "ConnectionsActive"]
    for version in ("2018-01-01", "2023-10-01"):
        resp = http.call("GET", target + "/providers/microsoft.insights/metrics", api_version=version,
                         params={"metricnames": "DeploymentCapacity", "timespan": _window(), "interval": "PT15M"})
        assert resp.status_code == 200 and len(resp.json()["value"][0]["timeseries"][0]["data"]) == 8
    definitions = monitor.metric_definitions.list(target)
    assert "CpuUtilizationPercentage" in [item.name.value for item in definitions]


def test_unknown_metric(monitor, env):
    with pytest.raises(HttpResponseError) as info:
        monitor.metrics.list(deployment(env)["id"], timespan=_window(), metricnames="Percentage CPU")
    assert info.value.status_code == 400 and "Percentage CPU" in str(info.value)
