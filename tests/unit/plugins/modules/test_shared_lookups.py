# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Lookups the module runs of one playbook run share: a resource group's settings and a workspace's deployments are
listed once per run, not once per deployment; a later run never trusts an earlier run's "no setting"."""

from __future__ import annotations

import pytest
from ansible.module_utils import basic

from ansible_collections.mlops.autoscale.plugins.module_utils import _api
from ansible_collections.mlops.autoscale.plugins.module_utils._run import RUN_ID_ENV
from ansible_collections.mlops.autoscale.plugins.modules import autoscale_rule, autoscale_state
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules.utils import AnsibleExitJson, AnsibleFailJson, run_module

ML_API = "2023-04-01-preview"
PROFILES = [{"name": "default", "capacity": {"minimum": 1, "maximum": 4, "default": 2}, "rules": []}]
WS_PROD = [("ep-fraud", "blue"), ("ep-fraud", "green"), ("ep-recommend", "blue"), ("ep-recommend", "green")]


def names(endpoint, deployment):
    return {"resource_group": "rg-ml-prod", "workspace": "ws-prod", "endpoint": endpoint, "deployment": deployment}


def apply(endpoint, deployment, **extra):
    return run_module(autoscale_state, dict(names(endpoint, deployment), profiles=PROFILES, **extra))


def arm_gets(emulator, fragment):
    return [entry for entry in emulator.requests()
            if entry["kind"] == "arm" and entry["method"] == "GET" and fragment in entry["path"].lower()]


def setting_lists(emulator):
    return [entry for entry in arm_gets(emulator, "/autoscalesettings") if entry["path"].lower().endswith("/autoscalesettings")]


def ml_reads(emulator):
    return arm_gets(emulator, "/microsoft.machinelearningservices/")


def portal_setting(arm, deployment, name="made-in-the-portal"):
    """A setting another tool made for the deployment, under a name of its own."""
    arm.put("rg-ml-prod", name, {"location": "eastus", "properties": {
        "enabled": True, "targetResourceUri": deployment["id"],
        "profiles": [{"name": "Auto created default scale condition",
                      "capacity": {"minimum": "1", "maximum": "3", "default": "1"}, "rules": []}]}})


@pytest.fixture
def run(monkeypatch):
    """Sets the run id the action plugin gives the module processes of one ansible-playbook."""
    def _enter(value):
        monkeypatch.setenv(RUN_ID_ENV, value)
    return _enter


def test_a_run_lists_a_resource_group_and_a_workspace_once(emulator, run):
    run("run-1")
    for endpoint, deployment in WS_PROD:
        kind, result = apply(endpoint, deployment)
        assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    assert len(emulator.writes()) == 4
    assert len(setting_lists(emulator)) == 1
    # The workspace: one listing of its endpoints, one of each endpoint's deployments; no lookup per deployment.
    assert len(ml_reads(emulator)) == 3


def test_outside_a_run_no_setting_is_concluded_from_an_earlier_listing(emulator, monkeypatch):
    monkeypatch.delenv(RUN_ID_ENV, raising=False)
    for endpoint, deployment in WS_PROD[:2]:
        kind, result = apply(endpoint, deployment)
        assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    assert len(setting_lists(emulator)) == 2
    assert len(ml_reads(emulator)) == 3


def test_the_next_run_adopts_a_setting_made_after_the_last_listing(emulator, run, arm, deployment):
    run("run-1")
    assert apply("ep-fraud", "blue")[0] is AnsibleExitJson
    portal_setting(arm, deployment("ep-fraud", "green"))
    emulator.clear_requests()
    run("run-2")
    kind, result = run_module(autoscale_state, dict(names("ep-fraud", "green"), profiles=PROFILES,
                                                    _ansible_check_mode=True, _ansible_diff=True))
    assert kind is AnsibleExitJson, result
    assert result["autoscale_setting"]["name"] == "made-in-the-portal"
    assert "setting" not in result["diff"]["before"], result["diff"]
    assert emulator.writes() == []
    assert len(setting_lists(emulator)) == 1


def test_a_setting_made_during_the_run_is_adopted_after_azure_refuses_a_second_one(emulator, run, arm, deployment, monkeypatch):
    """The run's listing predates the other writer's setting: Azure refuses the new setting (one per target, nothing
    written) and the task adopts the other one."""
    run("run-1")
    assert apply("ep-fraud", "blue")[0] is AnsibleExitJson
    portal_setting(arm, deployment("ep-fraud", "green"))
    emulator.clear_requests()
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda _module, text: warnings.append(text))
    kind, result = apply("ep-fraud", "green")
    assert (kind, result["changed"], result["autoscale_setting"]["name"]) == (AnsibleExitJson, True, "made-in-the-portal"), result
    assert any("made-in-the-portal" in warning and "adopts" in warning for warning in warnings), warnings
    assert [(entry["path"].rsplit("/", 1)[-1], entry["status"]) for entry in emulator.writes()] == [
        ("autoscale-ep-fraud-green", 409), ("made-in-the-portal", 200)]
    assert {setting["name"] for setting in arm.settings()} == {"autoscale-ep-fraud-blue", "made-in-the-portal"}
    assert arm.get("rg-ml-prod", "made-in-the-portal")["properties"]["profiles"][0]["capacity"]["maximum"] == "4"


