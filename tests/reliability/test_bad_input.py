# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input: every case fails before any write, with a message naming the field and what is allowed.

The battery runs the four modules in-process against the emulator (fast); a second set runs the endpoint_autoscale
role through ansible-playbook. The emulator's request log must show zero writes for all of them.
"""

from __future__ import annotations

import json
import sys

import pytest
from arm_emulator.testing import ArmClient

import helpers

SIG = helpers.SIGNATURES[4]
BLUE = {"resource_group": "rg-ml-prod", "workspace": "ws-prod", "endpoint": "ep-fraud", "deployment": "blue"}
GREEN = dict(BLUE, deployment="green")          # its setting has 10 rules
RECOMMEND = dict(BLUE, endpoint="ep-recommend")  # its setting has 20 profiles
NEW = {"resource_group": "rg-ml-dev", "workspace": "ws-dev", "endpoint": "ep-fraud-dev", "deployment": "blue"}  # no setting
RULE = {"metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 70, "direction": "Increase"}
CAPACITY = {"minimum": 1, "maximum": 3, "default": 1}
PROFILE = {"name": "default", "capacity": CAPACITY}


def rule(**changes):
    return dict(BLUE, **dict(RULE, **changes))


def profile(**changes):
    return dict(BLUE, **dict(PROFILE, **changes))


def state(target=None, **changes):
    args = dict(target or BLUE, profiles=[{"name": "default", "capacity": CAPACITY}])
    args.update(changes)
    return args


def p(rules=None, **fields):
    """One profile of autoscale_state."""
    item = {"name": "default", "capacity": CAPACITY}
    item.update(fields)
    if rules is not None:
        item["rules"] = rules
    return item


def eleven_rules():
    def numbered(index):
        if index % 2:
            return dict(RULE, threshold=50 + index)
        return dict(RULE, metric_name="RequestsPerMinute", threshold=100 + index, direction="Increase",
                    dimensions=[{"name": "d", "values": [str(index)]}])
    return [numbered(index) for index in range(11)]


def twenty_one_profiles():
    return [p()] + [{"name": "day-{0:02d}".format(index), "capacity": CAPACITY,
                     "fixed_date": {"time_zone": "UTC", "start": "2027-01-{0:02d}T00:00".format(index + 1),
                                    "end": "2027-01-{0:02d}T23:00".format(index + 1)}} for index in range(20)]


# (id, module, args, substrings the message must contain: the field, and what is allowed)
CASES = [
    # ---- autoscale_rule
    ("rule-unknown-metric", "autoscale_rule", rule(metric_name="CpuUtilisation"), ["metric_name", "CpuUtilisation", "allowed", "CpuUtilizationPercentage"]),
    ("rule-endpoint-metric-on-deployment", "autoscale_rule", rule(metric_name="ConnectionsActive", metric_resource="deployment"),
     ["metric_name", "ConnectionsActive", "allowed"]),
    ("rule-deployment-metric-on-endpoint", "autoscale_rule", rule(metric_name="DiskUtilization", metric_resource="endpoint"),
     ["metric_name", "allowed", "RequestLatency"]),
    ("rule-metric-resource-word", "autoscale_rule", rule(metric_resource="vm"), ["metric_resource", "deployment, endpoint"]),
    ("rule-metric-resource-bad-id", "autoscale_rule", rule(metric_resource="/subscriptions/x"), ["metric_resource", "resource id"]),
    ("rule-statistic-enum", "autoscale_rule", rule(statistic="Median"), ["statistic", "Average", "Median"]),
    ("rule-aggregation-enum", "autoscale_rule", rule(time_aggregation="Mean"), ["time_aggregation", "Total"]),
    ("rule-operator-enum", "autoscale_rule", rule(operator="Above"), ["operator", "GreaterThan"]),
    ("rule-direction-enum", "autoscale_rule", rule(direction="Up"), ["direction", "Increase"]),
    ("rule-type-enum", "autoscale_rule", rule(type="Double"), ["type", "ChangeCount"]),
    ("rule-threshold-type", "autoscale_rule", rule(threshold="high"), ["threshold", "float"]),
    ("rule-threshold-nan", "autoscale_rule", rule(threshold="nan"), ["threshold", "not a number"]),
    ("rule-threshold-inf", "autoscale_rule", rule(threshold="inf"), ["threshold", "not a number"]),
    ("rule-value-zero", "autoscale_rule", rule(value=0), ["value", "0", "allowed"]),
    ("rule-value-negative", "autoscale_rule", rule(value=-2), ["value", "-2", "allowed"]),
    ("rule-value-type", "autoscale_rule", rule(value="two"), ["value", "int"]),
    ("rule-changecount-above-spread", "autoscale_rule", rule(value=5), ["value", "ChangeCount", "maximum - minimum", "1 to 2"]),
    ("rule-exactcount-above-1000", "autoscale_rule", rule(type="ExactCount", value=1001), ["value", "1001", "1 to 1000"]),
    ("rule-time-grain-short", "autoscale_rule", rule(time_grain="30s"), ["time_grain", "30s", "1m to 12h"]),
    ("rule-time-grain-long", "autoscale_rule", rule(time_grain="13h"), ["time_grain", "13h", "1m to 12h"]),
    ("rule-time-window-words", "autoscale_rule", rule(time_window="5 minutes"), ["time_window", "not a duration", "PT5M"]),
    ("rule-time-window-iso-unit", "autoscale_rule", rule(time_window="PT5X"), ["time_window", "not a duration", "PT5M"]),
    ("rule-time-window-iso-empty", "autoscale_rule", rule(time_window="PT"), ["time_window", "not a duration"]),
    ("rule-time-window-long", "autoscale_rule", rule(time_window="1d"), ["time_window", "1m to 12h"]),
    ("rule-cooldown-zero", "autoscale_rule", rule(cooldown="0m"), ["cooldown", "1m to 1w"]),
    ("rule-cooldown-long", "autoscale_rule", rule(cooldown="8d"), ["cooldown", "1m to 1w"]),
    ("rule-cooldown-negative", "autoscale_rule", rule(cooldown="-5m"), ["cooldown", "not a duration"]),
    ("rule-cooldown-iso-p", "autoscale_rule", rule(cooldown="P"), ["cooldown", "not a duration"]),
    ("rule-dimension-no-values", "autoscale_rule", rule(dimensions=[{"name": "Deployment", "values": []}]),
     ["dimensions[0].values", "one or more"]),
    ("rule-dimension-operator", "autoscale_rule", rule(dimensions=[{"name": "Deployment", "operator": "Contains", "values": ["a"]}]),
     ["operator", "Equals", "NotEquals"]),
    # The message says "profile:" although the option is profile_name (reported; see Findings).
    ("rule-unknown-profile", "autoscale_rule", rule(profile_name="weekend"), ["profile", "weekend", "existing profiles", "'default'"]),
    ("rule-present-without-threshold", "autoscale_rule",
     dict(BLUE, metric_name="CpuUtilizationPercentage", operator="GreaterThan", direction="Increase"), ["threshold"]),
    ("rule-absent-without-direction", "autoscale_rule", dict(BLUE, metric_name="CpuUtilizationPercentage", state="absent"), ["direction"]),
    ("rule-state-enum", "autoscale_rule", rule(state="gone"), ["state", "present", "absent"]),
    ("rule-eleventh", "autoscale_rule", dict(GREEN, **dict(RULE, metric_name="RequestLatency_P99", threshold=500)),
     ["rules", "limit of 10"]),
    ("rule-no-setting", "autoscale_rule", dict(NEW, **RULE), ["No autoscale setting", "autoscale_profile"]),
    ("rule-target-id-and-workspace", "autoscale_rule", dict(RULE, target_id="/subscriptions/x", workspace="ws-prod", deployment="blue"),
     ["mutually exclusive", "target_id", "workspace"]),
    ("rule-target-id-malformed", "autoscale_rule", dict(RULE, target_id="/subscriptions/0000/resourceGroups/rg/providers/Foo/bar/baz"),
     ["target_id"]),
    ("rule-partial-target", "autoscale_rule", dict(RULE, resource_group="rg-ml-prod", deployment="blue"),
     ["required together", "workspace", "endpoint"]),
    ("rule-retry-total-type", "autoscale_rule", rule(retry_total="many"), ["retry_total", "int"]),
    ("rule-auth-source-enum", "autoscale_rule", rule(auth_source="kerberos"), ["auth_source", "msi"]),
    ("rule-strict-type", "autoscale_rule", rule(strict="maybe"), ["strict", "bool"]),
    ("rule-strict-lint", "autoscale_rule", rule(operator="LessThan", threshold=30, direction="Increase", strict=True),
     ["strict: true", "Policy lint"]),
    # ---- autoscale_profile
    ("profile-min-zero", "autoscale_profile", profile(capacity={"minimum": 0, "maximum": 3, "default": 1}), ["capacity.minimum", "allowed: 1 to 1000"]),
    ("profile-min-above-max", "autoscale_profile", profile(capacity={"minimum": 5, "maximum": 3, "default": 5}),
     ["capacity", "minimum", "maximum"]),
    ("profile-default-outside", "autoscale_profile", profile(capacity={"minimum": 1, "maximum": 5, "default": 10}),
     ["capacity", "minimum <= default <= maximum", "default 10"]),
    ("profile-max-above-1000", "autoscale_profile", profile(capacity={"minimum": 1, "maximum": 1001, "default": 1}),
     ["capacity.maximum", "1000"]),
    ("profile-max-above-quota-strict", "autoscale_profile",
     dict(NEW, name="default", capacity={"minimum": 1, "maximum": 60, "default": 1}, strict=True),
     ["maximum-above-default-quota", "capacity.maximum", "50"]),
    ("profile-capacity-type", "autoscale_profile", profile(capacity={"minimum": "one", "maximum": 3}), ["minimum", "int"]),
    ("profile-capacity-missing-key", "autoscale_profile", profile(capacity={"minimum": 1}), ["maximum", "capacity"]),
    ("profile-new-without-capacity", "autoscale_profile", dict(NEW, name="default"), ["capacity", "required", "minimum, maximum"]),
    ("profile-name-missing", "autoscale_profile", dict(BLUE, capacity=CAPACITY), ["name"]),
    ("profile-day-enum", "autoscale_profile", profile(name="weekend", recurrence={"days": ["Funday"], "time_zone": "UTC"}),
     ["recurrence.days[0]", "Funday", "Monday"]),
    ("profile-days-empty", "autoscale_profile", profile(name="weekend", recurrence={"days": [], "time_zone": "UTC"}),
     ["recurrence.days", "Monday"]),
    ("profile-time-zone-unknown", "autoscale_profile", profile(name="weekend", recurrence={"days": ["Saturday"], "time_zone": "Mars/Olympus"}),
     ["recurrence.time_zone", "Mars/Olympus"]),
    ("profile-time-zone-offset", "autoscale_profile", profile(name="weekend", recurrence={"days": ["Saturday"], "time_zone": "UTC+01:00"}),
     ["recurrence.time_zone", "UTC+01:00"]),
    ("profile-start-25h", "autoscale_profile", profile(name="weekend", recurrence={"days": ["Saturday"], "time_zone": "UTC", "start": "25:00"}),
     ["recurrence.start", "HH:MM", "23:59"]),
    ("profile-start-am", "autoscale_profile", profile(name="weekend", recurrence={"days": ["Saturday"], "time_zone": "UTC", "start": "9am"}),
     ["recurrence.start", "HH:MM"]),
    ("profile-end-61m", "autoscale_profile", profile(name="weekend", recurrence={"days": ["Saturday"], "time_zone": "UTC", "end": "23:61"}),
     ["recurrence.end", "HH:MM"]),
    ("profile-end-equals-start", "autoscale_profile",
     profile(name="weekend", recurrence={"days": ["Saturday"], "time_zone": "UTC", "start": "08:00", "end": "08:00"}),
     ["recurrence.end", "must differ"]),
    ("profile-recurrence-and-fixed", "autoscale_profile",
     profile(name="weekend", recurrence={"days": ["Saturday"], "time_zone": "UTC"},
             fixed_date={"start": "2027-01-01T00:00", "end": "2027-01-02T00:00"}), ["mutually exclusive", "recurrence", "fixed_date"]),
    ("profile-fixed-end-before-start", "autoscale_profile",
     profile(name="launch", fixed_date={"start": "2027-01-02T00:00", "end": "2027-01-01T00:00"}), ["fixed_date", "end", "start"]),
    ("profile-fixed-month-13", "autoscale_profile",
     profile(name="launch", fixed_date={"start": "2027-13-01T00:00", "end": "2027-12-02T00:00"}), ["fixed_date.start", "YYYY-MM-DD"]),
    ("profile-fixed-words", "autoscale_profile",
     profile(name="launch", fixed_date={"start": "tomorrow", "end": "2027-12-02T00:00"}), ["fixed_date.start", "YYYY-MM-DD"]),
    ("profile-fixed-time-zone", "autoscale_profile",
     profile(name="launch", fixed_date={"time_zone": "Nowhere Standard Time", "start": "2027-01-01T00:00", "end": "2027-01-02T00:00"}),
     ["fixed_date.time_zone", "Nowhere Standard Time"]),
    ("profile-eleven-rules", "autoscale_profile", profile(rules=eleven_rules()), ["rules", "11 rules", "limit of 10"]),
    ("profile-rule-missing-metric", "autoscale_profile", profile(rules=[{"operator": "GreaterThan", "threshold": 1, "direction": "Increase"}]),
     ["metric_name", "rules"]),
    ("profile-rule-changecount", "autoscale_profile", profile(rules=[dict(RULE, value=3)]), ["rules[0].value", "1 to 2"]),
    ("profile-rule-bad-window", "autoscale_profile", profile(rules=[dict(RULE, time_window="forever")]), ["rules[0].time_window", "not a duration"]),
    ("profile-twenty-first", "autoscale_profile",
     dict(RECOMMEND, name="one-too-many", capacity=CAPACITY, fixed_date={"start": "2028-01-01T00:00", "end": "2028-01-02T00:00"}),
     ["profiles", "limit of 20"]),
    # ---- autoscale_state
    ("state-new-without-profiles", "autoscale_state", dict(NEW), ["profiles", "at least one profile"]),
    ("state-empty-profiles", "autoscale_state", dict(NEW, profiles=[]), ["profiles", "at least one profile"]),
    ("state-duplicate-profiles", "autoscale_state", state(profiles=[p(), p()]), ["profiles", "unique", "default"]),
    ("state-twenty-one-profiles", "autoscale_state", state(profiles=twenty_one_profiles()), ["profiles", "21 profiles", "limit of 20"]),
    ("state-recurrence-end-without-default", "autoscale_state",
     state(profiles=[{"name": "weekend", "capacity": CAPACITY, "recurrence": {"days": ["Saturday"], "time_zone": "UTC", "end": "20:00"}}]),
     ["recurrence.end", "default profile"]),
    ("state-email", "autoscale_state", state(notifications={"custom_emails": ["not-an-email"]}), ["custom_emails[0]", "e-mail"]),
    ("state-email-space", "autoscale_state", state(notifications={"custom_emails": ["ops team@example.com"]}), ["custom_emails[0]", "e-mail"]),
    ("state-webhook-no-scheme", "autoscale_state",
     state(notifications={"webhooks": [{"service_uri": "hooks.example.com/scale?sig=" + SIG}]}), ["webhooks[0].service_uri", "https://"]),
    ("state-webhook-ftp", "autoscale_state",
     state(notifications={"webhooks": [{"service_uri": "ftp://hooks.example.com/x?code=" + SIG}]}), ["webhooks[0].service_uri", "https://"]),
    ("state-webhook-no-host", "autoscale_state", state(notifications={"webhooks": [{"service_uri": "https://"}]}),
     ["webhooks[0].service_uri", "https://"]),
    ("state-webhook-missing-uri", "autoscale_state", state(notifications={"webhooks": [{"properties": {}}]}), ["service_uri"]),
    ("state-webhook-masked-unknown", "autoscale_state",
     state(notifications={"webhooks": [{"service_uri": "https://hooks.example.com/x?sig=VALUE_REDACTED"}]}),
     ["service_uri", "masked value", "real URI"]),
    ("state-fifty-one-tags", "autoscale_state", state(tags={"t{0}".format(index): "v" for index in range(51)}), ["tags", "51 tags", "limit of 50"]),
    ("state-tag-key-long", "autoscale_state", state(tags={"k" * 129: "v"}), ["tags.", "128"]),
    ("state-tag-value-long", "autoscale_state", state(tags={"team": "v" * 257}), ["tags.team", "256"]),
    ("state-tag-value-list", "autoscale_state", state(tags={"team": ["a", "b"]}), ["tags.team", "not a string"]),
    ("state-enabled-type", "autoscale_state", state(enabled="perhaps"), ["enabled", "bool"]),
    ("state-profile-time-zone", "autoscale_state",
     state(profiles=[p(), {"name": "weekend", "capacity": CAPACITY, "recurrence": {"days": ["Sunday"], "time_zone": "Berlin"}}]),
     ["profiles[1].recurrence.time_zone", "Berlin"]),
    ("state-profile-rule-cooldown", "autoscale_state", state(profiles=[p(rules=[dict(RULE, cooldown="1y")])]),
     ["profiles[0].rules[0].cooldown", "not a duration"]),
    ("state-profile-rule-metric", "autoscale_state", state(profiles=[p(rules=[dict(RULE, metric_name="GpuTemperature")])]),
     ["profiles[0].rules[0].metric_name", "GpuTemperature", "allowed"]),
    ("state-profile-capacity", "autoscale_state", state(profiles=[p(capacity={"minimum": 4, "maximum": 2, "default": 4})]),
     ["profiles", "capacity", "minimum", "maximum"]),
    ("state-profile-name-missing", "autoscale_state", state(profiles=[{"capacity": CAPACITY}]), ["name", "profiles"]),
    ("state-profile-recurrence-and-fixed", "autoscale_state",
     state(profiles=[p(), {"name": "x", "capacity": CAPACITY, "recurrence": {"days": ["Sunday"], "time_zone": "UTC"},
                           "fixed_date": {"start": "2027-01-01T00:00", "end": "2027-01-02T00:00"}}]),
     ["mutually exclusive", "recurrence", "fixed_date"]),
    ("state-cloud-unknown", "autoscale_state", state(cloud_environment="AzureMoonCloud"), ["cloud_environment", "AzureMoonCloud", "AzureCloud"]),
    # ---- autoscale_info
    ("info-target-id-and-deployment", "autoscale_info",
     dict(target_id="/subscriptions/x", deployment="blue", workspace="ws-prod", endpoint="ep-fraud", resource_group="rg-ml-prod"),
     ["mutually exclusive", "target_id"]),
    ("info-retry-timeout-type", "autoscale_info", dict(resource_group="rg-ml-prod", retry_timeout="soon"), ["retry_timeout", "int"]),
    ("info-include-raw-type", "autoscale_info", dict(resource_group="rg-ml-prod", include_raw="sometimes"), ["include_raw", "bool"]),
    ("info-unsupported-option", "autoscale_info", dict(resource_group="rg-ml-prod", capacity=CAPACITY), ["Unsupported parameters", "capacity"]),
]


@pytest.fixture(scope="module")
def seeded(emulator, arm):
    """Settings the cases need: blue (1 rule, capacity 1-3), green (10 rules), ep-recommend/blue (20 profiles)."""
    blue = helpers.deployment_entry(emulator, "ep-fraud", "blue")["id"]
    green = helpers.deployment_entry(emulator, "ep-fraud", "green")["id"]
    recommend = helpers.deployment_entry(emulator, "ep-recommend", "blue")["id"]
    arm.put("rg-ml-prod", "autoscale-ep-fraud-blue", helpers.setting_body(
        blue, rules=[helpers.rule_wire("CpuUtilizationPercentage", "GreaterThan", 70, "Increase", blue)]))
    arm.put("rg-ml-prod", "autoscale-ep-fraud-green", helpers.setting_body(
        green, maximum=10, rules=[helpers.rule_wire("CpuUtilizationPercentage", "GreaterThan", 60 + index, "Increase", green)
                                  if index < 5 else helpers.rule_wire("RequestsPerMinute", "LessThan", index, "Decrease", green, cooldown="PT15M")
                                  for index in range(10)]))
    arm.put("rg-ml-prod", "autoscale-ep-recommend-blue", helpers.setting_body(recommend, extra_profiles=[
        {"name": "day-{0:02d}".format(index), "capacity": {"minimum": "1", "maximum": "3", "default": "1"}, "rules": [],
         "fixedDate": {"timeZone": "UTC", "start": "2027-02-{0:02d}T00:00:00".format(index + 1),
                       "end": "2027-02-{0:02d}T12:00:00".format(index + 1)}} for index in range(19)]))
    before = {item["id"].lower(): helpers.vocabulary(item) for item in arm.settings()}
    assert len(before) == 3
    return before


def test_battery_size():
    assert len(CASES) >= 60
    assert len({case[0] for case in CASES}) == len(CASES)
    assert {case[1] for case in CASES} == {"autoscale_rule", "autoscale_profile", "autoscale_state", "autoscale_info"}


@pytest.fixture(scope="module")
def battery_results():
    return {}


@pytest.mark.parametrize("case_id, module_name, args, expected", CASES, ids=[case[0] for case in CASES])
def test_bad_input_fails_before_any_write(case_id, module_name, args, expected, seeded, client_env, emulator, battery_results):
    kind, result = helpers.run_module(helpers.module(module_name), dict(args, write_verify_delay=0) if module_name != "autoscale_info" else args)
    writes = helpers.arm_writes(emulator.requests())
    battery_results[case_id] = {"module": module_name, "failed": kind == "failed", "writes": len(writes), "msg": result.get("msg")}
    assert kind == "failed", "{0} did not fail: {1}".format(case_id, result)
    message = result["msg"]
    missing = [text for text in expected if text not in message]
    assert not missing, "{0}: message lacks {1}: {2}".format(case_id, missing, message)
    assert "Traceback" not in message
    assert SIG not in json.dumps(result), "{0}: the webhook signature leaked: {1}".format(case_id, message)
    assert writes == [], "{0} wrote: {1}".format(case_id, writes)


def test_battery_wrote_nothing(seeded, arm, battery_results, figures):
    """After the whole battery, every seeded setting is exactly as before and no other setting exists."""
    after = {item["id"].lower(): helpers.vocabulary(item) for item in arm.settings()}
    assert after == seeded
    assert len(battery_results) == len(CASES), "run the whole file: some cases did not run"
    per_module = {}
    for result in battery_results.values():
        entry = per_module.setdefault(result["module"], {"cases": 0, "failed_before_write": 0, "writes": 0})
        entry["cases"] += 1
        entry["failed_before_write"] += int(result["failed"] and not result["writes"])
        entry["writes"] += result["writes"]
    figures["bad_input_modules"] = {
        "cases": len(battery_results), "failed_before_write": sum(item["failed_before_write"] for item in per_module.values()),
        "writes": sum(item["writes"] for item in per_module.values()), "per_module": per_module,
        "command": "make reliability PYTEST_ARGS='-k bad_input'",
    }
    helpers.OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (helpers.OUTPUT_DIR / "bad-input-messages.json").write_text(json.dumps(
        {key: value["msg"] for key, value in sorted(battery_results.items())}, indent=1) + "\n", encoding="utf-8")


@pytest.mark.parametrize("delay", [-1, float("nan"), 61])
def test_out_of_range_write_verify_delay_fails_before_any_write(client_env, emulator, seeded, delay):
    kind, result = helpers.run_module(helpers.module("autoscale_rule"), rule(threshold=75, write_verify_delay=delay))
    assert kind == "failed" and "write_verify_delay" in result["msg"]
    assert helpers.arm_writes(emulator.requests()) == []


# ---------------------------------------------------------------- through the role

ROLE_CASES = {
    # host: (variables, substrings of the failure message)
    "no-capacity": ({}, ["endpoint_autoscale_capacity"]),
    "min-above-max": ({"endpoint_autoscale_capacity": {"minimum": 4, "maximum": 2, "default": 4}}, ["capacity", "minimum", "maximum"]),
    "capacity-above-quota": ({"endpoint_autoscale_capacity": {"minimum": 1, "maximum": 80}, "endpoint_autoscale_strict": True},
                             ["maximum-above-default-quota", "50"]),
    "eleven-rules": ({"endpoint_autoscale_rules": eleven_rules()}, ["rules", "limit of 10"]),
    "bad-time-zone": ({"endpoint_autoscale_profiles": [{"name": "weekend", "capacity": CAPACITY,
                                                        "recurrence": {"days": ["Saturday"], "time_zone": "Central Europe"}}]},
                      ["recurrence.time_zone", "Central Europe"]),
    "unknown-metric": ({"endpoint_autoscale_rules": [dict(RULE, metric_name="QueueLength")]}, ["metric_name", "QueueLength", "allowed"]),
    "bad-duration": ({"endpoint_autoscale_rules": [dict(RULE, time_window="ten minutes")]}, ["time_window", "not a duration"]),
    "changecount-too-big": ({"endpoint_autoscale_rules": [dict(RULE, value=4)]}, ["value", "ChangeCount", "1 to 2"]),
    "state-enum": ({"endpoint_autoscale_state": "deleted"}, ["endpoint_autoscale_state", "present", "absent"]),
    "webhook-without-scheme": ({"endpoint_autoscale_notifications": {"webhooks": [{"service_uri": "hooks.example.com/a?sig=" + SIG}]}},
                               ["service_uri", "https://"]),
}


def test_bad_input_through_the_role(emulator, ansible_env, tmp_path, figures):
    """One ansible-playbook run of the role, one host per bad input: every host fails, the emulator sees no write."""
    emulator.clear_faults()
    emulator.clear_requests()
    before = {item["id"].lower(): helpers.vocabulary(item) for item in ArmClient(emulator).settings()}
    hosts = {}
    targets = list(emulator.env["deployments"])
    for index, (host, (variables, _expected)) in enumerate(sorted(ROLE_CASES.items())):
        target = targets[index % len(targets)]
        hosts[host] = dict({"endpoint_autoscale_resource_group": target["resource_group"], "endpoint_autoscale_workspace": target["workspace"],
                            "endpoint_autoscale_endpoint": target["endpoint"], "endpoint_autoscale_deployment": target["name"],
                            "endpoint_autoscale_capacity": CAPACITY}, **variables)
        if host == "no-capacity":
            del hosts[host]["endpoint_autoscale_capacity"]
    inventory = tmp_path / "inventory.json"
    inventory_vars = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    inventory.write_text(json.dumps({"all": {"hosts": hosts, "vars": inventory_vars}}), encoding="utf-8")
    env = helpers.playbook_env(ansible_env, emulator, tmp_path)
    rc, output, seconds = helpers.run_playbook(["-i", inventory, "playbooks/configure_fleet.yml", "--forks", "5"], env, "bad-input-role")
    assert rc != 0
    recap = helpers.recap(output)
    fails = helpers.failures(output)
    for host, (_variables, expected) in ROLE_CASES.items():
        assert recap[host]["failed"] == 1, (host, output[-3000:])
        message = json.dumps(fails.get(host, {}))
        missing = [text for text in expected if text not in message]
        assert not missing, "{0}: message lacks {1}: {2}".format(host, missing, message)
    assert SIG not in output
    writes = helpers.arm_writes(emulator.requests())
    assert writes == []
    after = {item["id"].lower(): helpers.vocabulary(item) for item in ArmClient(emulator).settings()}
    assert after == before
    figures["bad_input_role"] = {"cases": len(ROLE_CASES), "failed_before_write": sum(1 for host in ROLE_CASES if recap[host]["failed"]),
                                 "writes": len(writes), "seconds": round(seconds, 1),
                                 "command": "make reliability PYTEST_ARGS='-k bad_input_through_the_role'"}
