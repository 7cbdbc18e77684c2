# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_history: Autoscale events in the shapes Microsoft documents, timelines, triggers, matching and the calibration search."""

from __future__ import annotations

import copy
import json

from ansible_collections.mlops.autoscale.plugins.module_utils import _history

RESOURCE = "/subscriptions/s/resourceGroups/myResourceGroup/providers/Microsoft.ClassicCompute/domainNames/myResourceGroup/slots/Production/roles/myResource"
SETTING = "/subscriptions/s/resourceGroups/myResourceGroup/providers/microsoft.insights/autoscalesettings/myResourceGroup-Production-myResource-myResourceGroup"
# activity-log-schema.md, "Autoscale category" (https://learn.microsoft.com/azure/azure-monitor/essentials/activity-log-schema#autoscale-category)
DOCS_SAMPLE = {
    "caller": "Microsoft.Insights/autoscaleSettings", "channels": "Admin, Operation",
    "claims": {"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/spn": "Microsoft.Insights/autoscaleSettings"},
    "correlationId": "fc6a7ff5-ff68-4bb7-81b4-3629212d03d0",
    "description": "The autoscale engine attempting to scale resource '%s' from 3 instances count to 2 instances count." % RESOURCE,
    "eventDataId": "a5b92075-1de9-42f1-b52e-6f3e4945a7c7", "eventName": {"value": "AutoscaleAction", "localizedValue": "AutoscaleAction"},
    "category": {"value": "Autoscale", "localizedValue": "Autoscale"}, "level": "Informational", "resourceGroupName": "myResourceGroup",
    "resourceProviderName": {"value": "microsoft.insights", "localizedValue": "microsoft.insights"}, "resourceId": SETTING,
    "resourceType": {"value": "microsoft.insights/autoscalesettings", "localizedValue": "microsoft.insights/autoscalesettings"},
    "operationId": "fc6a7ff5-ff68-4bb7-81b4-3629212d03d0",
    "operationName": {"value": "Microsoft.Insights/AutoscaleSettings/Scaledown/Action",
                      "localizedValue": "Microsoft.Insights/AutoscaleSettings/Scaledown/Action"},
    "properties": {"Description": "The autoscale engine attempting to scale resource '%s' from 3 instances count to 2 instances count." % RESOURCE,
                   "ResourceName": RESOURCE, "OldInstancesCount": "3", "NewInstancesCount": "2",
                   "LastScaleActionTime": "Fri, 21 Jul 2017 01:00:51 GMT"},
    "status": {"value": "Succeeded", "localizedValue": "Succeeded"}, "subStatus": {"value": None},
    "eventTimestamp": "2017-07-21T01:00:51.8681572Z", "submissionTimestamp": "2017-07-21T01:00:52.3008754Z", "subscriptionId": "s",
}
# The ActiveAutoscaleProfile of PowerShell's Get-AzAutoscaleHistory and the alert schema: a JSON string, PascalCase keys.
PROFILE = json.dumps({"Name": "Auto created scale condition", "Capacity": {"Minimum": "1", "Maximum": "10", "Default": "1"}, "Rules": [
    {"MetricTrigger": {"Name": "Percentage CPU", "Resource": RESOURCE, "TimeWindow": "PT5M", "Operator": "GreaterThan", "Threshold": 70.0},
     "ScaleAction": {"Direction": "Increase", "Type": "ChangeCount", "Value": "1", "Cooldown": "PT1M"}},
    {"MetricTrigger": {"Name": "Percentage CPU", "Resource": RESOURCE, "TimeWindow": "PT10M", "Operator": "LessThan", "Threshold": 30.0},
     "ScaleAction": {"Direction": "Decrease", "Type": "ChangeCount", "Value": "1", "Cooldown": "PT5M"}}]}, indent=2).replace("\n", "\r\n")


def _event(minute, operation, status, correlation, old, new, **extra):
    event = copy.deepcopy(DOCS_SAMPLE)
    event["eventTimestamp"] = _history.iso(_history.parse_time("2017-07-21T00:00:00Z") + __import__("datetime").timedelta(minutes=minute))
    event["operationName"]["value"] = "Microsoft.Insights/AutoscaleSettings/%s/Action" % operation
    event["status"]["value"], event["correlationId"] = status, correlation
    event["properties"].update(OldInstancesCount=str(old), NewInstancesCount=str(new), ActiveAutoscaleProfile=PROFILE, **extra)
    return event


def test_the_documented_sample():
    record = _history.parse_event(DOCS_SAMPLE)
    assert record["kind"] == "scale_in" and record["status"] == "Succeeded"
    assert (record["from"], record["to"]) == (3, 2) and record["target_id"] == RESOURCE and record["setting_id"] == SETTING
    assert record["time"].microsecond == 868157 and record["profile"] is None


