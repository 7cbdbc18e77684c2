"""Autoscale settings: CRUD through azure-mgmt-monitor, PATCH, paging and the service's validation errors."""

import copy
import datetime

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.monitor.models import AutoscaleSettingResourcePatch

from emulator_helpers import PAGE_SIZE, deployment, scale_rule, setting_body


def _path(env, name, rg="rg-ml-prod"):
    return "/subscriptions/%s/resourcegroups/%s/providers/Microsoft.Insights/autoscalesettings/%s" % (env["AZURE_SUBSCRIPTION_ID"], rg, name)


def test_crud_with_sdk(monitor, env, emulator):
    target = deployment(env)["id"]
    created = monitor.autoscale_settings.create_or_update("rg-ml-prod", "fraud-blue", setting_body(target))
    assert created.id == "/subscriptions/%s/resourceGroups/rg-ml-prod/providers/microsoft.insights/autoscalesettings/fraud-blue" % (
        env["AZURE_SUBSCRIPTION_ID"])
    assert created.type == "Microsoft.Insights/autoscaleSettings" and created.name == "fraud-blue"
    assert created.name_properties_name == "fraud-blue" and created.enabled is True
    rule = created.profiles[0].rules[0]
    assert rule.metric_trigger.time_window == datetime.timedelta(minutes=5) and rule.scale_action.value == "1"
    assert created.system_data.created_by == env["AZURE_CLIENT_ID"]
    statuses = [entry["status"] for entry in emulator.writes()]
    assert statuses == [201]
    updated = monitor.autoscale_settings.create_or_update("rg-ml-prod", "fraud-blue", setting_body(target, maximum="8"))
    assert updated.profiles[0].capacity.maximum == "8"
    assert [entry["status"] for entry in emulator.writes()] == [201, 200]
    got = monitor.autoscale_settings.get("rg-ml-prod", "fraud-blue")
    assert got.profiles[0].capacity.maximum == "8" and got.tags == {"owner": "mlops"}
    stored = emulator.state()["autoscale"][created.id.lower()]
    assert stored["properties"]["profiles"][0]["rules"][0]["scaleAction"]["cooldown"] == "PT5M"
    monitor.autoscale_settings.delete("rg-ml-prod", "fraud-blue")
    with pytest.raises(ResourceNotFoundError) as info:
        monitor.autoscale_settings.get("rg-ml-prod", "fraud-blue")
    assert info.value.error.code == "ResourceNotFound"
    monitor.autoscale_settings.delete("rg-ml-prod", "fraud-blue")
    assert [entry["status"] for entry in emulator.writes()] == [201, 200, 200, 204]


def test_enabled_defaults_to_false(http, env):
    body = setting_body(deployment(env)["id"])
    del body["properties"]["enabled"]
    resp = http.call("PUT", _path(env, "no-enabled"), body)
    assert resp.status_code == 201 and resp.json()["properties"]["enabled"] is False


def test_patch_semantics(monitor, http, env):
    target = deployment(env)["id"]
    monitor.autoscale_settings.create_or_update("rg-ml-prod", "patched", setting_body(target))
    result = monitor.autoscale_settings.update("rg-ml-prod", "patched", AutoscaleSettingResourcePatch(tags={"team": "fraud"}))
    assert result.tags == {"team": "fraud"}
    assert result.enabled is False, "the SDK's PATCH model sends enabled=false by default and the service applies it"
    assert result.profiles[0].capacity.maximum == "5"
    resp = http.call("PATCH", _path(env, "patched"), {"properties": {"enabled": True}})
    assert resp.status_code == 200 and resp.json()["properties"]["enabled"] is True and resp.json()["tags"] == {"team": "fraud"}
    bad = http.call("PATCH", _path(env, "patched"), {"properties": {"targetResourceUri": deployment(env, name="green")["id"]}})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "TargetResourceIdIsImmutable"
    missing = http.call("PATCH", _path(env, "nope"), {"tags": {}})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "ResourceNotFound"


