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
    weekend = {"name": "a", "capacity": {"minimum": 1, "maximum": 1}, "recurrence": {"days": ["Saturday", "Sunday"], "time_zone": "UTC"}}
    sunday = {"name": "b", "capacity": {"minimum": 1, "maximum": 1}, "recurrence": {"days": ["Sunday"], "time_zone": "UTC"}}
    findings = lint_setting(setting(default([CPU_OUT, CPU_IN]), weekend, sunday))
    assert codes(findings) == ["recurring-profiles-same-start"] and "Sunday" in findings[0]["message"]
    later = dict(sunday, recurrence=dict(sunday["recurrence"], start="01:00"))
    assert lint_setting(setting(default([CPU_OUT, CPU_IN]), weekend, later)) == []
