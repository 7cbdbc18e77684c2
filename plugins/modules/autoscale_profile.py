#!/usr/bin/python
# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: autoscale_profile
short_description: Manage one profile of the autoscale setting of an Azure Machine Learning online deployment
version_added: 1.0.0
description:
  - Creates, updates and removes one profile (capacity limits, schedule, rules) of the Azure Monitor autoscale setting that
    scales an online deployment, creating the setting when there is none.
  - A profile without O(recurrence) or O(fixed_date) is the default profile. A recurring profile with an end time keeps the
    portal's and the Azure CLI's end profile in step with the default profile.
  - Other profiles, notifications, tags and the enabled state of the setting are left alone. At most one write; none when
    the profile already matches.
author:
  - mlops.autoscale developers (@mlops-autoscale)
options:
  name:
    description: The name of the profile.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the profile, V(absent) removes it (with its end profile). Removing the last profile
        is refused; delete the setting with M(mlops.autoscale.autoscale_state) instead.
    type: str
    choices: [present, absent]
    default: present
  purge_rules:
    description:
      - With O(rules) set, whether the profile's rules become exactly O(rules) (V(true)), or O(rules) are added and updated
        in place by their identity while other rules are kept (V(false)).
    type: bool
    default: true
extends_documentation_fragment:
  - mlops.autoscale._target
  - mlops.autoscale._policy.PROFILE
  - mlops.autoscale._azure
  - mlops.autoscale._attributes
  - mlops.autoscale._attributes.WRITE_MODULE
  - mlops.autoscale._attributes.ACTIONGROUP_AZURE
notes:
  - O(capacity) is required to create a profile; for an existing profile, options that are not set are left alone.
seealso:
  - module: mlops.autoscale.autoscale_rule
  - module: mlops.autoscale.autoscale_state
"""

EXAMPLES = r"""
- name: Define the autoscale profile of the blue deployment (2 to 5 instances, 2 by default)
  mlops.autoscale.autoscale_profile:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    name: my-scale-settings
    capacity:
      minimum: 2
      maximum: 5
      default: 2

- name: Two instances on weekends (Pacific time)
  mlops.autoscale.autoscale_profile:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    name: weekend
    capacity: {minimum: 2, maximum: 2, default: 2}
    recurrence:
      days: [Saturday, Sunday]
      time_zone: Pacific Standard Time
      start: "00:00"
      end: "23:59"

- name: More room on Black Friday, with its own rules
  mlops.autoscale.autoscale_profile:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    name: black-friday
    capacity: {minimum: 4, maximum: 10, default: 6}
    fixed_date:
      time_zone: UTC
      start: "2026-11-27T00:00:00"
      end: "2026-11-28T23:59:00"
    rules:
      - metric_name: RequestsPerMinute
        operator: GreaterThan
        threshold: 1000
        direction: Increase
        value: 2
        cooldown: 15m
      - metric_name: RequestsPerMinute
        operator: LessThan
        threshold: 200
        direction: Decrease
        value: 1
        cooldown: 30m

- name: Remove the weekend profile
  mlops.autoscale.autoscale_profile:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    name: weekend
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
    - The whole setting after the task (predicted in check mode), in the vocabulary of M(mlops.autoscale.autoscale_info);
      null when no setting exists. Webhook signatures are masked.
  returned: always
  type: dict
  sample:
    name: autoscale-ep-fraud-blue
    enabled: true
    profiles:
      - name: my-scale-settings
        capacity: {minimum: 2, maximum: 5, default: 2}
        rules: []
"""

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AzureAutoscaleModule
from ansible_collections.mlops.autoscale.plugins.module_utils._manager import WriteManager
from ansible_collections.mlops.autoscale.plugins.module_utils._specs import TARGET_CONSTRAINTS, common_write_spec, profile_options


def build_spec():
    """The module's options (the common Azure options are merged by AzureAutoscaleModule)."""
    spec = common_write_spec()
    spec.update(profile_options())
    spec.update({
        "name": {"type": "str", "required": True},
        "purge_rules": {"type": "bool", "default": True},
    })
    return spec


class ProfileManager(WriteManager):
    """One profile of the setting."""

    def _existing(self, have):
        for profile in (have or {}).get("profiles", []):
            if profile["name"] == self.params["name"]:
                return profile
        return None

    def desired(self, have, target):
        params = self.params
        if params["state"] == "absent":
            if have is None:
                return None
            return _model.apply_profile(have, {"name": params["name"]}, "absent", purge_rules=True, rules_given=False)
        existing = self._existing(have)
        requested = {key: params[key] for key in ("name", "capacity", "recurrence", "fixed_date", "rules")}
        if existing is not None:
            # Unset options keep the profile's current values; a new schedule replaces the old one.
            if requested["capacity"] is None:
                requested["capacity"] = existing["capacity"]
            if requested["recurrence"] is None and requested["fixed_date"] is None:
                requested["recurrence"] = existing.get("recurrence")
                requested["fixed_date"] = existing.get("fixed_date")
        elif requested["capacity"] is None:
            raise ValueError("capacity: required to create profile {0!r} (minimum, maximum and default instance counts)".format(params["name"]))
        profile = _model.build_profile(requested, target.ids, "")
        return _model.apply_profile(have or self.skeleton(target), profile, "present", purge_rules=params["purge_rules"],
                                    rules_given=params["rules"] is not None)


def main():
    """Run the module."""
    constraints = dict(TARGET_CONSTRAINTS)
    constraints["mutually_exclusive"] = TARGET_CONSTRAINTS["mutually_exclusive"] + [("recurrence", "fixed_date")]
    module = AzureAutoscaleModule(argument_spec=build_spec(), supports_check_mode=True, **constraints)
    module.execute(ProfileManager)


if __name__ == "__main__":
    main()
