# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._lint import lint_setting
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import CPU_IN, CPU_OUT, DEPLOYMENT_ID, build_profiles


def setting(*profiles):
    return _model.apply_setting(_model.new_setting("s", "eastus", DEPLOYMENT_ID), profiles=build_profiles(list(profiles)))


def default(rules, minimum=2, maximum=5):
    return {"name": "default", "capacity": {"minimum": minimum, "maximum": maximum}, "rules": rules}


def codes(findings):
    return sorted(finding["code"] for finding in findings)


def test_clean_policy():
    assert lint_setting(setting(default([CPU_OUT, CPU_IN]))) == []


def test_seed_sample_direction_bug():
    findings = lint_setting(setting(default([CPU_OUT, dict(CPU_IN, direction="Increase")])))
    assert codes(findings) == ["direction-contradicts-operator", "scale-out-without-scale-in"]
    assert findings[0]["path"] == "profiles.default.rules[1].direction" and "Decrease" in findings[0]["fix"]


@pytest.mark.parametrize("scale_in, scale_out, value, counts", [
    (60, 80, 1, "at 3->2 instances"),
    (70, 80, 1, "at 3->2, 4->3, 5->4 instances"),
    (40, 70, 2, "at 4->2 instances"),
    (75, 70, 1, "at 3->2, 4->3, 5->4 instances"),
])
def test_flapping(scale_in, scale_out, value, counts):
    findings = [finding for finding in lint_setting(setting(default([dict(CPU_OUT, threshold=scale_out), dict(CPU_IN, threshold=scale_in, value=value)])))
                if finding["code"] == "flapping-thresholds"]
    assert len(findings) == 1 and counts in findings[0]["message"]
    assert "Lower the scale-in threshold below" in findings[0]["fix"]


def test_no_flapping_with_margin_or_other_metric():
    assert lint_setting(setting(default([dict(CPU_OUT, threshold=80), dict(CPU_IN, threshold=30)]))) == []
    other = dict(CPU_IN, metric_name="CpuMemoryUtilizationPercentage", threshold=90)
    assert lint_setting(setting(default([CPU_OUT, other]))) == []


@pytest.mark.parametrize("rules, minimum, maximum, expected", [
    ([CPU_IN], 2, 5, ["scale-in-without-scale-out"]),
    ([CPU_OUT], 2, 5, ["scale-out-without-scale-in"]),
    ([CPU_OUT], 2, 2, ["fixed-size-with-rules"]),
    ([], 2, 60, ["maximum-above-default-quota"]),
    ([dict(CPU_OUT, cooldown="5m"), CPU_IN], 2, 5, ["cooldown-shorter-than-provisioning"]),
    ([dict(CPU_OUT, time_window="2m"), CPU_IN], 2, 5, ["time-window-too-short"]),
    ([dict(CPU_OUT, time_window="10m", time_grain="15m"), CPU_IN], 2, 5, ["time-window-shorter-than-time-grain"]),
])
def test_profile_lints(rules, minimum, maximum, expected):
    findings = lint_setting(setting(default(rules, minimum, maximum)))
    assert codes(findings) == expected
    assert all(finding["message"] and finding["fix"] and finding["path"].startswith("profiles.default") for finding in findings)


def test_provisioning_time_parameter():
    policy = setting(default([dict(CPU_OUT, cooldown="20m"), CPU_IN]))
    assert codes(lint_setting(policy, provisioning_time=1800)) == ["cooldown-shorter-than-provisioning"]
    assert lint_setting(policy) == []


def test_recurring_same_start():
    weekend = {"name": "a", "capacity": {"minimum": 1, "maximum": 1},
               "recurrence": {"days": ["Saturday", "Sunday"], "time_zone": "UTC", "end": "23:59"}}
    sunday = {"name": "b", "capacity": {"minimum": 1, "maximum": 1}, "recurrence": {"days": ["Sunday"], "time_zone": "UTC", "end": "12:00"}}
    findings = lint_setting(setting(default([CPU_OUT, CPU_IN]), weekend, sunday))
    assert codes(findings) == ["recurring-profiles-same-start"] and "Sunday" in findings[0]["message"]
    later = dict(sunday, recurrence=dict(sunday["recurrence"], start="01:00"))
    assert lint_setting(setting(default([CPU_OUT, CPU_IN]), weekend, later)) == []