def test_paging_by_subscription_and_resource_group(monitor, http, env):
    for dep in env["deployments"]:
        body = setting_body(dep["id"], location=dep["location"])
        monitor.autoscale_settings.create_or_update(dep["resource_group"], "as-%s-%s" % (dep["endpoint"], dep["name"]), body)
    page = http.call("GET", "/subscriptions/%s/providers/microsoft.insights/autoscalesettings" % env["AZURE_SUBSCRIPTION_ID"]).json()
    assert len(page["value"]) == PAGE_SIZE and "$skiptoken=" in page["nextLink"].replace("%24", "$")
    by_sub = [item.name for item in monitor.autoscale_settings.list_by_subscription()]
    assert len(by_sub) == 5 and len(set(by_sub)) == 5
    by_rg = [item.name for item in monitor.autoscale_settings.list_by_resource_group("rg-ml-prod")]
    assert sorted(by_rg) == ["as-ep-fraud-blue", "as-ep-fraud-green", "as-ep-recommend-blue", "as-ep-recommend-green"]
    assert [item.name for item in monitor.autoscale_settings.list_by_resource_group("rg-ml-dev")] == ["as-ep-fraud-dev-blue"]


def test_conflict_names_existing_setting(monitor, env):
    target = deployment(env)["id"]
    monitor.autoscale_settings.create_or_update("rg-ml-prod", "first", setting_body(target))
    with pytest.raises(HttpResponseError) as info:
        monitor.autoscale_settings.create_or_update("rg-ml-prod", "second", setting_body(target))
    assert info.value.status_code == 409 and info.value.error.code == "Conflict" and "'first'" in info.value.error.message


def test_immutable_target_and_location(http, env):
    target = deployment(env)["id"]
    assert http.call("PUT", _path(env, "imm"), setting_body(target)).status_code == 201
    resp = http.call("PUT", _path(env, "imm"), setting_body(deployment(env, name="green")["id"]))
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "TargetResourceIdIsImmutable"
    resp = http.call("PUT", _path(env, "imm"), setting_body(target, location="westus"))
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "InvalidResourceLocation"
    resp = http.call("PUT", _path(env, "imm"), setting_body(target.upper(), location="East US"))
    assert resp.status_code == 200, "target and location compare case-insensitively"


def test_resource_group_must_exist(http, env):
    resp = http.call("PUT", _path(env, "x", rg="rg-missing"), setting_body(deployment(env)["id"]))
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "ResourceGroupNotFound"


