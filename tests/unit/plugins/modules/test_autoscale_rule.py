# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""autoscale_rule in-process against the ARM emulator: a rule is updated in place by its identity."""

from __future__ import annotations

import pytest

from ansible_collections.mlops.autoscale.plugins.modules import autoscale_profile, autoscale_rule
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import AnsibleExitJson, AnsibleFailJson, run_module

SCALE_OUT = {"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70, "direction": "Increase",
             "value": 1, "cooldown": "10m"}
SCALE_IN = {"metric_name": "CpuUtilizationPercentage", "operator": "LessThan", "threshold": 30, "direction": "Decrease",
            "value": 1, "cooldown": "10m"}


@pytest.fixture
def profile(emulator, target_args):
    kind, result = run_module(autoscale_profile, dict(target_args, name="default",
                                                      capacity={"minimum": 1, "maximum": 4, "default": 2},
                                                      rules=[dict(SCALE_OUT), dict(SCALE_IN)]))
    assert kind is AnsibleExitJson, result
    emulator.clear_requests()


def raw_rules(arm):
    [raw] = arm.settings()
    [profile] = raw["properties"]["profiles"]
    return profile["rules"]


def test_missing_setting_fails(emulator, target_args):
    kind, result = run_module(autoscale_rule, dict(target_args, **SCALE_OUT))
    assert kind is AnsibleFailJson
    assert result["msg"].startswith("No autoscale setting targets /subscriptions/")
    assert "autoscale_profile" in result["msg"]
    assert emulator.writes() == []


@pytest.mark.usefixtures("profile")
def test_same_rule_is_unchanged(emulator, target_args):
    kind, result = run_module(autoscale_rule, dict(target_args, profile_name="default", **SCALE_OUT))
    assert (kind, result["changed"]) == (AnsibleExitJson, False), result
    assert emulator.writes() == []


@pytest.mark.usefixtures("profile")
def test_identity_update_in_place(emulator, target_args, arm):
    before = raw_rules(arm)
    changed = dict(SCALE_OUT, threshold=80, operator="GreaterThanOrEqual", cooldown="20m", time_window="10m")

    kind, result = run_module(autoscale_rule, dict(target_args, profile_name="default", _ansible_check_mode=True, **changed))
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    assert emulator.writes() == []

    kind, result = run_module(autoscale_rule, dict(target_args, profile_name="default", _ansible_diff=True, **changed))
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    assert len(emulator.writes()) == 1
    rules = result["autoscale_setting"]["profiles"][0]["rules"]
    assert len(rules) == 2
    assert [(rule["direction"], rule["operator"], rule["threshold"], rule["cooldown"], rule["time_window"]) for rule in rules] == [
        ("Increase", "GreaterThanOrEqual", 80, "20m", "10m"), ("Decrease", "LessThan", 30, "10m", "5m")]
    label = "profiles.default.rules[CpuUtilizationPercentage >= 80 Increase]"
    assert result["diff"] == {
        "before": {label + ".time_window": "5m", label + ".operator": "GreaterThan", label + ".threshold": 70, label + ".cooldown": "10m"},
        "after": {label + ".time_window": "10m", label + ".operator": "GreaterThanOrEqual", label + ".threshold": 80, label + ".cooldown": "20m"}}

    after = raw_rules(arm)
    assert len(after) == 2
    assert after[0]["metricTrigger"]["threshold"] == 80
    assert after[0]["metricTrigger"]["operator"] == "GreaterThanOrEqual"
    assert after[0]["scaleAction"]["cooldown"] == "PT20M"
    assert after[1] == before[1]

    emulator.clear_requests()
    kind, result = run_module(autoscale_rule, dict(target_args, profile_name="default", **changed))
    assert (kind, result["changed"]) == (AnsibleExitJson, False)
    assert emulator.writes() == []


@pytest.mark.usefixtures("profile")
def test_new_identity_adds_a_rule_and_absent_removes_it(emulator, target_args, arm):
    endpoint_rule = {"metric_name": "RequestLatency", "metric_resource": "endpoint", "operator": "GreaterThan",
                     "threshold": 70, "direction": "Increase", "value": 1, "cooldown": "10m"}
    kind, result = run_module(autoscale_rule, dict(target_args, profile_name="default", **endpoint_rule))
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    assert len(raw_rules(arm)) == 3
    assert raw_rules(arm)[2]["metricTrigger"]["metricResourceUri"].lower().endswith("/onlineendpoints/ep-fraud")
    emulator.clear_requests()
    kind, result = run_module(autoscale_rule, dict(target_args, profile_name="default", state="absent", metric_name="RequestLatency",
                                                   metric_resource="endpoint", direction="Increase"))
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    assert len(emulator.writes()) == 1
    assert len(raw_rules(arm)) == 2


@pytest.mark.usefixtures("profile")
def test_unknown_profile(emulator, target_args):
    kind, result = run_module(autoscale_rule, dict(target_args, profile_name="weekend", **SCALE_OUT))
    assert kind is AnsibleFailJson
    assert "has no profile 'weekend'" in result["msg"] and "default" in result["msg"]
    assert emulator.writes() == []
