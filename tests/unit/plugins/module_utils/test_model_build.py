# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import CPU_OUT, DEPLOYMENT_ID, ENDPOINT_ID, TARGET

OTHER_ID = "/subscriptions/0000-1111/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/bus/queues/jobs"


def rule(**changes):
    return _model.build_rule(dict(CPU_OUT, **changes), TARGET, "rules[0]")


def test_rule_defaults():
    built = _model.build_rule({"metric_name": "cpuutilizationpercentage", "operator": "lessthan", "threshold": "30.0",
                               "direction": "decrease"}, TARGET, "r")
    assert built == {
        "metric_name": "CpuUtilizationPercentage", "metric_resource": "deployment", "metric_resource_uri": DEPLOYMENT_ID,
        "metric_namespace": None, "statistic": "Average", "time_grain": "1m", "time_window": "5m", "time_aggregation": "Average",
        "operator": "LessThan", "threshold": 30, "dimensions": [], "divide_per_instance": False, "direction": "Decrease",
        "type": "ChangeCount", "value": 1, "cooldown": "15m"}


@pytest.mark.parametrize("changes, role, uri", [
    ({"metric_name": "RequestLatency"}, "endpoint", ENDPOINT_ID),
    ({"metric_name": "RequestsPerMinute"}, "deployment", DEPLOYMENT_ID),
    ({"metric_name": "RequestsPerMinute", "metric_resource": "endpoint"}, "endpoint", ENDPOINT_ID),
    ({"metric_resource": DEPLOYMENT_ID.upper()}, "deployment", DEPLOYMENT_ID.upper()),
    ({"metric_name": "ActiveMessages", "metric_resource": OTHER_ID}, OTHER_ID, OTHER_ID),
])
def test_metric_resource(changes, role, uri):
    built = rule(**changes)
    assert (built["metric_resource"], built["metric_resource_uri"]) == (role, uri)


@pytest.mark.parametrize("namespace, expected", [
    (None, None), ("", None), (_model.ML_DEPLOYMENT_NAMESPACE.upper(), None), ("custom/ns", "custom/ns")])
def test_namespace_canonical(namespace, expected):
    assert rule(metric_namespace=namespace)["metric_namespace"] == expected


def test_dimensions_canonical():
    built = rule(dimensions=[{"name": "b", "values": ["2", "1"]}, {"name": "A", "operator": "notequals", "values": ["x"]}])
    assert built["dimensions"] == [{"name": "A", "operator": "NotEquals", "values": ["x"]},
                                   {"name": "b", "operator": "Equals", "values": ["1", "2"]}]


@pytest.mark.parametrize("changes, message", [
    ({"metric_name": "CpuPercentage"}, r"rules\[0\]\.metric_name: 'CpuPercentage' is not a metric of deployment .*allowed: CpuUtilizationPercentage"),
    ({"metric_name": "ConnectionsActive", "metric_resource": "deployment"}, r"rules\[0\]\.metric_name: .*allowed: "),
    ({"metric_name": None}, r"rules\[0\]\.metric_name: required"),
    ({"metric_resource": "workspace"}, r"rules\[0\]\.metric_resource: 'workspace' is neither deployment, endpoint nor a resource id"),
    ({"statistic": "Mean"}, r"rules\[0\]\.statistic: 'Mean' is not one of Average, Min, Max, Sum, Count"),
    ({"time_aggregation": "Median"}, r"rules\[0\]\.time_aggregation: .*Average, Minimum, Maximum, Total, Count, Last"),
    ({"operator": ">"}, r"rules\[0\]\.operator: '>' is not one of Equals"),
    ({"operator": None}, r"rules\[0\]\.operator: required"),
    ({"direction": "Up"}, r"rules\[0\]\.direction: 'Up' is not one of Increase, Decrease, None"),
    ({"type": "Exact"}, r"rules\[0\]\.type: 'Exact' is not one of ChangeCount"),
    ({"threshold": "high"}, r"rules\[0\]\.threshold: 'high' is not a number"),
    ({"threshold": None}, r"rules\[0\]\.threshold: required"),
    ({"value": 0}, r"rules\[0\]\.value: 0 is out of range; allowed: at least 1"),
    ({"value": 1.5}, r"rules\[0\]\.value: 1.5 is not an integer"),
    ({"type": "ExactCount", "value": 1001}, r"rules\[0\]\.value: 1001 is out of range; allowed: 1 to 1000"),
    ({"cooldown": "30s"}, r"rules\[0\]\.cooldown: 30s is out of range; allowed: 1m to 1w"),
    ({"cooldown": "8d"}, r"rules\[0\]\.cooldown: 1w1d is out of range; allowed: 1m to 1w"),
    ({"cooldown": "soon"}, r"rules\[0\]\.cooldown: 'soon' is not a duration"),
    ({"time_grain": "13h"}, r"rules\[0\]\.time_grain: 13h is out of range; allowed: 1m to 12h"),
    ({"time_window": "PT30S"}, r"rules\[0\]\.time_window: 30s is out of range; allowed: 1m to 12h"),
    ({"dimensions": [{"name": "x", "values": []}]}, r"rules\[0\]\.dimensions\[0\]\.values: give one or more values"),
    ({"dimensions": [{"name": "x", "operator": "In", "values": ["a"]}]}, r"rules\[0\]\.dimensions\[0\]\.operator: 'In' is not one of Equals, NotEquals"),
])
def test_rule_errors(changes, message):
    with pytest.raises(ValueError, match="^" + message):
        rule(**changes)