def test_a_recurrence_that_never_ends_hides_the_default_profile():
    """The seed how-to's weekend profile without an end: Azure keeps it active until the next profile starts, for good."""
    weekend = {"name": "weekend", "capacity": {"minimum": 2, "maximum": 2},
               "recurrence": {"days": ["Saturday", "Sunday"], "time_zone": "Pacific Standard Time"}}
    findings = lint_setting(setting(default([CPU_OUT, CPU_IN]), weekend))
    assert codes(findings) == ["recurrence-without-end"] and findings[0]["path"] == "profiles.weekend.recurrence.end"
    assert "'default' never applies again" in findings[0]["message"]
    ended = dict(weekend, recurrence=dict(weekend["recurrence"], end="23:59"))
    assert lint_setting(setting(default([CPU_OUT, CPU_IN]), ended)) == []


def test_classic_administrator_emails_are_retired():
    policy = setting(default([CPU_OUT, CPU_IN]))
    policy["notifications"] = _model.build_notifications({"send_to_subscription_co_administrators": True}, "notifications")
    findings = lint_setting(policy)
    assert codes(findings) == ["classic-administrator-emails"]
    assert "2024-08-31" in findings[0]["message"] and "SendEmailsToAdminCoAdminsNotSupported" in findings[0]["message"]
    assert "custom_emails" in findings[0]["fix"] and "ScaleActionsInitiated" in findings[0]["fix"]


def test_plain_http_webhook():
    policy = setting(default([CPU_OUT, CPU_IN]))
    policy["notifications"] = _model.build_notifications({"webhooks": [{"service_uri": "http://hooks.example.com/scale"}]}, "notifications")
    assert codes(lint_setting(policy)) == ["webhook-without-https"]


@pytest.mark.parametrize("metric_name, dimensions, expected", [
    ("RequestsPerMinute", [], ["endpoint-metric-without-deployment-dimension"]),
    ("RequestLatency_P99", [{"name": "statusCodeClass", "values": ["2xx"]}], ["endpoint-metric-without-deployment-dimension"]),
    ("RequestsPerMinute", [{"name": "Deployment", "values": ["blue"]}], []),
    ("ConnectionsActive", [], []),
])
def test_endpoint_metrics_need_the_deployment_dimension(metric_name, dimensions, expected):
    rules = [dict(CPU_OUT, metric_name=metric_name, metric_resource="endpoint", threshold=1000, dimensions=dimensions), CPU_IN]
    findings = lint_setting(setting(default(rules)))
    assert codes(findings) == expected
    if expected:
        assert findings[0]["path"] == "profiles.default.rules[0].dimensions"
        assert "other deployments' included" in findings[0]["message"] and "values: [blue]" in findings[0]["fix"]


def test_exact_count_rules_with_direction_none_are_scale_actions():
    """The Azure CLI's --scale to N writes ExactCount with direction None: it scales out below N and in above it."""
    to_six = dict(CPU_OUT, threshold=85, type="ExactCount", value=6, direction="None", cooldown="20m")
    to_two = dict(CPU_IN, threshold=20, type="ExactCount", value=2, direction="None")
    assert lint_setting(setting(default([to_six, to_two], 2, 8))) == []
    assert codes(lint_setting(setting(default([dict(to_six, cooldown="5m"), to_two], 2, 8)))) == ["cooldown-shorter-than-provisioning"]
    flapping = lint_setting(setting(default([to_six, dict(to_two, threshold=30)], 2, 8)))
    assert codes(flapping) == ["flapping-thresholds"] and "6->2, 7->2, 8->2 instances" in flapping[0]["message"]