def test_exported_and_alert_shapes():
    exported = dict(copy.deepcopy(DOCS_SAMPLE), operationName="MICROSOFT.INSIGHTS/AUTOSCALESETTINGS/SCALEUP/ACTION", category="Autoscale")
    exported["properties"] = {"oldInstancesCount": 9, "newInstancesCount": 10, "activeAutoscaleProfile": PROFILE, "resourceName": RESOURCE}
    record = _history.parse_event(exported)
    assert record["kind"] == "scale_out" and (record["from"], record["to"]) == (9, 10)
    assert record["profile"]["capacity"] == {"minimum": 1, "maximum": 10, "default": 1}
    assert [rule["direction"] for rule in record["profile"]["rules"]] == ["Increase", "Decrease"]


def test_other_kinds_and_other_categories():
    def named(name):
        return dict(copy.deepcopy(DOCS_SAMPLE), eventName={"value": name})
    names = ("Flapping", "FlappingOccurred", "MetricFailure", "PredictiveMetricFailure", "MetricRecovery", "GetOperationStatusResult")
    assert [_history.classify(named(name)) for name in names] == [
        "flapping", "flapping_adjusted", "metric_failure", "metric_failure", "metric_recovery", "status"]
    assert _history.parse_event(dict(DOCS_SAMPLE, category={"value": "Administrative"})) is None


def test_timeline_merges_the_start_and_end_of_an_action():
    events = [_event(10, "Scaleup", "Succeeded", "a", 2, 3), _event(0, "Scaleup", "Started", "a", 2, 3),
              _event(30, "Scaledown", "Started", "b", 3, 2), dict(_event(40, "Scaledown", "Failed", "b", 3, 2)),
              dict(_event(50, "Flapping", "Succeeded", "c", 2, 2), eventName={"value": "Flapping"})]
    entries = _history.timeline([_history.parse_event(event) for event in events])
    assert [(entry["kind"], entry["status"]) for entry in entries] == [("scale_out", "Succeeded"), ("scale_in", "Failed"), ("flapping", "Succeeded")]
    first = _history.public(entries[0])
    assert first["duration_minutes"] == 10.0 and first["profile"] == "Auto created scale condition"
    counts = _history.counts_from_actions(entries, _history._minute(entries[0]["time"]) - 5, 60)  # pylint: disable=protected-access
    summary = _history.summarise(entries, counts, _history.maximum_lookup(entries, None), min(counts), 60)
    assert summary["scale_outs"] == 1 and summary["failed_actions"] == 1 and summary["flapping_events"] == 1
    assert summary["peak_instances"] == 3 and summary["per_day"] == [{"date": "2017-07-21", "scale_outs": 1, "scale_ins": 1}]


def test_trigger_inference_from_the_setting_metrics():
    entry = _history.timeline([_history.parse_event(_event(0, "Scaledown", "Started", "x", 3, 2))])[0]
    minute = _history._minute(entry["time"])  # pylint: disable=protected-access
    found = _history.trigger(entry, {"source-a": {minute: 21.5}}, None)
    assert found == {"rule": 1, "metric_name": "Percentage CPU", "operator": "LessThan", "threshold": 30.0, "time_window": "PT10M",
                     "observed_value": 21.5, "inferred": True}
    assert _history.trigger(entry, {"source-a": {minute: 50.0}}, None) is not None  # the one rule of its direction, unconfirmed
    out = dict(entry, kind="scale_out")
    assert _history.trigger(out, {"x": {minute: 75.0}}, None)["rule"] == 0


def test_match_pairs_nearest_of_the_same_direction():
    recorded = [(100, "Increase", 2, 3), (200, "Decrease", 3, 2), (300, "Increase", 2, 3)]
    replayed = [(103, "Increase", 2, 3), (199, "Decrease", 3, 2), (250, "Increase", 2, 3)]
    result = _history.match(recorded, replayed, 5)
    assert (result["matched"], result["missed"], result["extra"], result["mean_offset_minutes"]) == (2, 1, 1, 2.0)
    assert result["pairs"] == [(0, 0, 3), (1, 1, -1)]


def test_calibration_finds_the_parameters_that_made_a_history():
    truth = {"metric_lag": "5m", "provisioning_delay": "20m", "evaluation_interval": "1m"}
    recorded = [(minute, "Increase", 1, 2) for minute in range(0, 600, 60)]

    def replay(parameters):
        lag, delay, interval = (abs(int(parameters[name][:-1]) - int(truth[name][:-1])) for name in truth)
        shift = lag + delay // 5 + interval
        return _history.match(recorded, [(minute + shift, way, a, b) for minute, way, a, b in recorded], 5)
    best, result, trials = _history.calibrate(replay, {"metric_lag": "3m", "provisioning_delay": "15m", "evaluation_interval": "5m"})
    assert best == truth and result["mean_offset_minutes"] == 0 and result["missed"] == 0
    assert len(trials) == len({tuple(sorted((k, v) for k, v in trial.items() if k in truth)) for trial in trials})
    assert _history.calibrate(replay, truth)[0] == truth  # deterministic, and a fit start stays put
