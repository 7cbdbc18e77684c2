#!/usr/bin/python
# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: autoscale_rule
short_description: Manage one metric rule of an autoscale profile of an Azure Machine Learning online deployment
version_added: 1.0.0
description:
  - Adds, updates in place and removes one scale rule in a profile of the Azure Monitor autoscale setting that scales an
    online deployment. The setting and the profile must exist (see M(mlops.autoscale.autoscale_profile)).
  - Rules have no name in Azure. A rule is identified by O(metric_name), the metric resource, O(metric_namespace),
    O(dimensions) and O(direction); changing any other field (threshold, operator, windows, statistic, scale type, value,
    cooldown) updates that rule in place instead of adding a second one. When several rules share the identity (stepped
    scaling), manage them as a list with M(mlops.autoscale.autoscale_profile).
  - Other rules and profiles, notifications, tags and the enabled state are left alone. At most one write; none when the
    rule already matches, including rules written by the portal or the Azure CLI.
author:
  - mlops.autoscale developers (@mlops-autoscale)
options:
  profile_name:
    description:
      - The autoscale profile of the rule. If not set, the default profile (the one without a schedule).
      - O(profile) is the section of the credentials file, as in every module of the collection.
    type: str
  state:
    description:
      - V(present) adds the rule or updates it in place; O(operator), O(threshold) and O(direction) are then required.
      - V(absent) removes the rule with this identity (O(direction) is then required); when several rules share it,
        O(operator) and O(threshold) say which.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - mlops.autoscale._target
  - mlops.autoscale._policy.RULE
  - mlops.autoscale._azure
  - mlops.autoscale._attributes
  - mlops.autoscale._attributes.WRITE_MODULE
  - mlops.autoscale._attributes.ACTIONGROUP_AZURE
seealso:
  - module: mlops.autoscale.autoscale_profile
  - module: mlops.autoscale.autoscale_state
"""

EXAMPLES = r"""
- name: Scale out by 2 when the deployment's CPU is above 70 % for 5 minutes
  mlops.autoscale.autoscale_rule:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    profile_name: my-scale-settings
    metric_name: CpuUtilizationPercentage
    operator: GreaterThan
    threshold: 70
    time_window: 5m
    time_aggregation: Last
    direction: Increase
    type: ChangeCount
    value: 2
    cooldown: 1h

- name: Scale in by 1 when it is below 30 % (a decrease, unlike the Azure docs' sample)
  mlops.autoscale.autoscale_rule:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    profile_name: my-scale-settings
    metric_name: CpuUtilizationPercentage
    operator: LessThan
    threshold: 30
    time_aggregation: Last
    direction: Decrease
    value: 1
    cooldown: 1h

- name: Add an instance when the blue deployment's request latency at the endpoint is above 70 ms
  mlops.autoscale.autoscale_rule:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    profile_name: my-scale-settings
    metric_name: RequestLatency
    metric_resource: endpoint
    dimensions:
      - name: deployment
        values: [blue]
    operator: GreaterThan
    threshold: 70
    time_aggregation: Last
    direction: Increase
    value: 1
    cooldown: 1h

- name: Remove the latency rule
  mlops.autoscale.autoscale_rule:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    profile_name: my-scale-settings
    metric_name: RequestLatency
    metric_resource: endpoint
    dimensions:
      - name: deployment
        values: [blue]
    direction: Increase
    state: absent
"""

RETURN = r"""
changes:
  description:
    - What the task changed (in check mode, would change), by path, as the keys of the diff; empty when nothing differs.
    - A rule's path names it, for example C(profiles.default.rules[CpuUtilizationPercentage > 70 Increase].threshold); an
      end profile's is named after the profile it ends (C(profiles.default after weekend)).
  returned: always
  type: list
  elements: str
  sample:
    - profiles.default.capacity.maximum
    - profiles.weekend
autoscale_setting:
  description:
    - The whole setting after the task (predicted in check mode), in the vocabulary of M(mlops.autoscale.autoscale_info).
      Webhook signatures are masked.
  returned: always
  type: dict
  sample:
    name: autoscale-ep-fraud-blue
    profiles:
      - name: my-scale-settings
        capacity: {minimum: 2, maximum: 5, default: 2}
        rules:
          - metric_name: CpuUtilizationPercentage
            metric_resource: deployment
            operator: GreaterThan
            threshold: 70
            direction: Increase
            type: ChangeCount
            value: 2
            cooldown: 1h
"""

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AzureAutoscaleModule
from ansible_collections.mlops.autoscale.plugins.module_utils._manager import WriteManager
from ansible_collections.mlops.autoscale.plugins.module_utils._specs import TARGET_CONSTRAINTS, common_write_spec, rule_options
from ansible_collections.mlops.autoscale.plugins.module_utils._vocabulary import RULE


def build_spec():
    """The module's options (the common Azure options are merged by AzureAutoscaleModule)."""
    spec = common_write_spec()
    spec.update(rule_options())
    spec["profile_name"] = {"type": "str"}
    return spec


class RuleManager(WriteManager):
    """One rule of one profile."""

    missing_setting_error = ("No autoscale setting targets {target}: create it with mlops.autoscale.autoscale_profile "
                             "(or autoscale_state) before adding rules.")

    def desired(self, have, target):
        if have is None:
            return None
        fields = {name: self.params[name] for name in RULE}
        rule = _model.build_rule(fields, target.ids, "", partial=self.params["state"] == "absent")
        return _model.apply_rule(have, self.params["profile_name"], rule, self.params["state"])


def main():
    """Run the module."""
    constraints = dict(TARGET_CONSTRAINTS)
    constraints["required_if"] = [("state", "present", ("operator", "threshold", "direction")), ("state", "absent", ("direction",))]
    module = AzureAutoscaleModule(argument_spec=build_spec(), supports_check_mode=True, **constraints)
    module.execute(RuleManager)


if __name__ == "__main__":
    main()
