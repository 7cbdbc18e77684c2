# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The inventory plugin online_deployments with discovery replaced: hosts, variables, groups, constructed options, cache."""

from __future__ import annotations

import pytest
import yaml
from ansible.errors import AnsibleError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.inventory import BaseInventoryPlugin

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19: every template in a configuration file is trusted
    def trust_as_template(value):
        return value

from ansible_collections.mlops.autoscale.plugins.doc_fragments._azure import ModuleDocFragment
from ansible_collections.mlops.autoscale.plugins.inventory import online_deployments
from ansible_collections.mlops.autoscale.plugins.plugin_utils import _inventory


def record(workspace, endpoint, deployment, tags=None, endpoint_tags=None, traffic=None, resource_group="rg-ml"):
    return {"subscription_id": "sub", "resource_group": resource_group, "workspace": workspace, "endpoint": endpoint,
            "deployment": deployment, "id": "/d/{0}/{1}/{2}".format(workspace, endpoint, deployment), "name": deployment,
            "endpoint_id": "/e/{0}/{1}".format(workspace, endpoint), "location": "eastus", "tags": tags or {},
            "endpoint_tags": endpoint_tags or {}, "instance_type": "Standard_DS3_v2", "instance_count": 1, "traffic": traffic,
            "provisioning_state": "Succeeded"}


RECORDS = [
    record("ws-prod", "ep-fraud", "blue", tags={"tier": "critical"}, endpoint_tags={"team": "fraud"}, traffic=100),
    record("ws-prod", "ep-fraud", "green", endpoint_tags={"team": "fraud", "tier": "standard"}, traffic=0),
    record("ws-dev", "ep-fraud-dev", "blue", traffic=100),
]

OPTIONS = {"plugin": "mlops.autoscale.online_deployments", "workspaces": None, "default_groups": True, "compose": {},
           "groups": {}, "keyed_groups": [], "strict": True, "cache": False, "leading_separator": True,
           "use_extra_vars": False, "auth_source": None, "subscription_id": None, "client_id": None, "secret": None,
           "tenant": None, "profile": None, "cloud_environment": None, "retry_total": 6, "retry_timeout": 300}


@pytest.fixture
def plugin():
    instance = online_deployments.InventoryModule()
    BaseInventoryPlugin.parse(instance, InventoryData(), DataLoader(), "fleet.online_deployments.yml")
    instance._options = dict(OPTIONS)  # pylint: disable=protected-access
    return instance


def hosts_of(plugin, group):
    return sorted(host.name for host in plugin.inventory.groups[group].get_hosts())


@pytest.mark.parametrize("path, expected", [
    ("fleet.online_deployments.yml", True), ("x/online_deployments.yaml", True), ("fleet.yml", False),
    ("online_deployments.json", False),
])
def test_verify_file(tmp_path, path, expected):
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("plugin: mlops.autoscale.online_deployments\n", encoding="utf-8")
    assert online_deployments.InventoryModule().verify_file(str(target)) is expected


def test_hosts_variables_and_default_groups(plugin):
    plugin.populate(RECORDS)
    assert sorted(plugin.inventory.hosts) == ["ws-dev.ep-fraud-dev.blue", "ws-prod.ep-fraud.blue", "ws-prod.ep-fraud.green"]
    variables = plugin.inventory.get_host("ws-prod.ep-fraud.blue").get_vars()
    assert variables["endpoint_autoscale_workspace"] == "ws-prod"
    assert variables["endpoint_autoscale_endpoint"] == "ep-fraud"
    assert variables["endpoint_autoscale_deployment"] == "blue"
    assert variables["endpoint_autoscale_resource_group"] == "rg-ml"
    assert variables["endpoint_autoscale_subscription_id"] == "sub"
    assert variables["ansible_connection"] == "local"
    assert variables["online_deployment"]["tags"] == {"tier": "critical"}
    assert hosts_of(plugin, "workspace_ws_prod") == ["ws-prod.ep-fraud.blue", "ws-prod.ep-fraud.green"]
    assert hosts_of(plugin, "endpoint_ws_dev_ep_fraud_dev") == ["ws-dev.ep-fraud-dev.blue"]


