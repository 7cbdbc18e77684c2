# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""autoscale_simulate in-process against the ARM emulator (which serves synthetic metric history)."""

from __future__ import annotations

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _chart, _replay
from ansible_collections.mlops.autoscale.plugins.modules import autoscale_simulate, autoscale_state
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import AnsibleExitJson, AnsibleFailJson, run_module

END = "2030-03-04T12:00:00Z"
CURRENT = [{"name": "default", "capacity": {"minimum": 1, "maximum": 5, "default": 2}, "rules": [
    {"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70, "direction": "Increase", "cooldown": "10m"},
    {"metric_name": "CpuUtilizationPercentage", "operator": "LessThan", "threshold": 30, "direction": "Decrease", "cooldown": "20m"},
]}]
PROPOSED = {
    "capacity": {"minimum": 2, "maximum": 8, "default": 3},
    "rules": [
        {"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 60, "direction": "Increase", "value": 2,
         "cooldown": "20m"},
        {"metric_name": "RequestLatency_P99", "metric_resource": "endpoint", "operator": "GreaterThan", "threshold": 400,
         "direction": "Increase", "cooldown": "20m", "statistic": "Max"},
        {"metric_name": "CpuUtilizationPercentage", "operator": "LessThan", "threshold": 25, "direction": "Decrease", "cooldown": "30m"},
    ],
    "profiles": [{"name": "weekend", "capacity": {"minimum": 1, "maximum": 2},
                  "recurrence": {"days": ["Saturday", "Sunday"], "time_zone": "W. Europe Standard Time", "start": "00:00", "end": "23:59"}}],
}


def _metric_requests(emulator):
    return [entry for entry in emulator.requests() if entry["path"].lower().endswith("/providers/microsoft.insights/metrics")]


def test_current_and_proposed(emulator, target_args, tmp_path):
    kind, _result = run_module(autoscale_state, dict(target_args, profiles=CURRENT))
    assert kind is AnsibleExitJson
    emulator.clear_requests()
    png, page = tmp_path / "sim.png", tmp_path / "sim.html"
    kind, result = run_module(autoscale_simulate, dict(target_args, window="2d", end=END, proposed=PROPOSED, png_path=str(png),
                                                       html_path=str(page), slo={"metric_name": "CpuUtilizationPercentage", "threshold": 80},
                                                       _ansible_check_mode=True))
    assert kind is AnsibleExitJson, result
    assert result["changed"] is False
    assert emulator.writes() == []
    simulation = result["simulation"]
    assert simulation["window"] == {"start": "2030-03-02T12:00:00Z", "end": END, "minutes": 2880}
    for label in ("current", "proposed"):
        replay = simulation[label]
        summary = replay["summary"]
        assert summary["minutes"] == 2880
        assert summary["instance_hours"] > 0
        assert summary["slo_minutes_breached"] is not None
        assert set(replay) >= {"summary", "events", "skipped", "timeline", "events_truncated", "timeline_downsampled"}
        assert len(replay["timeline"]) <= 500
        assert all(event["kind"] in ("scale_out", "scale_in", "clamp", "default_capacity") for event in replay["events"])
    assert simulation["current"]["setting_name"] == "autoscale-ep-fraud-blue"
    assert set(simulation["comparison"]) >= {"instance_hours", "slo_minutes_breached"}
    assert simulation["proposed"]["summary"]["profile_minutes"]
    # One request per metric resource and metric (CPU and latency; the SLO reuses CPU), plus the recorded capacity.
    requests = _metric_requests(emulator)
    assert len(requests) == 3
    assert simulation["observed_capacity"] is True
    assert {item["metric_name"] for item in simulation["metrics"]} == {"CpuUtilizationPercentage", "RequestLatency_P99"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "<script" not in text
    assert simulation["png_path"] == str(png) and simulation["html_path"] == str(page)


def test_no_setting_replays_only_the_proposed_policy(emulator, target_args):
    kind, result = run_module(autoscale_simulate, dict(target_args, window="6h", end=END, proposed=PROPOSED, max_events=2,
                                                       max_timeline=3))
    assert kind is AnsibleExitJson, result
    simulation = result["simulation"]
    assert simulation["current"] is None and simulation["comparison"] is None
    assert len(simulation["proposed"]["timeline"]) <= 3
    assert len(simulation["proposed"]["events"]) <= 2


def test_role_variable_names_are_accepted(emulator, target_args):
    proposed = {"endpoint_autoscale_capacity": {"minimum": 1, "maximum": 3}, "endpoint_autoscale_rules": PROPOSED["rules"][:1]}
    kind, result = run_module(autoscale_simulate, dict(target_args, window="1h", end=END, proposed=proposed, simulate_current=False))
    assert kind is AnsibleExitJson, result
    assert result["simulation"]["proposed"]["summary"]["minutes"] == 60


@pytest.mark.parametrize("args, message", [
    ({"proposed": {"capacity": {"minimum": 3, "maximum": 2}}}, "proposed.capacity"),
    ({"proposed": {"capacity": {"minimum": 1, "maximum": 2}, "rules": [{"metric_name": "Nope", "operator": "GreaterThan",
                                                                        "threshold": 1, "direction": "Increase"}]}}, "proposed.rules[0].metric_name"),
    ({"proposed": {"capacity": {"minimum": 1, "maximum": 2}, "extra": 1}}, "proposed.extra"),
    ({"window": "10m"}, "window"),
    ({"end": "yesterday"}, "end"),
    ({"parameters": {"metric_lag": "soon"}}, "parameters.metric_lag"),
    ({"slo": {"metric_name": "Nope", "threshold": 1}}, "slo.metric_name"),
])
def test_bad_input_fails_before_reading_metrics(emulator, target_args, args, message):
    kind, result = run_module(autoscale_simulate, dict(target_args, **args))
    assert kind is AnsibleFailJson
    assert message in result["msg"]
    assert _metric_requests(emulator) == []


def test_png_without_matplotlib(emulator, target_args, tmp_path, monkeypatch):
    def missing(_path, _chart_data):
        raise _chart.ChartError("no matplotlib", missing="matplotlib")
    monkeypatch.setattr(_replay, "write_png", missing)
    kind, result = run_module(autoscale_simulate, dict(target_args, window="1h", end=END, proposed=PROPOSED,
                                                       png_path=str(tmp_path / "x.png")))
    assert kind is AnsibleFailJson
    assert "matplotlib" in result["msg"]


def test_metric_errors_are_azure_failures(emulator, target_args):
    emulator.set_faults([{"action": "status", "status": 403, "path": "metrics", "code": "AuthorizationFailed"}])
    kind, result = run_module(autoscale_simulate, dict(target_args, window="1h", end=END, proposed=PROPOSED))
    assert kind is AnsibleFailJson
    assert result["error"]["status"] == 403
    assert "metric history" in result["msg"]
