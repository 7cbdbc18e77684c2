# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""The flow every write module shares: resolve the target, read its setting, merge, check, write once, report."""

from __future__ import annotations

import time

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.plugins.module_utils._api import AutoscaleSettings, OnlineDeployments
from ansible_collections.mlops.autoscale.plugins.module_utils._diff import compare
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError
from ansible_collections.mlops.autoscale.plugins.module_utils._lint import lint_setting


#: How many times a task writes when concurrent writers keep replacing its change.
WRITE_ATTEMPTS = 3

#: The longest wait before reading a write back, in seconds.
MAX_VERIFY_DELAY = 60


class Target:
    """The resource a setting scales, where its setting lives, and how to name a new one."""

    def __init__(self, ids, resource_group, default_name, names, location=None):
        self.ids = ids
        self.resource_group = resource_group
        self.default_name = default_name
        self.names = names
        self.location = location


def resolve_target(params, deployments):
    """The target of a task: by id as given, or by names through Azure Machine Learning (which proves it exists)."""
    if params["target_id"]:
        ids = _model.target_ids_from_deployment_id(params["target_id"])
        names = _model.parse_online_deployment_id(ids.deployment_id)
        return Target(ids, params["resource_group"] or names["resource_group"],
                      _model.default_setting_name(names["endpoint"], names["deployment"]), names)
    record = deployments.get(params["resource_group"], params["workspace"], params["endpoint"], params["deployment"])
    names = _model.parse_online_deployment_id(record["id"])
    return Target(_model.target_ids_from_deployment_id(record["id"]), params["resource_group"],
                  _model.default_setting_name(params["endpoint"], params["deployment"]), names, record["endpoint_location"])


