# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This doc fragment is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""How the write modules name the online deployment whose autoscale setting they manage."""

from __future__ import annotations


class ModuleDocFragment:  # pylint: disable=too-few-public-methods
    """Target addressing options of the write modules."""

    DOCUMENTATION = r"""
options:
  resource_group:
    description:
      - The resource group of the Azure Machine Learning workspace. The autoscale setting is looked for, and created, in it.
      - Required unless O(target_id) is given.
    type: str
  workspace:
    description:
      - The Azure Machine Learning workspace.
    type: str
    aliases: [workspace_name]
  endpoint:
    description:
      - The online endpoint.
    type: str
    aliases: [endpoint_name]
  deployment:
    description:
      - The online deployment whose instance count the setting scales.
    type: str
    aliases: [deployment_name]
  target_id:
    description:
      - The full resource id of the online deployment.
      - Skips the name lookup through Azure Machine Learning. Mutually exclusive with O(workspace), O(endpoint) and O(deployment).
    type: str
  setting_name:
    description:
      - The name of the autoscale setting.
      - The setting is found by its target whatever its name, so settings made in the portal, the Azure CLI, Terraform or
        ARM templates are adopted. A new setting is named C(autoscale-<endpoint>-<deployment>) unless this is given.
    type: str
  location:
    description: The region of a new setting. If not set, the region of the deployment's online endpoint.
    type: str
  strict:
    description:
      - Whether policy lints (a rule whose direction contradicts its operator, thresholds that flap, cooldowns shorter than
        provisioning time, a scale-in rule without a scale-out rule, an endpoint metric read without its deployment
        dimension, e-mails to the retired classic administrators, ...) fail the task before any write instead of drawing
        warnings. The failure lists every finding in C(lints), each with C(code), C(path), C(message) and C(fix).
    type: bool
    default: false
  write_verify_delay:
    description:
      - Seconds to wait after a write before reading the setting back to verify it, from 0 to 60.
      - Autoscale settings have no ETag, so the last writer wins. If a concurrent writer (another play, the portal, a
        pipeline) replaced the setting with a body that lacks this task's change, the task is applied again on the new
        state, up to 3 writes in all, and otherwise fails with C(ConcurrentModification). The delay covers writers that
        read the setting before this task's write and write it back just after.
      - A writer that saves a setting it read earlier (the portal after minutes of editing) can still overwrite this task's
        change, or have its own overwritten, without either side noticing; serialise the writers of one setting.
    type: float
    default: 1.0
"""