def test_default_groups_can_be_turned_off(plugin):
    plugin._options["default_groups"] = False  # pylint: disable=protected-access
    plugin.populate(RECORDS)
    assert not any(name.startswith(("workspace_", "endpoint_")) for name in plugin.inventory.groups)


def test_constructed_options_group_by_tag(plugin):
    plugin._options.update({  # pylint: disable=protected-access
        "keyed_groups": [{"key": trust_as_template("online_deployment.endpoint_tags | combine(online_deployment.tags)"), "prefix": "tag"}],
        "groups": {"serving": trust_as_template("online_deployment.traffic > 0")},
        "compose": {"endpoint_autoscale_tags": trust_as_template("{'tier': online_deployment.tags.tier | default('none')}")},
    })
    plugin.populate(RECORDS)
    assert hosts_of(plugin, "tag_tier_critical") == ["ws-prod.ep-fraud.blue"]
    assert hosts_of(plugin, "tag_tier_standard") == ["ws-prod.ep-fraud.green"]
    assert hosts_of(plugin, "tag_team_fraud") == ["ws-prod.ep-fraud.blue", "ws-prod.ep-fraud.green"]
    assert hosts_of(plugin, "serving") == ["ws-dev.ep-fraud-dev.blue", "ws-prod.ep-fraud.blue"]
    assert plugin.inventory.get_host("ws-dev.ep-fraud-dev.blue").get_vars()["endpoint_autoscale_tags"] == {"tier": "none"}


def test_records_use_the_inventory_cache(plugin, monkeypatch):
    calls = []

    def discover(params, workspaces):
        calls.append((params, workspaces))
        return RECORDS

    monkeypatch.setattr(online_deployments, "discover_deployments", discover)
    plugin._options["cache"] = True  # pylint: disable=protected-access
    plugin._options["workspaces"] = [{"resource_group": "rg-ml", "name": "ws-prod"}]  # pylint: disable=protected-access
    plugin._cache = {}  # pylint: disable=protected-access
    assert plugin._records("fleet.online_deployments.yml", cache=True) == RECORDS  # pylint: disable=protected-access
    assert plugin._records("fleet.online_deployments.yml", cache=True) == RECORDS  # pylint: disable=protected-access
    assert len(calls) == 1
    assert calls[0][1] == [{"resource_group": "rg-ml", "name": "ws-prod", "subscription_id": None}]
    plugin._records("fleet.online_deployments.yml", cache=False)  # --flush-cache  # pylint: disable=protected-access
    assert len(calls) == 2


def test_bad_workspaces_option_names_the_file(plugin):
    plugin._options["workspaces"] = [{"name": "ws"}]  # pylint: disable=protected-access
    with pytest.raises(AnsibleError, match=r"fleet.online_deployments.yml: workspaces\[0\]: resource_group required"):
        plugin._records("fleet.online_deployments.yml", cache=False)  # pylint: disable=protected-access


def test_documentation_covers_the_options_the_plugin_reads():
    """Every Session option the plugin reads is documented (by the plugin or the _azure fragment)."""
    own = yaml.safe_load(online_deployments.DOCUMENTATION)
    fragment = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    documented = set(own["options"]) | set(fragment["options"])
    assert set(_inventory.PLUGIN_AUTH_OPTIONS) <= documented
    assert set(OPTIONS) - {"compose", "groups", "keyed_groups", "strict", "cache", "leading_separator", "use_extra_vars"} <= documented


def test_cache_means_the_inventory_cache():
    """The inventory cache's ``cache`` option and the modules' ``lookup_cache`` are distinct; the plugin never hands
    ``cache`` to the Session."""
    fragments = yaml.safe_load(online_deployments.DOCUMENTATION)["extends_documentation_fragment"]
    assert "mlops.autoscale._azure" in fragments
    fragment_options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    if "cache" in fragment_options:
        assert fragments.index("ansible.builtin.inventory_cache") < fragments.index("mlops.autoscale._azure")
    assert "cache" not in _inventory.PLUGIN_AUTH_OPTIONS
