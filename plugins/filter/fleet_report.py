# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: fleet_report
short_description: Summarise a fleet run of the role endpoint_autoscale, host by host
version_added: 1.0.0
description:
  - Turns what each host of a run registered into one report, as JSON and as Markdown; every deployment is
    V(failed) (with the task and the message), V(changed) (in check mode, would change; with the paths that differ) or
    V(ok).
  - The entry point C(report) of the role P(mlops.autoscale.endpoint_autoscale#role) builds it, publishes it with
    M(ansible.builtin.set_stats) and writes it to files; C(playbooks/configure_fleet.yml) runs it at the end of every run.
author:
  - mlops.autoscale developers (@mlops-autoscale)
positional: _input
options:
  _input:
    description:
      - One outcome per host, each with C(host) (its name), C(result) (what M(mlops.autoscale.autoscale_state),
        M(mlops.autoscale.autoscale_profile) or M(mlops.autoscale.autoscale_rule) returned; null if it did not run) and
        C(failure) (null, or C(task) and C(msg) of the task that failed).
      - A C(result) that failed counts as a failure too.
    type: list
    elements: dict
    required: true
  check_mode:
    description: Whether the run was in check mode (the report then says V(would change) and that nothing was written).
    type: bool
    default: false
seealso:
  - module: mlops.autoscale.autoscale_state
"""

EXAMPLES = r"""
- name: Build the report of the play's deployments (after the role ran on each)
  ansible.builtin.set_fact:
    fleet: >-
      {{ ansible_play_hosts | map('extract', hostvars, 'endpoint_autoscale_outcome')
         | mlops.autoscale.fleet_report(check_mode=ansible_check_mode) }}
  run_once: true

- name: Show it
  ansible.builtin.debug:
    msg: "{{ fleet.markdown | split('\n') }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: The report.
  type: dict
  contains:
    mode:
      description: V(check) or V(apply).
      type: str
    summary:
      description: The counts C(hosts), C(failed), C(changed) and C(ok).
      type: dict
    hosts:
      description:
        - One entry per host, sorted by name, with C(host), C(status) (V(failed), V(changed) or V(ok)), C(setting_name)
          and C(target_id) when the result has a setting, C(task) and C(msg) when failed; when changed, C(changes)
          (the paths that differ, as in the modules' C(changes)) and C(action) (V(create), V(update) or V(delete)).
      type: list
      elements: dict
    markdown:
      description: The report as a Markdown document (counts, a table of failed hosts, a table of changed hosts).
      type: str
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.collections import is_sequence

from ansible_collections.mlops.autoscale.plugins.plugin_utils._report import fleet_report as _fleet_report


def fleet_report(outcomes, check_mode=False):
    """The fleet report of a list of host outcomes."""
    if not is_sequence(outcomes) or not all(isinstance(item, Mapping) and "host" in item for item in outcomes):
        raise AnsibleFilterError("fleet_report: the input must be a list of {host, result, failure} outcomes, one per host")
    return _fleet_report(outcomes, check_mode=bool(check_mode))


class FilterModule:
    """The fleet report filter."""

    def filters(self):
        """Filter name to function."""
        return {"fleet_report": fleet_report}
