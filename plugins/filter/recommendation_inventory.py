# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: recommendation_inventory
short_description: Turn autoscale_recommend results into an inventory for the role endpoint_autoscale and a summary table
version_added: 1.0.0
description:
  - Converts the results of a loop of M(mlops.autoscale.autoscale_recommend) over the C(deployments) that
    M(mlops.autoscale.autoscale_info) returns into the files of an inventory directory, in the variables of the role
    P(mlops.autoscale.endpoint_autoscale#role), and a Markdown table of what each recommendation saves.
  - Each host is named as P(mlops.autoscale.export_inventory#filter) and the inventory plugin
    P(mlops.autoscale.online_deployments#inventory) name it. Its file holds the deployment's live policy as the export writes
    it, with the recommended C(endpoint_autoscale_capacity), C(endpoint_autoscale_rules), C(endpoint_autoscale_profiles)
    and C(endpoint_autoscale_default_profile_name) in place of the live ones; comments give the held-out figures and
    the recommendation's notes. A deployment without an autoscale setting gets its target variables and the recommended policy.
  - Failed or skipped loop items are left out and listed in RV(_value.skipped).
author:
  - mlops.autoscale developers (@mlops-autoscale)
positional: _input
options:
  _input:
    description: The C(results) of the registered loop of M(mlops.autoscale.autoscale_recommend), each with its deployment record as C(item).
    type: list
    elements: dict
    required: true
  settings:
    description: The C(autoscale_settings) returned by M(mlops.autoscale.autoscale_info), whose whole live policies the files keep.
    type: list
    elements: dict
    default: []
seealso:
  - module: mlops.autoscale.autoscale_recommend
  - plugin: mlops.autoscale.export_inventory
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Recommend a policy for every deployment
  mlops.autoscale.autoscale_recommend:
    target_id: "{{ item.id }}"
  loop: "{{ live.deployments }}"
  register: advice
  ignore_errors: true

- name: Convert the results to inventory files
  ansible.builtin.set_fact:
    recommended: "{{ advice.results | mlops.autoscale.recommendation_inventory(settings=live.autoscale_settings) }}"
"""

RETURN = r"""
_value:
  description: The inventory and its summary.
  type: dict
  contains:
    files:
      description:
        - The files of the inventory directory by path relative to it (C(hosts.yml), C(group_vars/all.yml),
          C(host_vars/<host>.yml)) and C(recommendations.md), as text.
      type: dict
    hosts:
      description: The host names, sorted.
      type: list
      elements: str
    skipped:
      description: The deployments left out, each with C(deployment) (its id) and C(reason).
      type: list
      elements: dict
    summary:
      description: Per host, C(host), C(deployment), the held-out figures C(current) and C(recommended), C(instance_hours_saved_percent) and C(keeps_live).
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.mlops.autoscale.plugins.plugin_utils._recommendations import recommendation_inventory as _inventory


def recommendation_inventory(results, settings=None):
    """The inventory files of autoscale_recommend loop results (marked unsafe, as the export's are)."""
    if not isinstance(results, list):
        raise AnsibleFilterError("recommendation_inventory: the input must be the results list of a registered loop of "
                                 "autoscale_recommend, not {0}".format(type(results).__name__))
    return wrap_var(_inventory(results, settings or []))


class FilterModule:
    """The recommendation filter."""

    def filters(self):
        """Filter name to function."""
        return {"recommendation_inventory": recommendation_inventory}