@pytest.mark.parametrize("module_args", [
    pytest.param({"state": "absent"}, id="state-absent-deletes-it"),
    pytest.param({"module": "rule", "metric_name": "CpuUtilizationPercentage", "operator": "GreaterThan", "threshold": 80,
                  "direction": "Increase", "value": 1}, id="rule-finds-it"),
])
def test_no_setting_is_confirmed_before_a_task_ends_without_a_write(emulator, run, arm, deployment, module_args):
    """Where "no setting" would end the task (nothing to delete; no setting to add a rule to), it is listed again."""
    run("run-1")
    assert apply("ep-fraud", "blue")[0] is AnsibleExitJson
    portal_setting(arm, deployment("ep-fraud", "green"))
    args = dict(module_args)
    module = autoscale_rule if args.pop("module", None) == "rule" else autoscale_state
    emulator.clear_requests()
    kind, result = run_module(module, dict(names("ep-fraud", "green"), **args))
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    # The default name is read once, then the resource group is listed once.
    assert len(arm_gets(emulator, "/autoscale-ep-fraud-green")) == 1 and len(setting_lists(emulator)) == 1
    remaining = {setting["name"]: setting for setting in arm.settings()}
    if args.get("state") == "absent":
        assert set(remaining) == {"autoscale-ep-fraud-blue"}
    else:
        assert len(remaining["made-in-the-portal"]["properties"]["profiles"][0]["rules"]) == 1


def test_an_adopted_setting_costs_one_read_on_later_runs(emulator, run, arm, deployment):
    portal_setting(arm, deployment("ep-fraud", "blue"))
    run("run-1")
    kind, result = apply("ep-fraud", "blue")
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    emulator.clear_requests()
    run("run-2")
    kind, result = apply("ep-fraud", "blue")
    assert (kind, result["changed"]) == (AnsibleExitJson, False), result
    assert len(arm_gets(emulator, "/autoscalesettings")) == 1 and emulator.writes() == []


def test_deleting_a_setting_removes_it_from_the_run_s_listing(emulator, run, arm, deployment):
    portal_setting(arm, deployment("ep-fraud", "blue"))
    run("run-1")
    kind, result = run_module(autoscale_state, dict(names("ep-fraud", "blue"), state="absent"))
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    kind, result = run_module(autoscale_state, dict(names("ep-fraud", "blue"), state="absent"))
    assert (kind, result["changed"]) == (AnsibleExitJson, False), result
    assert arm.settings() == []


def test_a_deployment_created_after_the_workspace_was_listed_is_found(emulator, run, arm, deployment):
    run("run-1")
    assert apply("ep-fraud", "blue")[0] is AnsibleExitJson
    endpoint_id = deployment("ep-fraud", "blue")["id"].rsplit("/deployments/", 1)[0]
    response = arm.call("PUT", endpoint_id + "/deployments/canary", {"location": "eastus", "sku": {"capacity": 1}},
                        api_version=ML_API)
    assert response.status_code == 201, response.text
    emulator.clear_requests()
    kind, result = apply("ep-fraud", "canary")
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    assert result["autoscale_setting"]["target"]["deployment"] == "canary"
    # Looked up alone: the deployment; its endpoint's location comes from the listing.
    assert [entry["path"].rsplit("/", 1)[-1] for entry in ml_reads(emulator)] == ["canary"]


def test_a_missing_deployment_fails_naming_it_before_any_write(emulator, run):
    run("run-1")
    kind, result = apply("ep-fraud", "nope")
    assert kind is AnsibleFailJson
    assert "'nope'" in result["msg"] and "ep-fraud" in result["msg"]
    assert emulator.writes() == []


def test_without_the_cache_each_deployment_is_looked_up_alone(emulator, run):
    run("run-1")
    for endpoint, deployment in WS_PROD[:2]:
        kind, result = apply(endpoint, deployment, lookup_cache=False)
        assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    # Per deployment: the deployment and its endpoint (azure-ai-ml's get of an endpoint also lists its deployments),
    # and a listing of the resource group each time.
    assert [entry["path"].split("/onlineEndpoints/")[1] for entry in ml_reads(emulator)] == [
        "ep-fraud/deployments/blue", "ep-fraud", "ep-fraud/deployments"] + [
        "ep-fraud/deployments/green", "ep-fraud", "ep-fraud/deployments"]
    assert len(setting_lists(emulator)) == 2


def test_azure_ai_ml_models_are_prepared_before_the_listing_threads(emulator, run, monkeypatch):
    """TypeSpec's model_base builds a class's field table on first use without a lock (Azure/azure-sdk-for-python#47426):
    the listing threads must find every table built, or one of them may get a raw dict instead of a deployment."""
    models = pytest.importorskip(_api.ML_MODELS)
    model_base = pytest.importorskip(_api.ML_MODEL_BASE)
    classes = [value for value in vars(models).values() if isinstance(value, type) and issubclass(value, model_base.Model)]
    monkeypatch.setattr(model_base.Model, "_calculated", set())
    unbuilt_when_threads_start = []
    real_pool = _api.concurrent.futures.ThreadPoolExecutor

    def pool(*args, **kwargs):
        unbuilt_when_threads_start.extend(cls for cls in classes
                                          if "%s.%s" % (cls.__module__, cls.__qualname__) not in model_base.Model._calculated)
        return real_pool(*args, **kwargs)
    monkeypatch.setattr(_api.concurrent.futures, "ThreadPoolExecutor", pool)
    run("run-1")
    kind, result = apply(*WS_PROD[0])
    assert (kind, result["changed"]) == (AnsibleExitJson, True), result
    assert len(ml_reads(emulator)) == 3  # the workspace was listed, through the pool
    assert unbuilt_when_threads_start == []
