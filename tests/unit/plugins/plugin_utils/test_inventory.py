# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Inventory helpers: host names, groups, variables, options and the Azure edge (with fake azure-ai-ml clients)."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from ansible.errors import AnsibleError

from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AZURE_AUTH_SPEC
from ansible_collections.mlops.autoscale.plugins.module_utils._api import OnlineDeployments
from ansible_collections.mlops.autoscale.plugins.module_utils._cache import DiskCache, NoCache
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError
from ansible_collections.mlops.autoscale.plugins.plugin_utils import _inventory


def record(workspace="ws", endpoint="ep", deployment="blue", resource_group="rg", subscription_id="sub"):
    return {"subscription_id": subscription_id, "resource_group": resource_group, "workspace": workspace,
            "endpoint": endpoint, "deployment": deployment}


@pytest.mark.parametrize("name, expected", [
    ("workspace_ws-prod", "workspace_ws_prod"),
    ("endpoint_ws.prod_ep fraud", "endpoint_ws_prod_ep_fraud"),
    ("endpoint_ws_ep", "endpoint_ws_ep"),
])
def test_safe_group_name(name, expected):
    assert _inventory.safe_group_name(name) == expected


def test_host_name_and_default_groups():
    item = record("ws-prod", "ep-fraud", "blue")
    assert _inventory.host_name(item) == "ws-prod.ep-fraud.blue"
    assert _inventory.host_name(item, qualified=True) == "rg.ws-prod.ep-fraud.blue"
    assert _inventory.default_groups(item) == ["workspace_ws_prod", "endpoint_ws_prod_ep_fraud"]


def test_assign_host_names_sorts_dedups_and_qualifies_collisions():
    records = [record("ws", "ep", "green"), record("ws", "ep", "blue"), record("ws", "ep", "blue"),
               record("ws", "ep", "blue", resource_group="rg2"), record("other", "ep", "blue")]
    names = [name for name, _record in _inventory.assign_host_names(records)]
    assert names == ["other.ep.blue", "rg.ws.ep.blue", "rg2.ws.ep.blue", "ws.ep.green"]


def test_assign_host_names_adds_the_subscription_when_still_ambiguous():
    records = [record(subscription_id="sub-a"), record(subscription_id="sub-b")]
    names = [name for name, _record in _inventory.assign_host_names(records)]
    assert names == ["rg.ws.ep.blue.sub-a", "rg.ws.ep.blue.sub-b"]


def test_host_vars():
    item = dict(record(), id="/x", name="blue", endpoint_id="/e", location="eastus", tags={"tier": "gold"}, endpoint_tags={},
                instance_type="Standard_DS3_v2", instance_count=2, traffic=100, provisioning_state="Succeeded")
    variables = _inventory.host_vars(item)
    assert variables["ansible_connection"] == "local"
    assert variables["endpoint_autoscale_resource_group"] == "rg"
    assert variables["endpoint_autoscale_subscription_id"] == "sub"
    assert variables["online_deployment"]["tags"] == {"tier": "gold"}
    assert variables["online_deployment"]["traffic"] == 100
    assert set(variables) == {"ansible_connection", "online_deployment"} | {
        "endpoint_autoscale_" + key for key in ("resource_group", "workspace", "endpoint", "deployment", "subscription_id")}


@pytest.mark.parametrize("value, message", [
    (["ws"], r"workspaces\[0\]: give a mapping"),
    ([{"name": "ws"}], r"workspaces\[0\]: resource_group required"),
    ([{"resource_group": "rg", "name": "ws", "location": "x"}], r"unknown keys location"),
])
def test_parse_workspaces_rejects_bad_entries(value, message):
    with pytest.raises(ValueError, match=message):
        _inventory.parse_workspaces(value)


def test_parse_workspaces():
    assert _inventory.parse_workspaces(None) == []
    given = [{"resource_group": "rg", "name": "ws"}, {"resource_group": "rg", "name": "w2", "subscription_id": "s"}]
    assert _inventory.parse_workspaces(given) == [
        {"resource_group": "rg", "name": "ws", "subscription_id": None}, {"resource_group": "rg", "name": "w2", "subscription_id": "s"}]


def test_session_params_follow_the_modules_spec_and_fallbacks():
    options = {"client_id": "from-option", "secret": None, "tenant": None, "retry_total": 2}
    environ = {"AZURE_CLIENT_SECRET": "second", "AZURE_SECRET": "first", "AZURE_TENANT_ID": "tenant-id",
               "AZURE_CLIENT_ID": "from-env"}
    params = _inventory.session_params(options.get, environ)
    assert set(params) == set(AZURE_AUTH_SPEC)
    assert params["client_id"] == "from-option"
    assert params["secret"] == "first"  # AZURE_SECRET before AZURE_CLIENT_SECRET, as in the modules
    assert params["tenant"] == "tenant-id"
    assert params["retry_total"] == 2
    assert params["retry_timeout"] == AZURE_AUTH_SPEC["retry_timeout"]["default"]


def test_session_params_never_read_options_the_plugin_does_not_document():
    asked = []

    def get_option(name):
        asked.append(name)
        return None

    _inventory.session_params(get_option, {})
    assert set(asked) == set(_inventory.PLUGIN_AUTH_OPTIONS)
    assert "cache" not in asked  # an inventory source's "cache" is the inventory cache


# ---------------------------------------------------------------- edge, with fake azure-ai-ml clients