class WriteManager:
    """Base of the write modules' managers. Subclasses implement ``desired(have, target)``."""

    #: What a missing setting means for this module: None (nothing to do) or an error message.
    missing_setting_error = None

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.settings = AutoscaleSettings(module.session)
        self.deployments = OnlineDeployments(module.session)

    def desired(self, have, target):
        """The setting the task asks for (canonical vocabulary), or None for no setting. May raise ValueError."""
        raise NotImplementedError

    def _location(self, target):
        if self.params["location"] or target.location:
            return self.params["location"] or target.location
        return self.deployments.endpoint_location(target.names["resource_group"], target.names["workspace"],
                                                  target.names["endpoint"], target.names["subscription_id"])

    def skeleton(self, target):
        """A new, empty setting for the target (no write happens here)."""
        name = self.params["setting_name"] or target.default_name
        return _model.new_setting(name, self._location(target), target.ids.deployment_id, target.resource_group)

    def _check_lints(self, want):
        lints = lint_setting(want)
        texts = ["Policy lint {0}: {1}: {2} {3}".format(lint["code"], lint["path"], lint["message"], lint["fix"]) for lint in lints]
        if lints and self.params["strict"]:
            self.module.fail_json(msg="strict: true refuses this policy; nothing was written. " + " ".join(texts), lint=lints[0], lints=lints)
        for text in texts:
            self.module.warn(text)

    def _desired_or_fail(self, have, target):
        """``desired`` checked against the service limits; bad input fails here, before any write."""
        try:
            want = self.desired(have, target)
            if want is not None:
                _model.validate_setting(want)
        except ValueError as error:
            # Paths of top-level options come without a parent: ".threshold" -> "threshold".
            self.module.fail_json(msg=str(error).lstrip("."))
        return want

    def run(self):
        """Converge the setting: one write when it differs (re-applied only after a concurrent writer). Returns the result."""
        delay = self.params["write_verify_delay"]
        if not 0 <= delay <= MAX_VERIFY_DELAY:  # also false for NaN
            self.module.fail_json(msg="write_verify_delay: {0!r} is not a number of seconds from 0 to {1}".format(delay, MAX_VERIFY_DELAY))
        try:
            target = resolve_target(self.params, self.deployments)
        except ValueError as error:
            self.module.fail_json(msg=str(error))
        # Where "no setting" would end the task without a write (nothing to delete, no setting to change), the run's
        # listing is not enough: it is confirmed by a listing of this moment.
        raw = self._find(target, trust_run_listing=not (self.params["state"] == "absent" or self.missing_setting_error))
        have, want = self._plan(raw, target)
        differences = compare(have, want)
        after = want
        if differences.has_differences() and not self.module.check_mode:
            differences, after = self._write_or_adopt(raw, have, want, target)
        result = {"changed": differences.has_differences(), "changes": differences.paths(),
                  "autoscale_setting": _model.render(after) if after else None}
        if self.module.diff_mode:
            result["diff"] = {"before": differences.get_before(), "after": differences.get_after()}
        return result

    def _write_or_adopt(self, raw, have, want, target):
        """Write. When Azure refuses a new setting because one already targets the deployment (409: another writer
        created it after this run listed the resource group), adopt that one, as the next run would.
        Returns (the differences written, the setting after)."""
        try:
            return compare(have, want), self._write_and_verify(raw, want, target)
        except AutoscaleError as error:
            adopted = self._find(target, trust_run_listing=False) if raw is None and error.status == 409 else None
            if adopted is None:
                raise
        self.module.warn("Autoscale setting {0!r} was created for the deployment by another writer during this run; the "
                         "task adopts it.".format(adopted["name"]))
        have, want = self._plan(adopted, target)
        differences = compare(have, want)
        return differences, (self._write_and_verify(adopted, want, target) if differences.has_differences() else want)

    def _find(self, target, trust_run_listing=True):
        return self.settings.find_by_target(target.resource_group, target.ids.deployment_id,
                                            [self.params["setting_name"] or target.default_name], trust_run_listing)

    def _plan(self, raw, target):
        """(have, want) in the canonical vocabulary; fails before any write on bad input or a missing setting."""
        try:
            have = _model.normalise_setting(raw) if raw else None
        except ValueError as error:
            self.module.fail_json(msg="{0}; nothing was written. Fix the setting in Azure (or delete it) and run the task "
                                      "again.".format(error))
        if have is None and self.missing_setting_error and self.params["state"] == "present":
            self.module.fail_json(msg=self.missing_setting_error.format(target=target.ids.deployment_id))
        want = self._desired_or_fail(have, target)
        if want is not None:
            self._check_lints(want)
        return have, want

    def _write(self, raw, want):
        """One PUT of the whole merged setting, or one DELETE. Returns (resource group, name) written."""
        if want is None:
            self.settings.delete(raw_resource_group(raw), raw["name"], raw["properties"]["targetResourceUri"])
            return raw_resource_group(raw), raw["name"]
        self.settings.put(want["resource_group"], want["name"], _model.to_wire(want, raw))
        return want["resource_group"], want["name"]

    def _write_and_verify(self, raw, want, target):
        """Write, then read back: the API has no ETag, so a concurrent writer may have replaced the setting with a body
        that lacks this task's change. Re-applying the task on what is there must change nothing; if it would, the task
        is applied again on the fresh state (bounded). Returns the setting as Azure has it."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            resource_group, name = self._write(raw, want)
            time.sleep(self.params["write_verify_delay"])
            raw = self.settings.get(resource_group, name)
            fresh = _model.normalise_setting(raw)
            if fresh is None and want is not None and self.missing_setting_error:
                raise AutoscaleError("keep this task's change in autoscale setting {0!r}".format(name),
                                     "another writer deleted the setting right after this task wrote it", code="ConcurrentModification",
                                     hint="Find the other writer (another play, the portal, a pipeline) and decide whether the "
                                          "setting should exist; then run this task again.")
            want = self._desired_or_fail(fresh, target)
            if not compare(fresh, want).has_differences():
                return fresh
            if attempt < WRITE_ATTEMPTS:
                self.module.warn("Autoscale setting {0!r} was changed by another writer while this task wrote it; the task's "
                                 "change is applied again on the new state.".format(name))
        raise AutoscaleError("keep this task's change in autoscale setting {0!r}".format(name),
                             "another writer replaced the setting {0} times in a row right after this task wrote it".format(WRITE_ATTEMPTS),
                             code="ConcurrentModification",
                             hint="Azure autoscale settings have no ETag, so the last writer wins. Find the other writer "
                                  "(another play, the portal, a pipeline), let it finish, and run this task again.")


def raw_resource_group(raw):
    """The resource group in a setting's id."""
    return _model.resource_group_of(raw["id"])
