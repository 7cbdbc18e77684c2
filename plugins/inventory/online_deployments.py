# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: online_deployments
short_description: Azure Machine Learning online deployments as hosts, for autoscale policies
version_added: 1.0.0
description:
  - Discovers the online deployments of the given Azure Machine Learning workspaces, or of every workspace of the
    subscription, through azure-ai-ml, and makes one host of each, named C(<workspace>.<endpoint>.<deployment>).
  - When two deployments in different resource groups would get the same name, all of them are named
    C(<resource group>.<workspace>.<endpoint>.<deployment>) instead.
  - Each host gets the target variables of the role P(mlops.autoscale.endpoint_autoscale#role)
    (C(endpoint_autoscale_resource_group), C(endpoint_autoscale_workspace), C(endpoint_autoscale_endpoint),
    C(endpoint_autoscale_deployment), C(endpoint_autoscale_subscription_id)), the variable C(online_deployment) (C(id),
    C(name), C(endpoint_id), C(location), C(tags), C(endpoint_tags), C(instance_type), C(instance_count), C(traffic) (the
    percentage of the endpoint's traffic the deployment receives), C(provisioning_state)), and C(ansible_connection=local).
  - Hosts are put in the groups C(workspace_<workspace>) and C(endpoint_<workspace>_<endpoint>) (characters other than
    letters, digits and C(_) become C(_)), so policies can be set per workspace and endpoint in C(group_vars); use
    O(keyed_groups) on C(online_deployment.tags) to set them by tag.
  - The configuration file name must end with C(online_deployments.yml) or C(online_deployments.yaml).
  - The authentication options are those of the modules, and like them fall back to the environment variables named in
    their descriptions (as AWX's Azure credential injects them).
  - A failure to authenticate or to list fails the inventory source with the message the modules give.
author:
  - mlops.autoscale developers (@mlops-autoscale)
options:
  plugin:
    description: The name of this plugin.
    type: str
    required: true
    choices: [mlops.autoscale.online_deployments]
  workspaces:
    description:
      - The workspaces whose online deployments become hosts.
      - If not set, every Azure Machine Learning workspace of the subscription (O(subscription_id)).
    type: list
    elements: dict
    suboptions:
      resource_group:
        description: The resource group of the workspace.
        type: str
        required: true
      name:
        description: The name of the workspace.
        type: str
        required: true
      subscription_id:
        description: The subscription of the workspace, when it is not O(subscription_id).
        type: str
  default_groups:
    description:
      - Whether hosts are put in the groups C(workspace_<workspace>) and C(endpoint_<workspace>_<endpoint>).
    type: bool
    default: true
# ansible.builtin.inventory_cache comes before mlops.autoscale._azure: both document "cache", and the first one wins.
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
  - mlops.autoscale._azure
notes:
  - The Azure Machine Learning list calls take a second or two per workspace; enable the inventory cache
    (O(cache=true)) for large subscriptions.
seealso:
  - module: mlops.autoscale.autoscale_info
"""

EXAMPLES = r"""
---
# fleet.online_deployments.yml: every online deployment of two workspaces, credentials from the environment
# (AZURE_SUBSCRIPTION_ID, AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT, as AWX's Azure credential sets them).
plugin: mlops.autoscale.online_deployments
workspaces:
  - resource_group: rg-ml-prod
    name: ws-prod
  - resource_group: rg-ml-dev
    name: ws-dev

---
# all.online_deployments.yml: every workspace of the subscription. Hosts are also grouped by tag (deployment tags
# override endpoint tags), so group_vars/tag_tier_critical.yml holds the policy of every deployment tagged
# tier=critical; deployments that receive traffic are in the group serving.
plugin: mlops.autoscale.online_deployments
auth_source: env
keyed_groups:
  - key: online_deployment.endpoint_tags | combine(online_deployment.tags)
    prefix: tag
groups:
  serving: (online_deployment.traffic | default(0, true)) > 0
compose:
  endpoint_autoscale_tags: "{'managed-by': 'ansible', 'workspace': endpoint_autoscale_workspace}"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/mlops.autoscale/inventory
cache_timeout: 600
"""

from ansible.errors import AnsibleError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.mlops.autoscale.plugins.plugin_utils._inventory import (
    assign_host_names, default_groups, discover_deployments, host_vars, parse_workspaces, session_params,
)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Online deployments of Azure Machine Learning workspaces as hosts."""

    NAME = "mlops.autoscale.online_deployments"
    INVENTORY_FILE_SUFFIXES = ("online_deployments.yml", "online_deployments.yaml")

    def verify_file(self, path):
        """Only configuration files named ``*online_deployments.yml`` or ``.yaml``."""
        return super().verify_file(path) and path.endswith(self.INVENTORY_FILE_SUFFIXES)

    def _records(self, path, cache):
        """The discovered deployments, from the inventory cache when it is enabled and fresh."""
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache")
        update_cache = use_cache and not cache
        if use_cache and cache:
            try:
                return self._cache[cache_key]
            except KeyError:
                update_cache = True
        try:
            workspaces = parse_workspaces(self.get_option("workspaces"))
        except ValueError as error:
            raise AnsibleError("{0}: {1}".format(path, error)) from error
        records = discover_deployments(session_params(self.get_option), workspaces)
        if update_cache:
            self._cache[cache_key] = records
        return records

    def populate(self, records):
        """Hosts, default groups and the constructed options' vars and groups."""
        strict = self.get_option("strict")
        grouped = self.get_option("default_groups")
        for name, record in assign_host_names(records):
            self.inventory.add_host(name)
            for key, value in host_vars(record).items():
                self.inventory.set_variable(name, key, value)
            if grouped:
                for group in default_groups(record):
                    self.inventory.add_group(group)
                    self.inventory.add_child(group, name)
            variables = self.inventory.get_host(name).get_vars()
            self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
            variables = self.inventory.get_host(name).get_vars()
            self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        """Read the configuration, discover the deployments and populate the inventory."""
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        self.populate(self._records(path, cache))