def _mutate(body, case, target):
    props = body["properties"]
    profile = props["profiles"][0]
    rule = profile["rules"][0]
    if case == "no-location":
        del body["location"]
    elif case == "no-profiles":
        del props["profiles"]
    elif case == "no-target":
        del props["targetResourceUri"]
    elif case == "too-many-profiles":
        props["profiles"] = [dict(copy.deepcopy(profile), name="p%d" % i) for i in range(21)]
    elif case == "too-many-rules":
        profile["rules"] = [copy.deepcopy(rule) for _copy in range(11)]
    elif case == "min-gt-default":
        profile["capacity"] = {"minimum": "6", "maximum": "10", "default": "5"}
    elif case == "default-gt-max":
        profile["capacity"] = {"minimum": "1", "maximum": "3", "default": "5"}
    elif case == "capacity-not-int":
        profile["capacity"]["maximum"] = "five"
    elif case == "two-minutes":
        profile["recurrence"] = {"frequency": "Week", "schedule": {"timeZone": "UTC", "days": ["Monday"], "hours": [8], "minutes": [0, 30]}}
    elif case == "two-hours":
        profile["recurrence"] = {"frequency": "Week", "schedule": {"timeZone": "UTC", "days": ["Monday"], "hours": [8, 9], "minutes": [0]}}
    elif case == "not-weekly":
        profile["recurrence"] = {"frequency": "Day", "schedule": {"timeZone": "UTC", "days": ["Monday"], "hours": [8], "minutes": [0]}}
    elif case == "fixed-and-recurrence":
        profile["recurrence"] = {"frequency": "Week", "schedule": {"timeZone": "UTC", "days": ["Monday"], "hours": [8], "minutes": [0]}}
        profile["fixedDate"] = {"timeZone": "UTC", "start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}
    elif case == "time-grain-short":
        rule["metricTrigger"]["timeGrain"] = "PT30S"
    elif case == "time-window-long":
        rule["metricTrigger"]["timeWindow"] = "PT13H"
    elif case == "cooldown-long":
        rule["scaleAction"]["cooldown"] = "P8D"
    elif case == "value-zero":
        rule["scaleAction"]["value"] = "0"
    elif case == "change-too-big":
        rule["scaleAction"]["value"] = "5"
    elif case == "bad-enum":
        rule["metricTrigger"]["operator"] = "Bigger"
    elif case == "too-many-tags":
        body["tags"] = {"t%d" % i: "v" for i in range(51)}
    elif case == "missing-target":
        props["targetResourceUri"] = target.replace("/blue", "/purple")
    elif case == "bad-metric":
        rule["metricTrigger"]["metricName"] = "Percentage CPU"
    elif case == "classic-administrators":
        props["notifications"][0]["email"]["sendToSubscriptionCoAdministrators"] = True
    elif case == "not-json":
        return "not json"
    return body


@pytest.mark.parametrize("case, status, code, text", [
    ("no-location", 400, "UnsupportedRequestContent", "location"),
    ("no-profiles", 400, "UnsupportedRequestContent", "profiles"),
    ("no-target", 400, "UnsupportedRequestContent", "targetResourceUri"),
    ("too-many-profiles", 400, "BadRequest", "20"),
    ("too-many-rules", 400, "BadRequest", "10"),
    ("min-gt-default", 400, "BadRequest", "The minimum capacity value '6' is greater than the default capacity value '5'"),
    ("default-gt-max", 400, "BadRequest", "default capacity value '5' is greater than the maximum"),
    ("capacity-not-int", 400, "BadRequest", "five"),
    ("two-minutes", 400, "BadRequest", "Specify only one value for minutes"),
    ("two-hours", 400, "BadRequest", "Specify only one value for hours"),
    ("not-weekly", 400, "BadRequest", "Week"),
    ("fixed-and-recurrence", 400, "BadRequest", "at most one"),
    ("time-grain-short", 400, "BadRequest", "time grain"),
    ("time-window-long", 400, "BadRequest", "time window"),
    ("cooldown-long", 400, "BadRequest", "cooldown"),
    ("value-zero", 400, "BadRequest", "greater than or equal to 1"),
    ("change-too-big", 400, "InvalidActionValue", "ChangeCount"),
    ("bad-enum", 400, "InvalidRequestContent", "Bigger"),
    ("too-many-tags", 400, "BadRequest", "tags"),
    ("missing-target", 400, "TargetResourceNotFound", "purple"),
    ("bad-metric", 400, "UnsupportedMetric", "Percentage CPU"),
    ("classic-administrators", 400, "SendEmailsToAdminCoAdminsNotSupported", "not supported after April 3, 2024"),
    ("not-json", 400, "InvalidRequestContent", "deserialized"),
])
def test_validation_errors(http, env, emulator, case, status, code, text):
    target = deployment(env)["id"]
    body = _mutate(setting_body(target), case, target)
    if isinstance(body, str):
        resp = http.session.put(emulator.base_url + _path(env, "invalid"), data=body, params={"api-version": "2022-10-01"},
                                headers={"Authorization": "Bearer " + http.token, "Content-Type": "application/json"}, timeout=10)
    else:
        resp = http.call("PUT", _path(env, "invalid"), body)
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["code"] == code and text in error["message"]
    assert http.call("GET", _path(env, "invalid")).status_code == 404


def test_valid_variants_accepted(http, env):
    target = deployment(env)["id"]
    endpoint_id = target.rsplit("/deployments/", 1)[0]
    body = setting_body(target, rules=[scale_rule(target), scale_rule(endpoint_id, metric="RequestLatency_P99", direction="Decrease"),
                                       scale_rule(target, action_type="ExactCount", direction="None", value="3")])
    body["properties"]["profiles"].append({
        "name": "weekday-morning", "capacity": {"minimum": "2", "maximum": "6", "default": "2"}, "rules": [],
        "recurrence": {"frequency": "Week", "schedule": {"timeZone": "W. Europe Standard Time", "days": ["Monday"], "hours": [], "minutes": []}}})
    body["properties"]["targetResourceLocation"] = "eastus"
    resp = http.call("PUT", _path(env, "variants"), body)
    assert resp.status_code == 201, resp.text
    assert resp.json()["properties"]["targetResourceLocation"] == "eastus"
