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
  - Workspace, endpoint and deployment names are matched against the settings' target ids; a name that matches no setting
    gives an empty list of settings.
  - With O(include_deployments=true) (the default) it also reads, through Azure Machine Learning, the online deployments
    in scope, and says for each its instance count and who controls it (RV(deployments[].control)) - V(autoscale) when an
    enabled setting targets it, V(manual) when none does or the setting is disabled (the studio's C(Manual scale),
    M(mlops.autoscale.manual_scale)). A setting whose target deployment no longer exists (Azure keeps a setting after its
    deployment is deleted, and its target cannot be changed) is marked RV(autoscale_settings[].orphaned).
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
  include_deployments:
    description:
      - Whether to read the online deployments in scope through Azure Machine Learning, to return RV(deployments) and to
        mark orphaned settings.
      - V(false) reads the settings only (no Azure Machine Learning call).
      - When the principal may not read the workspaces (C(AuthorizationFailed)), the settings are returned without
        RV(deployments) and without C(orphaned), with a warning that says so.
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

- name: List the settings whose deployment is gone (see playbooks/prune_orphans.yml)
  mlops.autoscale.autoscale_info:
    resource_group: rg-ml-prod
  register: group_settings

- name: Show them
  ansible.builtin.debug:
    msg: "{{ group_settings.autoscale_settings | selectattr('orphaned') | map(attribute='name') }}"

- name: Show who controls each deployment's instance count
  ansible.builtin.debug:
    msg: "{{ group_settings.deployments | items2dict(key_name='id', value_name='control') }}"

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
    orphaned:
      description:
        - Whether the setting's target deployment no longer exists. Such a setting scales nothing and cannot be updated
          (Azure refuses a write whose target is missing); C(playbooks/prune_orphans.yml) deletes such settings.
      type: bool
      returned: when O(include_deployments=true) and the target is an online deployment
    raw:
      description: The ARM resource as Azure returned it (webhook signatures masked).
      type: dict
      returned: when O(include_raw=true)
    error:
      description:
        - Why a setting Azure holds cannot be expressed in the vocabulary (for example a recurrence day Azure took but that
          is no weekday); the setting then has only C(id), C(name), C(resource_group), C(target_id), C(error) and, with
          O(include_raw=true), C(raw). A warning says the same.
      type: str
      returned: when a setting cannot be read
deployments:
  description: The online deployments in scope, as Azure Machine Learning lists them.
  returned: when O(include_deployments=true)
  type: list
  elements: dict
  contains:
    id:
      description: The resource id of the deployment.
      type: str
    resource_group:
      description: Its resource group.
      type: str
    workspace:
      description: Its workspace.
      type: str
    endpoint:
      description: Its online endpoint.
      type: str
    deployment:
      description: Its name.
      type: str
      sample: blue
    instance_count:
      description: Its current instance count.
      type: int
      sample: 3
    instance_type:
      description: Its VM size.
      type: str
      sample: Standard_DS3_v2
    provisioning_state:
      description: Its provisioning state (C(Updating) while an update runs).
      type: str
      sample: Succeeded
    traffic:
      description: Its share of the endpoint's traffic, in percent.
      type: int
    control:
      description: V(autoscale) when an enabled autoscale setting targets it, V(manual) otherwise.
      type: str
      sample: autoscale
    autoscale_setting:
      description: The name of the setting that targets it, or null.
      type: str
"""

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._api import AutoscaleSettings, OnlineDeployments, same_id
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AzureAutoscaleModule
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError

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
        "include_deployments": {"type": "bool", "default": True},
    }


DEPLOYMENT_KEYS = ("id", "resource_group", "workspace", "endpoint", "deployment", "instance_count", "instance_type",
                   "provisioning_state", "traffic")


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
        self.deployments = OnlineDeployments(module.session)

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

    def _workspaces(self, settings):
        """The (subscription, resource group, workspace) triples whose deployments are in scope."""
        params, subscription_id = self.params, self.module.session.subscription_id
        if params["workspace"]:
            return [(subscription_id, params["resource_group"], params["workspace"])]
        if params["target_id"] or params["setting_name"]:
            targets = [_model.parse_online_deployment_id(item.get("target_id") or "") for item in settings]
            return sorted({(names["subscription_id"], names["resource_group"], names["workspace"]) for names in targets if names})
        return [(subscription_id, item["resource_group"], item["name"]) for item in self.deployments.workspaces(subscription_id)
                if not params["resource_group"] or item["resource_group"].lower() == params["resource_group"].lower()]

    def _listed(self, subscription_id, resource_group, workspace):
        """The deployments of one workspace; none when the workspace itself is gone."""
        try:
            return self.deployments.list(resource_group, workspace, subscription_id)
        except AutoscaleError as error:
            if error.status == 404:
                return []
            raise

    def _deployments(self, settings):
        """The deployments in scope, each with its control, and the settings marked orphaned or not."""
        prefix = target_prefix(self.module.session.subscription_id, self.params) if not self.params["target_id"] else None
        wanted = [item.get("target_id") for item in settings] if self.params["target_id"] or self.params["setting_name"] else None
        found = []
        for scope in self._workspaces(settings):
            for record in self._listed(*scope):
                in_scope = prefix is None or same_id(record["id"], prefix) or (
                    prefix.endswith("/") and record["id"].lower().startswith(prefix.lower()))
                if (wanted is None and in_scope) or (wanted is not None and any(same_id(record["id"], item) for item in wanted)):
                    found.append(record)
        by_target = {_model.id_key(item["target_id"]): item for item in settings if item.get("target_id")}
        for item in settings:
            if _model.parse_online_deployment_id(item.get("target_id") or ""):
                item["orphaned"] = not any(same_id(record["id"], item["target_id"]) for record in found)
        result = []
        for record in found:
            setting = by_target.get(_model.id_key(record["id"]))
            entry = {key: record.get(key) for key in DEPLOYMENT_KEYS}
            entry.update(control="autoscale" if setting and setting.get("enabled") else "manual",
                         autoscale_setting=setting["name"] if setting else None)
            result.append(entry)
        return sorted(result, key=lambda entry: entry["id"].lower())

    def run(self):
        """The result: every setting in scope, rendered (and the deployments in scope, with who controls them)."""
        results = []
        for raw in self._candidates():
            if not self._in_scope(raw):
                continue
            try:
                item = _model.render(_model.normalise_setting(raw))
            except ValueError as error:
                self.module.warn(str(error))
                item = {"id": raw.get("id"), "name": raw.get("name"), "resource_group": _model.resource_group_of(raw.get("id")),
                        "error": str(error), "target_id": raw.get("properties", {}).get("targetResourceUri")}
            if self.params["include_raw"]:
                item["raw"] = _model.mask_wire(raw)
            results.append(item)
        results.sort(key=lambda item: (item.get("resource_group") or "", item["name"]))
        result = {"changed": False, "autoscale_settings": results}
        if self.params["include_deployments"]:
            try:
                result["deployments"] = self._deployments(results)
            except AutoscaleError as error:
                if error.status != 403:
                    raise
                # A principal that may read autoscale settings but not Azure ML still gets the settings.
                self.module.warn("{0} Deployments, their control and orphaned settings are not returned; grant the principal "
                                 "read access to the Azure Machine Learning workspaces, or set include_deployments: false."
                                 .format(error.describe()))
        return result


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
