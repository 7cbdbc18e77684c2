# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: export_inventory
short_description: Turn live autoscale settings into an inventory for the role endpoint_autoscale
version_added: 1.0.0
description:
  - Converts the autoscale settings that M(mlops.autoscale.autoscale_info) returns into the files of an inventory
    directory, in the variables of the role P(mlops.autoscale.endpoint_autoscale#role), so that applying that inventory
    restores the settings.
  - One host per online deployment that has a setting, named C(<workspace>.<endpoint>.<deployment>) as the inventory
    plugin P(mlops.autoscale.online_deployments#inventory) names it (qualified with the resource group when names collide),
    in the same C(workspace_*) and C(endpoint_*) groups.
  - The default profile becomes C(endpoint_autoscale_capacity) and C(endpoint_autoscale_rules) (a setting without one gets
    C(endpoint_autoscale_capacity=null)), other profiles
    C(endpoint_autoscale_profiles); C(endpoint_autoscale_enabled), C(endpoint_autoscale_tags),
    C(endpoint_autoscale_notifications) and C(endpoint_autoscale_setting_name) are always written, so the export is the
    whole policy. Output-only keys such as C(metric_resource_uri) are dropped.
  - Masked webhook URIs are not written as real ones, they go to the host variable C(endpoint_autoscale_masked_webhook_uris)
    and the webhooks refer to it.
  - Settings that the role cannot express (not targeting an online deployment, or kept in another
    resource group than their workspace) are left out and listed in RV(_value.skipped).
author:
  - mlops.autoscale developers (@mlops-autoscale)
positional: _input
options:
  _input:
    description: The C(autoscale_settings) returned by M(mlops.autoscale.autoscale_info).
    type: list
    elements: dict
    required: true
  workspace:
    description: Only settings of deployments in this workspace.
    type: str
  resource_group:
    description: Only settings of deployments in workspaces of this resource group.
    type: str
seealso:
  - module: mlops.autoscale.autoscale_info
"""

EXAMPLES = r"""
- name: Read the live settings
  mlops.autoscale.autoscale_info:
    include_raw: false
  register: live

- name: Convert them to inventory files
  ansible.builtin.set_fact:
    exported: "{{ live.autoscale_settings | mlops.autoscale.export_inventory(workspace='ws-prod') }}"

- name: Write the files
  ansible.builtin.copy:
    dest: "/srv/inventory/{{ item.key }}"
    content: "{{ item.value }}"
    mode: "0644"
  loop: "{{ exported.files | dict2items }}"
  loop_control:
    label: "{{ item.key }}"
"""

RETURN = r"""
_value:
  description: The inventory.
  type: dict
  contains:
    files:
      description:
        - The files of the inventory directory, by path relative to it (C(hosts.yml), C(group_vars/all.yml),
          C(host_vars/<host>.yml)), as YAML text.
      type: dict
    hosts:
      description: The host names, sorted.
      type: list
      elements: str
    skipped:
      description: The settings that were left out, each with C(setting) (its id) and C(reason).
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.mlops.autoscale.plugins.plugin_utils._export import export_inventory as _export_inventory


def export_inventory(settings, workspace=None, resource_group=None):
    """The inventory files of live autoscale settings (marked unsafe: webhook placeholders are templates for later)."""
    if not isinstance(settings, list):
        raise AnsibleFilterError("export_inventory: the input must be the autoscale_settings list of autoscale_info, "
                                 "not {0}".format(type(settings).__name__))
    return wrap_var(_export_inventory(settings, workspace=workspace or None, resource_group=resource_group or None))


class FilterModule:
    """The export filter."""

    def filters(self):
        """Filter name to function."""
        return {"export_inventory": export_inventory}
