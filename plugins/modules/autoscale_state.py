#!/usr/bin/python
# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: autoscale_state
short_description: Manage the autoscale setting of an Azure Machine Learning online deployment as a whole
version_added: 1.0.0
description:
  - Creates, updates and deletes the Azure Monitor autoscale setting that scales an online deployment.
  - Turns autoscale on and off with O(enabled) without touching the policy, and manages notifications and tags.
  - Converges a whole policy in one write when given O(profiles), each with its rules.
  - The setting is found by its target whatever its name, so settings made in the portal, the Azure CLI, Terraform or ARM
    templates are adopted, never duplicated. Only what the task sets is compared and written; the rest of the setting
    (other profiles, dimensions, predictive policy, fields this collection does not model) is kept.
  - Makes at most one write, and none when the setting already matches.
author:
  - mlops.autoscale developers (@mlops-autoscale)
options:
  setting_name:
    description:
      - The name of the autoscale setting. A new setting is named C(autoscale-<endpoint>-<deployment>) unless this is given.
      - The setting is found by its target whatever its name, so an existing setting keeps its name.
    type: str
    aliases: [name]
  state:
    description:
      - V(present) creates or updates the setting, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description:
      - Whether autoscale is on. V(false) stops autoscale and leaves the deployment at its current instance count.
      - If not set, an existing setting keeps its value and a new one is enabled. It is never changed as a side effect.
    type: bool
  purge_tags:
    description: Whether tags not in O(tags) are removed. Only applies when O(tags) is set.
    type: bool
    default: true
  purge_profiles:
    description:
      - Whether profiles not in O(profiles) are removed (V(true), O(profiles) is the whole policy) or left alone (V(false)).
      - Only applies when O(profiles) or O(policy) is set.
    type: bool
    default: true
  keep_default_profile_name:
    description:
      - When O(profiles) has one default profile (no schedule) whose name matches no profile of the setting, and the
        setting has one default profile, whether the declared one takes that profile's name (V(true)) instead of
        replacing it under the new name (V(false)).
      - Keeps the name the portal, the Azure CLI or Terraform gave an adopted setting's default profile, so adopting it
        changes nothing.
    type: bool
    default: false
  purge_rules:
    description:
      - For a profile in O(profiles) or O(policy) that sets C(rules), whether its rules become exactly those (V(true)), or those are added
        and updated in place by their identity while other rules are kept (V(false)).
    type: bool
    default: true
extends_documentation_fragment:
  - mlops.autoscale._target
  - mlops.autoscale._policy.NOTIFICATIONS
  - mlops.autoscale._policy.TAGS
  - mlops.autoscale._policy.PROFILES
  - mlops.autoscale._policy.POLICY
  - mlops.autoscale._azure
  - mlops.autoscale._attributes
  - mlops.autoscale._attributes.WRITE_MODULE
  - mlops.autoscale._attributes.ACTIONGROUP_AZURE
seealso:
  - module: mlops.autoscale.autoscale_profile
  - module: mlops.autoscale.autoscale_rule
  - module: mlops.autoscale.autoscale_info
"""

EXAMPLES = r"""
- name: Scale the blue deployment on CPU between 2 and 5 instances, in one write
  mlops.autoscale.autoscale_state:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    profiles:
      - name: default
        capacity: {minimum: 2, maximum: 5, default: 2}
        rules:
          - metric_name: CpuUtilizationPercentage
            operator: GreaterThan
            threshold: 70
            time_aggregation: Last
            direction: Increase
            value: 2
            cooldown: 1h
          - metric_name: CpuUtilizationPercentage
            operator: LessThan
            threshold: 30
            time_aggregation: Last
            direction: Decrease
            value: 1
            cooldown: 1h
      - name: weekend
        capacity: {minimum: 2, maximum: 2, default: 2}
        recurrence:
          days: [Saturday, Sunday]
          time_zone: Pacific Standard Time
          end: "23:59"

- name: The same kind of policy in the role's words, with one cooldown for every rule
  mlops.autoscale.autoscale_state:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    policy:
      capacity: {minimum: 2, maximum: 5, default: 2}
      rule_defaults: {cooldown: 1h, time_aggregation: Last}
      rules:
        - {metric_name: CpuUtilizationPercentage, operator: GreaterThan, threshold: 70, direction: Increase, value: 2}
        - {metric_name: CpuUtilizationPercentage, operator: LessThan, threshold: 30, direction: Decrease}
      profiles:
        - name: weekend
          capacity: {minimum: 2, maximum: 2, default: 2}
          recurrence: {days: [Saturday, Sunday], time_zone: Pacific Standard Time, end: "23:59"}