def profile(**changes):
    params = {"name": "p", "capacity": {"minimum": 1, "maximum": 3}, "rules": None}
    params.update(changes)
    return _model.build_profile(params, TARGET, "profiles[1]")


def test_profile_defaults():
    built = profile(recurrence={"days": ["sunday", "Monday", "monday"], "time_zone": "utc"})
    assert built == {"name": "p", "capacity": {"minimum": 1, "maximum": 3, "default": 1},
                     "recurrence": {"days": ["Monday", "Sunday"], "time_zone": "UTC", "start": "00:00"}, "rules": None}
    assert profile(rules=[])["rules"] == []


@pytest.mark.parametrize("changes, message", [
    ({"name": None}, r"profiles\[1\]\.name: required"),
    ({"capacity": None}, r"profiles\[1\]\.capacity: required"),
    ({"capacity": {"minimum": 0, "maximum": 3}}, r"profiles\[1\]\.capacity\.minimum: 0 is out of range; allowed: 1 to 1000"),
    ({"capacity": {"minimum": 1, "maximum": 1001}}, r"profiles\[1\]\.capacity\.maximum: 1001 is out of range; allowed: 1 to 1000"),
    ({"capacity": {"minimum": 1, "maximum": 3, "default": 4}}, r"profiles\[1\]\.capacity: need minimum <= default <= maximum"),
    ({"capacity": {"minimum": 4, "maximum": 3}}, r"profiles\[1\]\.capacity: need minimum <= default <= maximum"),
    ({"capacity": {"minimum": "x", "maximum": 3}}, r"profiles\[1\]\.capacity\.minimum: 'x' is not an integer"),
    ({"recurrence": {"days": ["Sat"], "time_zone": "UTC"}}, r"profiles\[1\]\.recurrence\.days\[0\]: 'Sat' is not one of Monday"),
    ({"recurrence": {"days": [], "time_zone": "UTC"}}, r"profiles\[1\]\.recurrence\.days: give one or more of Monday"),
    ({"recurrence": {"days": ["Monday"], "time_zone": "PST"}}, r"profiles\[1\]\.recurrence\.time_zone: 'PST' is not a Windows time zone id"),
    ({"recurrence": {"days": ["Monday"]}}, r"profiles\[1\]\.recurrence\.time_zone: required"),
    ({"recurrence": {"days": ["Monday"], "time_zone": "UTC", "start": "24:00"}}, r"profiles\[1\]\.recurrence\.start: '24:00' is not a time of day"),
    ({"recurrence": {"days": ["Monday"], "time_zone": "UTC", "end": "7pm"}}, r"profiles\[1\]\.recurrence\.end: '7pm' is not a time of day"),
    ({"recurrence": {"days": ["Monday"], "time_zone": "UTC", "start": "08:00", "end": "8:00"}}, r"profiles\[1\]\.recurrence\.end: must differ"),
    ({"recurrence": {"days": ["Monday"], "time_zone": "UTC"}, "fixed_date": {"time_zone": "UTC"}}, r"profiles\[1\]: recurrence and fixed_date are mutually"),
    ({"fixed_date": {"time_zone": "UTC", "start": "2026-01-02", "end": "2026-01-03T00:00"}}, r"profiles\[1\]\.fixed_date\.start: '2026-01-02' is not a date"),
    ({"fixed_date": {"time_zone": "UTC", "start": "2026-13-02T00:00", "end": "2026-01-03T00:00"}}, r"profiles\[1\]\.fixed_date\.start: .* is not a date"),
    ({"fixed_date": {"time_zone": "UTC", "start": "2026-01-03T00:01", "end": "2026-01-03T00:00"}},
     r"profiles\[1\]\.fixed_date\.end: .* must not be earlier than start"),
    ({"rules": [CPU_OUT] * 11}, r"profiles\[1\]\.rules: 11 rules exceed Azure's limit of 10"),
    ({"rules": [dict(CPU_OUT, value=0)]}, r"profiles\[1\]\.rules\[0\]\.value: 0 is out of range"),
])
def test_profile_errors(changes, message):
    with pytest.raises(ValueError, match="^" + message):
        profile(**changes)