class FakeMLClient:
    def __init__(self, workspaces=(), endpoints=None, fail=None):
        self.workspaces = SimpleNamespace(list=self._list_workspaces)
        self._workspaces = list(workspaces)
        self._endpoints = endpoints or []
        self.fail = fail
        self.online_endpoints = SimpleNamespace(list=lambda: [item for item, _deployments in self._endpoints])
        self.online_deployments = SimpleNamespace(list=lambda name: next(deps for item, deps in self._endpoints if item.name == name))

    def _list_workspaces(self, scope):
        assert scope == "subscription"
        if self.fail:
            raise self.fail
        return self._workspaces


class FakeSession:
    subscription_id = "sub"
    cloud = SimpleNamespace(resource_manager="https://management.example")

    def __init__(self, clients, cache=None):
        self.clients = clients
        self.calls = []
        self.cache = cache or NoCache()

    def ml_client(self, resource_group, workspace, subscription_id=None):
        self.calls.append((resource_group, workspace, subscription_id))
        return self.clients[(resource_group, workspace)]


class Enum(str):
    @property
    def value(self):
        return str.__str__(self).split(".")[-1]


def endpoint(name, traffic, tags=None):
    return SimpleNamespace(name=name, id="/e/" + name, location="eastus", tags=tags or {}, traffic=traffic)


def deployment(name, tags=None):
    return SimpleNamespace(name=name, id="/d/" + name, tags=tags or {}, instance_type="Standard_DS3_v2", instance_count=3,
                           provisioning_state=Enum("DeploymentProvisioningState.Succeeded"))


def test_discovery_lists_workspaces_endpoints_and_deployments():
    fraud = endpoint("ep-fraud", {"blue": 90, "Green": 10}, {"team": "fraud"})
    clients = {
        (None, None): FakeMLClient(workspaces=[SimpleNamespace(resource_group="rg", name="ws")]),
        ("rg", "ws"): FakeMLClient(endpoints=[(fraud, [deployment("blue", {"tier": "gold"}), deployment("green")])]),
    }
    session = FakeSession(clients)
    records = _inventory.DeploymentDiscovery(session).discover()
    assert [(item["endpoint"], item["deployment"], item["traffic"]) for item in records] == [
        ("ep-fraud", "blue", 90), ("ep-fraud", "green", 10)]
    first = records[0]
    assert first["endpoint_tags"] == {"team": "fraud"} and first["tags"] == {"tier": "gold"}
    assert first["location"] == "eastus" and first["instance_count"] == 3
    assert first["provisioning_state"] == "Succeeded" and type(first["provisioning_state"]) is str  # noqa: E721 pylint: disable=unidiomatic-typecheck
    assert first["subscription_id"] == "sub" and first["resource_group"] == "rg" and first["workspace"] == "ws"
    assert session.calls == [(None, None, "sub"), ("rg", "ws", "sub")]


def test_discovery_leaves_the_workspace_index_for_the_modules(tmp_path):
    clients = {("rg", "ws"): FakeMLClient(endpoints=[(endpoint("ep-fraud", {"blue": 100}), [deployment("blue")])])}
    session = FakeSession(clients, cache=DiskCache(str(tmp_path)))
    _inventory.DeploymentDiscovery(session).discover([{"resource_group": "rg", "name": "ws"}])
    later = FakeSession({}, cache=DiskCache(str(tmp_path)))  # a module run after the inventory refresh
    found = OnlineDeployments(later).get("RG", "ws", "EP-FRAUD", "blue")
    assert (found["id"], found["endpoint_location"]) == ("/d/blue", "eastus")
    assert later.calls == []


def test_discovery_of_given_workspaces_does_not_list_the_subscription():
    clients = {("rg", "ws"): FakeMLClient(endpoints=[])}
    session = FakeSession(clients)
    assert _inventory.DeploymentDiscovery(session).discover([{"resource_group": "rg", "name": "ws", "subscription_id": "other"}]) == []
    assert session.calls == [("rg", "ws", "other")]


def test_discover_deployments_raises_ansible_error_with_the_modules_message(monkeypatch):
    error = AutoscaleError("list the Azure Machine Learning workspaces of subscription sub", "denied", code="AuthorizationFailed",
                           status=403, hint="Grant it a role.")

    class Failing:
        def __init__(self, _session):
            pass

        def discover(self, _workspaces):
            raise error

    monkeypatch.setattr(_inventory, "DeploymentDiscovery", Failing)
    monkeypatch.setattr(_inventory, "Session", lambda params: None)
    with pytest.raises(AnsibleError) as raised:
        _inventory.discover_deployments({})
    assert raised.value.message == error.describe()
    assert "Failed to list the Azure Machine Learning workspaces of subscription sub: AuthorizationFailed: denied Grant it a role." \
        in str(raised.value)


def test_preserved_environ_undoes_changes():
    environ = {"KEEP": "1", "ARM_CLOUD_METADATA_URL": "https://x", "CHANGED": "a"}
    with _inventory.preserved_environ(environ):
        environ.pop("ARM_CLOUD_METADATA_URL")
        environ["AZUREML_CURRENT_CLOUD"] = "Custom-123"
        environ["CHANGED"] = "b"
    assert environ == {"KEEP": "1", "ARM_CLOUD_METADATA_URL": "https://x", "CHANGED": "a"}


def test_discovery_leaves_the_controller_environment_alone(monkeypatch):
    class Polluting:
        def __init__(self, _session):
            pass

        def discover(self, _workspaces):
            os.environ["AZUREML_CURRENT_CLOUD"] = "Custom-123"
            return []

    monkeypatch.delenv("AZUREML_CURRENT_CLOUD", raising=False)
    monkeypatch.setattr(_inventory, "DeploymentDiscovery", Polluting)
    monkeypatch.setattr(_inventory, "Session", lambda params: None)
    assert _inventory.discover_deployments({}) == []
    assert "AZUREML_CURRENT_CLOUD" not in os.environ
