#!/usr/bin/python
# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: autoscale_info
short_description: Read the autoscale settings of Azure Machine Learning online deployments
version_added: 1.0.0
description:
  - Returns the Azure Monitor autoscale settings that target Azure Machine Learning online deployments, for one deployment,
    an endpoint, a workspace, a resource group or the whole subscription.
  - Each setting is returned in the vocabulary the write modules take (integer capacities, durations such as V(5m), rules
    with the role of their metric resource), with the raw ARM resource beside it.
  - Workspace, endpoint and deployment names are matched against the settings' target ids, so a read needs no Azure Machine
    Learning call; a name that matches no setting gives an empty list.
  - Webhook URIs are returned with their signatures masked.
author:
  - mlops.autoscale developers (@mlops-autoscale)
options:
  resource_group:
    description:
      - The resource group to read settings from (the workspace's resource group). Without it, the whole subscription is read.
      - Required with O(workspace) and O(setting_name).
    type: str
  workspace:
    description: Only settings that target deployments of this workspace.
    type: str
    aliases: [workspace_name]
  endpoint:
    description: Only settings that target deployments of this online endpoint. Requires O(workspace).
    type: str
    aliases: [endpoint_name]
  deployment:
    description: Only the setting that targets this online deployment. Requires O(endpoint).
    type: str
    aliases: [deployment_name]
  target_id:
    description:
      - Only the setting that targets this resource id. Any resource type is allowed.
      - Mutually exclusive with O(workspace), O(endpoint) and O(deployment).
    type: str
  setting_name:
    description: Only the setting with this name. Requires O(resource_group).
    type: str
    aliases: [name]
  include_raw:
    description: Whether to return the raw ARM resource of each setting under RV(autoscale_settings[].raw).
    type: bool
    default: true
extends_documentation_fragment:
  - mlops.autoscale._azure
  - mlops.autoscale._attributes
  - mlops.autoscale._attributes.INFO_MODULE
  - mlops.autoscale._attributes.ACTIONGROUP_AZURE
seealso:
  - module: mlops.autoscale.autoscale_state
  - module: mlops.autoscale.autoscale_profile
  - module: mlops.autoscale.autoscale_rule
"""

EXAMPLES = r"""
- name: Read the autoscale setting of one deployment
  mlops.autoscale.autoscale_info:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
  register: fraud_blue

- name: Show its default profile's capacity
  ansible.builtin.debug:
    msg: "{{ fraud_blue.autoscale_settings[0].profiles | selectattr('name', 'equalto', 'default') | map(attribute='capacity') }}"
  when: fraud_blue.autoscale_settings | length > 0

- name: Read every setting of a workspace's online deployments
  mlops.autoscale.autoscale_info:
    resource_group: rg-ml-prod
    workspace: ws-prod
  register: workspace_settings

- name: Read every online-deployment setting of the subscription, with credentials set once for the group
  module_defaults:
    group/mlops.autoscale.azure:
      auth_source: env
  mlops.autoscale.autoscale_info:
    include_raw: false
  register: all_settings
"""

RETURN = r"""
autoscale_settings:
  description: The matching autoscale settings, in the collection's vocabulary.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The resource id of the setting.
      type: str
      sample: /subscriptions/0000/resourceGroups/rg-ml-prod/providers/microsoft.insights/autoscalesettings/autoscale-ep-fraud-blue
    name:
      description: The name of the setting.
      type: str
      sample: autoscale-ep-fraud-blue
    resource_group:
      description: The resource group of the setting.
      type: str
      sample: rg-ml-prod
    location:
      description: The Azure region of the setting.
      type: str
      sample: eastus
    target_id:
      description: The resource id the setting scales.
      type: str
    target:
      description: The names in O(target_id) when it is an online deployment.
      type: dict
      returned: when the target is an online deployment
      sample: {subscription_id: "0000", resource_group: rg-ml-prod, workspace: ws-prod, endpoint: ep-fraud, deployment: blue}
    enabled:
      description: Whether autoscale is enabled.
      type: bool
      sample: true
    tags:
      description: The tags of the setting.
      type: dict
      sample: {team: fraud}
    notifications:
      description: Who is told of scale actions; null when nobody.
      type: dict
      sample:
        send_to_subscription_administrator: false
        send_to_subscription_co_administrators: false
        custom_emails: [oncall@example.com]
        webhooks: [{service_uri: "https://hooks.example.com/scale?sig=VALUE_REDACTED", properties: {}}]
    predictive_policy:
      description: The predictive autoscale policy, when the setting has one.
      type: dict
    profiles:
      description:
        - The profiles, with the portal's and the Azure CLI's end profiles folded into C(recurrence.end) where that loses
          nothing (an end profile that is no copy of the default profile stays a profile of its own, under its JSON name).
        - Each has C(name), C(capacity) (C(minimum), C(maximum), C(default) as integers), C(rules), and at most one of
          C(recurrence) (C(days), C(time_zone), C(start), C(end)) and C(fixed_date) (C(time_zone), C(start), C(end)).
        - Each rule has C(metric_name), C(metric_resource) (V(deployment), V(endpoint) or an id), C(metric_resource_uri),
          C(metric_namespace), C(statistic), C(time_grain), C(time_window), C(time_aggregation), C(operator), C(threshold),
          C(dimensions), C(divide_per_instance), C(direction), C(type), C(value) and C(cooldown).
      type: list
      elements: dict
      sample:
        - name: default
          capacity: {minimum: 2, maximum: 5, default: 2}
          rules:
            - metric_name: CpuUtilizationPercentage
              metric_resource: deployment
              operator: GreaterThan
              threshold: 70
              statistic: Average
              time_grain: 1m
              time_window: 5m
              time_aggregation: Average
              direction: Increase
              type: ChangeCount
              value: 2
              cooldown: 1h
    raw:
      description: The ARM resource as Azure returned it (webhook signatures masked).
      type: dict
      returned: when O(include_raw=true)
    error:
      description:
        - Why a setting Azure holds cannot be expressed in the vocabulary (for example a recurrence day Azure took but that
          is no weekday); the setting then has only C(id), C(name), C(resource_group), C(error) and, with
          O(include_raw=true), C(raw). A warning says the same.
      type: str
      returned: when a setting cannot be read
"""

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._api import AutoscaleSettings, same_id
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AzureAutoscaleModule

DEPLOYMENT_ID = ("/subscriptions/{0}/resourceGroups/{1}/providers/Microsoft.MachineLearningServices/workspaces/{2}"
                 "/onlineEndpoints/{3}/deployments/{4}")


def build_spec():
    """The module's options (the common Azure options are merged by AzureAutoscaleModule)."""
    return {
        "resource_group": {"type": "str"},
        "workspace": {"type": "str", "aliases": ["workspace_name"]},
        "endpoint": {"type": "str", "aliases": ["endpoint_name"]},
        "deployment": {"type": "str", "aliases": ["deployment_name"]},
        "target_id": {"type": "str"},
        "setting_name": {"type": "str", "aliases": ["name"]},
        "include_raw": {"type": "bool", "default": True},
    }


def target_prefix(subscription_id, params):
    """The id prefix that the targets of the requested scope start with (None: any online deployment)."""
    if params["deployment"]:
        return DEPLOYMENT_ID.format(subscription_id, params["resource_group"], params["workspace"],
                                    params["endpoint"], params["deployment"])
    if params["workspace"]:
        prefix = DEPLOYMENT_ID.format(subscription_id, params["resource_group"], params["workspace"], "", "")
        prefix = prefix.split("/onlineEndpoints/")[0] + "/onlineEndpoints/"
        if params["endpoint"]:
            prefix += params["endpoint"] + "/deployments/"
        return prefix
    return None


class AutoscaleInfoManager:
    """Reads the settings in scope and renders them."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.settings = AutoscaleSettings(module.session)

    def _candidates(self):
        params = self.params
        if params["target_id"]:
            resource_group = params["resource_group"] or _model.resource_group_of(params["target_id"])
            found = self.settings.find_by_target(resource_group, params["target_id"], [params["setting_name"]])
            return [found] if found else []
        if params["setting_name"]:
            found = self.settings.get(params["resource_group"], params["setting_name"])
            return [found] if found else []
        if params["deployment"]:
            target = target_prefix(self.module.session.subscription_id, params)
            name = _model.default_setting_name(params["endpoint"], params["deployment"])
            found = self.settings.find_by_target(params["resource_group"], target, [name])
            return [found] if found else []
        return self.settings.list(params["resource_group"])

    def _in_scope(self, raw):
        target = raw.get("properties", {}).get("targetResourceUri") or ""
        params = self.params
        if params["target_id"]:
            return same_id(target, params["target_id"])
        prefix = target_prefix(self.module.session.subscription_id, params)
        if prefix:
            return target.lower().startswith(prefix.lower()) or same_id(target, prefix)
        return params["setting_name"] is not None or _model.parse_online_deployment_id(target) is not None

    def run(self):
        """The result: every setting in scope, rendered."""
        results = []
        for raw in self._candidates():
            if not self._in_scope(raw):
                continue
            try:
                item = _model.render(_model.normalise_setting(raw))
            except ValueError as error:
                self.module.warn(str(error))
                item = {"id": raw.get("id"), "name": raw.get("name"), "resource_group": _model.resource_group_of(raw.get("id")),
                        "error": str(error)}
            if self.params["include_raw"]:
                item["raw"] = _model.mask_wire(raw)
            results.append(item)
        results.sort(key=lambda item: (item.get("resource_group") or "", item["name"]))
        return {"changed": False, "autoscale_settings": results}


def main():
    """Run the module."""
    module = AzureAutoscaleModule(
        argument_spec=build_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("target_id", "workspace"), ("target_id", "endpoint"), ("target_id", "deployment")],
        required_by={"workspace": "resource_group", "setting_name": "resource_group", "endpoint": "workspace",
                     "deployment": "endpoint"},
    )
    module.execute(AutoscaleInfoManager)


if __name__ == "__main__":
    main()