- name: Disable autoscale (the policy is kept)
  mlops.autoscale.autoscale_state:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    enabled: false

- name: Enable it again
  mlops.autoscale.autoscale_state:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    enabled: true

- name: Tell the on-call team of every scale action
  mlops.autoscale.autoscale_state:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    notifications:
      custom_emails: [oncall@example.com]
      webhooks:
        - service_uri: "{{ scale_webhook_uri }}"
          properties: {channel: ops}

- name: Delete the autoscale setting
  mlops.autoscale.autoscale_state:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    state: absent
"""

RETURN = r"""
# BEGIN generated by hacking/regenerate.py from _vocabulary.CHANGES_RETURN
changes:
  description:
    - What the task changed (in check mode, would change), by path, as the keys of the diff; empty when
      nothing differs.
    - A rule's path names it, for example C(profiles.default.rules[CpuUtilizationPercentage > 70 Increase].threshold);
      an end profile's is named after the profile it ends (C(profiles.default after weekend)).
  returned: always
  type: list
  elements: str
  sample:
    - profiles.default.capacity.maximum
    - profiles.weekend
# END generated
autoscale_setting:
  description:
    - The setting after the task (predicted in check mode), in the vocabulary of M(mlops.autoscale.autoscale_info);
      null when it does not exist. Webhook signatures are masked.
  returned: always
  type: dict
  sample:
    name: autoscale-ep-fraud-blue
    resource_group: rg-ml-prod
    location: eastus
    enabled: true
    target_id: /subscriptions/0000/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/blue
    notifications: null
    tags: {}
    profiles:
      - name: default
        capacity: {minimum: 2, maximum: 5, default: 2}
        rules: []
"""

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils import _vocabulary as vocabulary
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AzureAutoscaleModule
from ansible_collections.mlops.autoscale.plugins.module_utils._manager import WriteManager
from ansible_collections.mlops.autoscale.plugins.module_utils._specs import (
    TARGET_CONSTRAINTS, common_write_spec, notifications_spec, option_spec, policy_spec, profiles_spec,
)


def build_spec():
    """The module's options (the common Azure options are merged by AzureAutoscaleModule)."""
    spec = common_write_spec()
    spec["setting_name"]["aliases"] = ["name"]
    spec.update({
        "enabled": {"type": "bool"},
        "notifications": notifications_spec(),
        "tags": option_spec(vocabulary.TAGS_OPTION),
        "purge_tags": {"type": "bool", "default": True},
        "profiles": profiles_spec(),
        "policy": policy_spec(),
        "purge_profiles": {"type": "bool", "default": True},
        "purge_rules": {"type": "bool", "default": True},
        "keep_default_profile_name": {"type": "bool", "default": False},
    })
    return spec


class StateManager(WriteManager):
    """The setting as a whole: existence, enabled, notifications, tags, and optionally every profile."""

    def desired(self, have, target):
        params = self.params
        if params["state"] == "absent":
            return None
        notifications = _model.UNSET
        if params["notifications"] is not None:
            notifications = _model.build_notifications(params["notifications"], "notifications")
        declared = None
        if params["policy"] is not None:
            declared = _model.policy_profiles(params["policy"], params["purge_rules"])
        elif params["profiles"] is not None:
            declared = [("profiles[{0}]".format(index), profile) for index, profile in enumerate(params["profiles"])]
        profiles = None if declared is None else [_model.build_profile(profile, target.ids, field) for field, profile in declared]
        if have is None and not profiles:
            raise ValueError("{0}: a new autoscale setting needs at least one profile (Azure requires 1 to {1}).".format(
                "policy" if params["policy"] is not None else "profiles", vocabulary.MAX_PROFILES))
        return _model.apply_setting(have or self.skeleton(target), enabled=params["enabled"], notifications=notifications,
                                    tags=params["tags"], purge_tags=params["purge_tags"], profiles=profiles,
                                    purge_profiles=params["purge_profiles"], purge_rules=params["purge_rules"],
                                    keep_default_profile_name=params["keep_default_profile_name"])


def main():
    """Run the module."""
    constraints = dict(TARGET_CONSTRAINTS)
    constraints["mutually_exclusive"] = TARGET_CONSTRAINTS["mutually_exclusive"] + [("profiles", "policy")]
    module = AzureAutoscaleModule(argument_spec=build_spec(), supports_check_mode=True, **constraints)
    module.execute(StateManager)


if __name__ == "__main__":
    main()
