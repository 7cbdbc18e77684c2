#!/usr/bin/python
# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: manual_scale
short_description: Pin an Azure Machine Learning online deployment at an instance count, and hand it back to autoscale
version_added: 1.0.0
description:
  - The studio's C(Manual scale) as a task (autoscale off, a fixed instance count on the deployment), and back with
    O(state=absent), as the studio's C(Custom autoscale) does.
  - With O(state=present), the deployment's autoscale setting, if it has one, is disabled first (it is kept, with its
    whole policy), then the instance count is set through azure-ai-ml as
    C(az ml online-deployment update --set instance_count=N) does, and the task waits for the long-running update to
    finish (O(wait_timeout)). In that order autoscale cannot undo the new count between the two writes.
  - If Azure refuses the update (for example C(OutOfQuota)) and the deployment kept its instance count, the autoscale
    setting the task disabled is enabled again, and the task fails naming both. If the update is still running after
    O(wait_timeout), the setting stays disabled and the task fails; run it again to confirm.
  - Checks before any write that the count is within 1 to O(instance_limit) and that the deployment is in a state that
    accepts updates (not C(Creating), C(Updating), C(Scaling) or C(Deleting)).
  - Makes no write when the setting is already disabled (or absent) and the count already holds.
author:
  - mlops.autoscale developers (@mlops-autoscale)
extends_documentation_fragment:
  - mlops.autoscale._manual_scale
  - mlops.autoscale._azure
  - mlops.autoscale._attributes
  - mlops.autoscale._attributes.WRITE_MODULE
  - mlops.autoscale._attributes.ACTIONGROUP_AZURE
seealso:
  - module: mlops.autoscale.autoscale_state
  - module: mlops.autoscale.autoscale_info
  - name: Autoscale online endpoints in Azure Machine Learning
    description: The how-to this collection follows; its studio tab ends with Manual scale and Custom autoscale.
    link: https://learn.microsoft.com/azure/machine-learning/how-to-autoscale-endpoints
"""

EXAMPLES = r"""
- name: Freeze the deployment at 6 instances during an incident (autoscale off, kept)
  mlops.autoscale.manual_scale:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    instance_count: 6

- name: Hand the deployment back to its autoscale policy
  mlops.autoscale.manual_scale:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    state: absent
"""

RETURN = r"""
changes:
  description: What the task changed (in check mode, would change), as the keys of the diff; empty when nothing differs.
  returned: always
  type: list
  elements: str
  sample: [autoscale_setting.enabled, deployment.instance_count]
deployment:
  description: The deployment after the task (predicted in check mode).
  returned: always
  type: dict
  contains:
    id:
      description: The resource id of the online deployment.
      type: str
    instance_count:
      description: Its instance count.
      type: int
      sample: 6
    instance_type:
      description: Its VM size.
      type: str
      sample: Standard_DS3_v2
    provisioning_state:
      description: Its provisioning state as Azure ML reports it.
      type: str
      sample: Succeeded
    control:
      description: V(autoscale) when an enabled autoscale setting scales it, V(manual) otherwise.
      type: str
      sample: manual
autoscale_setting:
  description:
    - The deployment's autoscale setting after the task, in the vocabulary of M(mlops.autoscale.autoscale_info); null
      when the deployment has none.
  returned: always
  type: dict
"""

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils import _vocabulary as vocabulary
from ansible_collections.mlops.autoscale.plugins.module_utils._api import UPDATABLE_STATES, AutoscaleSettings, DeploymentScale, OnlineDeployments
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AzureAutoscaleModule
from ansible_collections.mlops.autoscale.plugins.module_utils._diff import DifferenceTracker
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError
from ansible_collections.mlops.autoscale.plugins.module_utils._manager import resolve_target
from ansible_collections.mlops.autoscale.plugins.module_utils._specs import TARGET_CONSTRAINTS, argument_spec

ENABLED_PATH = "autoscale_setting.enabled"
COUNT_PATH = "deployment.instance_count"


def build_spec():
    """The module's options (the common Azure options are merged by AzureAutoscaleModule)."""
    spec = argument_spec({name: vocabulary.TARGET[name] for name in vocabulary.ADDRESS_NAMES})
    spec.update(argument_spec(vocabulary.MANUAL_SCALE))
    return spec


def control_of(setting):
    """Who sets the instance count: ``autoscale`` with an enabled setting, ``manual`` otherwise."""
    return "autoscale" if setting and setting.get("enabled") else "manual"