def test_notifications():
    block = _model.build_notifications({"send_to_subscription_administrator": True, "custom_emails": ["b@x.io", "a@x.io", "b@x.io"],
                                        "webhooks": [{"service_uri": "https://h.example.com/x?sig=1", "properties": {"n": 1}}]}, "notifications")
    assert block == {"send_to_subscription_administrator": True, "send_to_subscription_co_administrators": False,
                     "custom_emails": ["a@x.io", "b@x.io"], "webhooks": [{"service_uri": "https://h.example.com/x?sig=1", "properties": {"n": "1"}}]}
    assert _model.build_notifications({"custom_emails": [], "webhooks": []}, "notifications") is None
    assert _model.build_notifications(None, "notifications") is None


@pytest.mark.parametrize("params, message", [
    ({"custom_emails": ["oncall"]}, r"notifications\.custom_emails\[0\]: 'oncall' is not an e-mail address"),
    ({"webhooks": [{"service_uri": "ftp://h.example.com/?sig=abc"}]},
     r"notifications\.webhooks\[0\]\.service_uri: 'ftp://h.example.com/\?sig=VALUE_REDACTED' is not an https://"),
    ({"webhooks": [{}]}, r"notifications\.webhooks\[0\]\.service_uri: required"),
    ({"webhooks": [{"service_uri": "https://h.example.com", "properties": {"a": [1]}}]}, r"notifications\.webhooks\[0\]\.properties\.a: \[1\] is not a string"),
])
def test_notification_errors(params, message):
    with pytest.raises(ValueError, match="^" + message):
        _model.build_notifications(params, "notifications")


@pytest.mark.parametrize("uri, masked", [
    ("hooks.example.com/scale?sig=abc&x=1", "hooks.example.com/scale?sig=VALUE_REDACTED&x=1"),
    ("https://user:pass@hooks.example.com/a?code=1#f", "https://user:VALUE_REDACTED@hooks.example.com/a?code=VALUE_REDACTED#f"),
    ("https://hooks.example.com/a", "https://hooks.example.com/a"),
    (None, None),
])
def test_mask_uri_also_masks_a_malformed_uri(uri, masked):
    """An error message that refuses a malformed URI quotes it: its signature must not leak either."""
    assert _model.mask_uri(uri) == masked


def test_policy_profiles_in_the_roles_vocabulary():
    policy = {"capacity": {"minimum": 1, "maximum": 3}, "rules": [dict(CPU_OUT, cooldown=None, value=3)],
              "rule_defaults": {"cooldown": "30m", "value": 2},
              "profiles": [{"name": "weekend", "capacity": {"minimum": 1, "maximum": 1}}, {"name": "night", "rules": None}]}
    [(default_path, default), (weekend_path, weekend), (night_path, night)] = _model.policy_profiles(policy)
    assert (default_path, weekend_path, night_path) == ("policy", "policy.profiles[0]", "policy.profiles[1]")
    assert default["name"] == "default" and default["rules"] == [dict(CPU_OUT, cooldown="30m", value=3)]
    assert weekend["rules"] == [] and night["rules"] == []
    kept = _model.policy_profiles(dict(policy, capacity=None), purge_rules=False, root="proposed")
    assert [path for path, profile in kept] == ["proposed.profiles[0]", "proposed.profiles[1]"]
    assert all("rules" not in profile for path, profile in kept)
    with pytest.raises(ValueError, match=r"^policy\.rule_defaults: must be a dict"):
        _model.policy_profiles(dict(policy, rule_defaults=["cooldown"]))