class ManualScaleManager:
    """Plans and makes the (at most) two writes: the setting's ``enabled``, then the deployment's instance count."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.settings = AutoscaleSettings(module.session)
        self.target = None
        self.scale = None

    def _validate(self):
        """Input that cannot work fails here, before any call."""
        count, limit = self.params["instance_count"], self.params["instance_limit"]
        if self.params["state"] == "present" and not vocabulary.MIN_ML_CAPACITY <= count <= limit:
            self.module.fail_json(msg="instance_count: {0} is out of range; allowed: {1} to instance_limit ({2}). A managed online "
                                      "deployment needs at least one instance.".format(count, vocabulary.MIN_ML_CAPACITY, limit))
        if not 1 <= self.params["wait_timeout"] <= vocabulary.MANUAL_SCALE["wait_timeout"]["range"][1]:
            self.module.fail_json(msg="wait_timeout: {0} is out of range; allowed: 1 to {1} seconds".format(
                self.params["wait_timeout"], vocabulary.MANUAL_SCALE["wait_timeout"]["range"][1]))

    def _read(self):
        """(the setting's raw body or None, its vocabulary form or None, the deployment's scale record)."""
        try:
            self.target = resolve_target(self.params, OnlineDeployments(self.module.session))
        except ValueError as error:
            self.module.fail_json(msg=str(error))
        self.scale = DeploymentScale(self.module.session, self.target.names)
        record = self.scale.read()
        raw = self.settings.find_by_target(self.target.resource_group, self.target.ids.deployment_id,
                                           [self.params["setting_name"] or self.target.default_name], trust_run_listing=False)
        try:
            have = _model.normalise_setting(raw) if raw else None
        except ValueError as error:
            self.module.fail_json(msg="{0}; nothing was written. Fix the setting in Azure (or delete it).".format(error))
        return raw, have, record

    def _plan(self, have, record):
        """The differences the task makes; fails before any write when they cannot be made."""
        tracker = DifferenceTracker()
        if self.params["state"] == "absent":
            if have is None:
                self.module.fail_json(msg="No autoscale setting targets {0}, so there is no autoscale to hand control back to; "
                                          "nothing was written. Create one with mlops.autoscale.autoscale_state or the role "
                                          "endpoint_autoscale.".format(self.target.ids.deployment_id))
            if not have["enabled"]:
                tracker.add(ENABLED_PATH, False, True)
            return tracker
        if have is not None and have["enabled"]:
            tracker.add(ENABLED_PATH, True, False)
        if record["instance_count"] != self.params["instance_count"]:
            if record["provisioning_state"] not in UPDATABLE_STATES:
                self.module.fail_json(msg="Online deployment {0} is {1}: an operation is running on it and Azure ML takes no update "
                                          "until it ends; nothing was written. Run the task again when it is {2}.".format(
                                              self.target.ids.deployment_id, record["provisioning_state"], " or ".join(UPDATABLE_STATES)))
            tracker.add(COUNT_PATH, record["instance_count"], self.params["instance_count"])
        return tracker

    def _set_enabled(self, raw, have, enabled):
        """One PUT of the whole setting with ``enabled`` changed; returns the setting in vocabulary form."""
        want = _model.apply_setting(have, enabled=enabled)
        self.settings.put(want["resource_group"], want["name"], _model.to_wire(want, raw))
        return want

    def _apply(self, tracker, raw, have, record):
        """Make the writes in order: autoscale off before the count, so that it cannot undo the count in between."""
        enabled = tracker.get_after().get(ENABLED_PATH)
        setting = have if enabled is None else self._set_enabled(raw, have, enabled)
        if COUNT_PATH not in tracker.get_after():
            return setting, record
        try:
            return setting, self.scale.set_instance_count(self.params["instance_count"], self.params["wait_timeout"])
        except AutoscaleError as error:
            self._restore(error, raw, have, record, enabled is False)
            raise

    def _restore(self, error, raw, have, record, disabled):
        """After a refused update that left the count as it was, enable the setting the task disabled again."""
        if not disabled or error.code == "OperationTimedOut" or self.scale.read()["instance_count"] != record["instance_count"]:
            if disabled:
                error.hint = "{0} Autoscale setting {1!r} stays disabled.".format(error.hint or "", have["name"]).strip()
            return
        self._set_enabled(raw, have, True)
        error.hint = "{0} Autoscale setting {1!r} was enabled again, as it was before the task.".format(error.hint or "", have["name"]).strip()

    def run(self):
        """Plan, write unless in check mode, and report."""
        self._validate()
        raw, have, record = self._read()
        tracker = self._plan(have, record)
        setting, after = have, dict(record)
        if tracker.has_differences() and self.module.check_mode:
            planned = tracker.get_after()
            setting = have if ENABLED_PATH not in planned else _model.apply_setting(have, enabled=planned[ENABLED_PATH])
            after["instance_count"] = planned.get(COUNT_PATH, record["instance_count"])
        elif tracker.has_differences():
            setting, after = self._apply(tracker, raw, have, record)
        result = {"changed": tracker.has_differences(), "changes": tracker.paths(),
                  "deployment": dict(after, id=self.target.ids.deployment_id, control=control_of(setting)),
                  "autoscale_setting": _model.render(setting) if setting else None}
        if self.module.diff_mode:
            result["diff"] = {"before": tracker.get_before(), "after": tracker.get_after()}
        return result


def main():
    """Run the module."""
    module = AzureAutoscaleModule(argument_spec=build_spec(), supports_check_mode=True,
                                  required_if=[("state", "present", ("instance_count",))], **TARGET_CONSTRAINTS)
    module.execute(ManualScaleManager)


if __name__ == "__main__":
    main()
