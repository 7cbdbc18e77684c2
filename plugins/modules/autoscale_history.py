#!/usr/bin/python
# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: autoscale_history
short_description: What autoscale did to Azure Machine Learning online deployments, and why
version_added: 1.1.0
description:
  - Reads what the Azure Monitor autoscale engine recorded for one online deployment, or for every deployment of an
    endpoint, a workspace or a resource group, over a window (default the last 7 days).
  - The scale actions come from the activity log's C(Autoscale) category (azure-mgmt-monitor's activity logs, api-version
    2015-04-01, with a C($filter) on the time range and the autoscale setting, or the resource group when several
    deployments are read). For each action, when it was initiated and completed, the instance counts before and after, the
    profile that was active, and its status. Flapping (a scale-in autoscale did not do, or did with another count) and
    metric failures and recoveries are listed beside them.
  - The setting's own metrics (C(ObservedCapacity), C(ObservedMetricValue) by trigger source, C(MetricThreshold) by rule,
    C(ScaleActionsInitiated) by direction) give the metric value autoscale computed at each action and the instance
    count minute by minute, from which the summary counts the time at the maximum.
  - Azure does not record which rule fired. The rule of the action's direction whose condition holds for the observed
    value is named, marked C(inferred).
  - C(docs/history.md) in the collection says what is read, from which API, and what each field means.
  - Read-only; never reports a change.
author:
  - mlops.autoscale developers (@mlops-autoscale)
options:
  resource_group:
    description:
      - The resource group of the Azure Machine Learning workspace (and of its autoscale settings).
      - Alone, every deployment of every workspace in it is read. Required unless O(target_id) is given.
    type: str
  workspace:
    description: The workspace; without O(endpoint), every deployment of every endpoint in it.
    type: str
    aliases: [workspace_name]
  endpoint:
    description: The online endpoint; without O(deployment), every deployment of it. Needs O(workspace).
    type: str
    aliases: [endpoint_name]
  deployment:
    description: The online deployment. Needs O(endpoint).
    type: str
    aliases: [deployment_name]
  target_id:
    description:
      - The full resource id of one online deployment. Skips the name lookup through Azure Machine Learning.
      - Mutually exclusive with O(workspace), O(endpoint) and O(deployment).
    type: str
  window:
    description:
      - How far back to read, ending at O(end), as a duration (V(7d), V(36h), V(1w), ISO 8601 V(P7D)).
      - From V(1h) to V(90d); the activity log keeps 90 days, so the window must also start within the last 90 days.
    type: str
    default: 7d
  end:
    description: The end of the window, as a UTC date and time (V(2026-03-09T12:00:00Z)). Defaults to the current minute.
    type: str
  include_metrics:
    description:
      - Whether to read the autoscale setting's metrics (four requests per setting) for the observed value of each
        action's trigger and the minute-by-minute instance count.
      - Without them the instance count is rebuilt from the completed actions.
    type: bool
    default: true
  max_events:
    description: At most this many timeline entries are returned per deployment (the latest ones); the summary counts all.
    type: int
    default: 500
extends_documentation_fragment:
  - mlops.autoscale._azure
  - mlops.autoscale._attributes
  - mlops.autoscale._attributes.INFO_MODULE
  - mlops.autoscale._attributes.ACTIONGROUP_AZURE
notes:
  - The activity log is eventually consistent; an action appears in it a few minutes after it happened.
  - Reading a single deployment asks the activity log for its current setting's events; events of a setting that was
    deleted or renamed are found when the endpoint, workspace or resource group is read (they name the deployment).
seealso:
  - module: mlops.autoscale.autoscale_simulate
    description: C(compare_history) replays the live policy over the same window and matches it with this history.
  - module: mlops.autoscale.autoscale_info
"""

EXAMPLES = r"""
- name: Why did ep-fraud/blue scale last week?
  mlops.autoscale.autoscale_history:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
  register: what_happened

- name: One line per scale action
  ansible.builtin.debug:
    msg: >-
      {{ item.time }} {{ item.kind }} {{ item.from }} -> {{ item.to }} ({{ item.profile }}):
      {{ item.trigger.metric_name | default('no trigger recorded') }} {{ item.trigger.observed_value | default('') }}
  loop: "{{ what_happened.history.deployments[0].events | selectattr('kind', 'in', ['scale_out', 'scale_in']) }}"

- name: Every deployment of a workspace over a fixed day, without the setting metrics
  mlops.autoscale.autoscale_history:
    resource_group: rg-ml-prod
    workspace: ws-prod
    window: 1d
    end: "2026-03-09T00:00:00Z"
    include_metrics: false
"""

RETURN = r"""
history:
  description: What autoscale did, per deployment.
  returned: always
  type: dict
  contains:
    window:
      description: The period read (UTC) and its length in minutes.
      type: dict
      sample: {start: "2026-03-02T12:00:00Z", end: "2026-03-09T12:00:00Z", minutes: 10080}
    deployments:
      description:
        - One entry per deployment read, sorted by endpoint and deployment.
        - C(deployment_id), C(workspace), C(endpoint), C(deployment); C(setting) (C(id), C(name), C(enabled)), null when
          the deployment has no autoscale setting; C(events) (see below), oldest first; C(events_truncated);
          C(metrics_read) (whether the setting's metrics were read); C(summary) (see below); C(note) (why there is
          nothing, or null).
        - Each event has C(time) (UTC, when autoscale initiated it), C(kind) (V(scale_out), V(scale_in),
          V(flapping_adjusted) (a scale-in with another count to avoid flapping), V(flapping) (a scale-in not done),
          V(metric_failure), V(metric_recovery), V(other)), C(status) (V(Started) while in progress, V(Succeeded),
          V(Failed)), C(from) and C(to) (instance counts), C(profile) (the active profile's name), C(completed_at) and
          C(duration_minutes), C(trigger) (C(rule) index in the active profile, C(metric_name), C(operator),
          C(threshold), C(time_window), C(observed_value) (what autoscale computed then), C(inferred)), C(description)
          and C(correlation_id).
        - C(summary) has C(minutes), C(scale_outs), C(scale_ins), C(failed_actions), C(flapping_events),
          C(metric_failures), C(metric_recoveries), C(per_day) (C(date), C(scale_outs), C(scale_ins)),
          C(minutes_with_capacity), C(minutes_at_maximum), C(instance_hours), C(peak_instances), C(lowest_instances),
          C(mean_instances).
      type: list
      elements: dict
      sample:
        - deployment_id: /subscriptions/.../onlineEndpoints/ep-fraud/deployments/green
          endpoint: ep-fraud
          deployment: green
          setting: {id: /subscriptions/.../autoscalesettings/autoscale-ep-fraud-green, name: autoscale-ep-fraud-green, enabled: true}
          events:
            - {time: "2026-03-03T07:31:00Z", kind: scale_out, status: Succeeded, from: 2, to: 3, profile: default,
               completed_at: "2026-03-03T07:41:00Z", duration_minutes: 10.0,
               trigger: {rule: 0, metric_name: CpuUtilizationPercentage, operator: GreaterThan, threshold: 70.0,
                         time_window: PT5M, observed_value: 73.4, inferred: true}}
          summary: {scale_outs: 21, scale_ins: 21, flapping_events: 0, metric_failures: 5, minutes_at_maximum: 58,
                    per_day: [{date: "2026-03-03", scale_outs: 3, scale_ins: 3}]}
    summary:
      description: The figures of all deployments added up (C(deployments), C(with_setting), C(scale_outs), C(scale_ins),
        C(failed_actions), C(flapping_events), C(metric_failures)).
      type: dict
    requests:
      description: How many requests the module made to the activity log and the metrics API.
      type: int
"""

import datetime

from ansible_collections.mlops.autoscale.plugins.module_utils import _history
from ansible_collections.mlops.autoscale.plugins.module_utils._api import AutoscaleSettings, OnlineDeployments, same_id
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AzureAutoscaleModule
from ansible_collections.mlops.autoscale.plugins.module_utils._durations import utc_window
from ansible_collections.mlops.autoscale.plugins.module_utils._model import parse_online_deployment_id, target_ids_from_deployment_id
from ansible_collections.mlops.autoscale.plugins.module_utils._specs import target_spec

WINDOW_RANGE = (3600, _history.RETENTION_DAYS * 86400, "1h to 90d")
TOTALS = ("scale_outs", "scale_ins", "failed_actions", "flapping_events", "metric_failures")


def build_spec():
    """The module's options (the common Azure options are merged by AzureAutoscaleModule)."""
    spec = target_spec()
    spec.update({
        "window": {"type": "str", "default": "7d"},
        "end": {"type": "str"},
        "include_metrics": {"type": "bool", "default": True},
        "max_events": {"type": "int", "default": 500},
    })
    return spec


CONSTRAINTS = {
    "mutually_exclusive": [("target_id", "workspace"), ("target_id", "endpoint"), ("target_id", "deployment")],
    "required_one_of": [("target_id", "resource_group")],
    "required_by": {"endpoint": ("workspace",), "deployment": ("endpoint",)},
}


class HistoryManager:
    """Finds the deployments and their settings, reads the events and metrics, and explains them."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.deployments = OnlineDeployments(module.session)
        self.settings = AutoscaleSettings(module.session)
        self.reader = _history.HistoryReader(module.session)

    def _window(self):
        try:
            start, end = utc_window(self.params["window"], self.params["end"], WINDOW_RANGE)
            if self.params["max_events"] < 1:
                raise ValueError("max_events: must be at least 1")
        except ValueError as error:
            self.module.fail_json(msg=str(error))
        oldest = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=_history.RETENTION_DAYS)
        if start < oldest:
            self.module.fail_json(msg="window: starts at {0}, more than {1} days ago; the activity log keeps {1} days: "
                                      "shorten window or move end".format(_history.iso(start), _history.RETENTION_DAYS))
        return start, end

    def _targets(self):
        """(resource group, [deployment records]) in scope."""
        params = self.params
        if params["target_id"]:
            try:
                target_ids_from_deployment_id(params["target_id"])
            except ValueError as error:
                self.module.fail_json(msg=str(error))
            names = parse_online_deployment_id(params["target_id"])
            return params["resource_group"] or names["resource_group"], [dict(names, id=params["target_id"])]
        group = params["resource_group"]
        if params["deployment"]:
            record = self.deployments.get(group, params["workspace"], params["endpoint"], params["deployment"])
            return group, [dict(parse_online_deployment_id(record["id"]), id=record["id"])]
        workspaces = [params["workspace"]] if params["workspace"] else [
            item["name"] for item in self.deployments.workspaces() if item["resource_group"].lower() == group.lower()]
        found = []
        for workspace in workspaces:
            for record in self.deployments.list(group, workspace):
                if params["endpoint"] and record["endpoint"].lower() != params["endpoint"].lower():
                    continue
                found.append(dict(parse_online_deployment_id(record["id"]), id=record["id"]))
        return group, sorted(found, key=lambda item: (item["workspace"].lower(), item["endpoint"].lower(), item["deployment"].lower()))

    def run(self):
        """The module result."""
        start, end = self._window()
        group, targets = self._targets()
        settings = [setting for setting in self.settings.list(group)
                    if any(same_id((setting.get("properties") or {}).get("targetResourceUri") or "", target["id"]) for target in targets)]
        if len(targets) == 1 and len(settings) == 1:
            records = self.reader.events(start, end, "resourceUri", settings[0]["id"])
        else:
            records = self.reader.events(start, end, "resourceGroupName", group)
        window = (int(start.timestamp() // 60), int((end - start).total_seconds() // 60))
        entries = [self._deployment(target, settings, records, window, (start, end)) for target in targets]
        summary = {"deployments": len(entries), "with_setting": sum(1 for entry in entries if entry["setting"])}
        summary.update({key: sum(entry["summary"][key] for entry in entries) for key in TOTALS})
        return {"changed": False, "history": {
            "window": {"start": _history.iso(start), "end": _history.iso(end), "minutes": window[1]},
            "deployments": entries, "summary": summary, "requests": self.reader.requests}}

    def _deployment(self, target, settings, records, window, span):
        setting = next((item for item in settings if same_id(item["properties"].get("targetResourceUri") or "", target["id"])), None)
        mine = [record for record in records if same_id(record["target_id"] or "", target["id"])
                or (setting is not None and same_id(record["setting_id"] or "", setting["id"]))]
        entries = _history.timeline(mine)
        metrics = self._metrics(setting, span) if setting is not None and self.params["include_metrics"] else {}
        counts = _history.capacity_minutes(metrics.get("ObservedCapacity", {}).get(None), *window)
        if not counts:
            counts = _history.counts_from_actions(entries, *window)
        fallback = _default_maximum(setting)
        summary = _history.summarise(entries, counts, _history.maximum_lookup(entries, fallback), *window)
        public = [_history.public(entry, _history.trigger(entry, metrics.get("ObservedMetricValue"), metrics.get("MetricThreshold")))
                  for entry in entries]
        limit = self.params["max_events"]
        return {
            "deployment_id": target["id"], "workspace": target["workspace"], "endpoint": target["endpoint"],
            "deployment": target["deployment"],
            "setting": {"id": setting["id"], "name": setting["name"], "enabled": setting["properties"].get("enabled")} if setting else None,
            "events": public[-limit:], "events_truncated": len(public) > limit, "metrics_read": bool(metrics),
            "summary": summary, "note": _note(setting, entries),
        }

    def _metrics(self, setting, span):
        found = {name: self.reader.setting_metric(setting["id"], name, span[0], span[1]) for name in _history.SETTING_METRICS}
        return found if any(found.values()) else {}


def _default_maximum(setting):
    """The maximum of the setting's first profile (the fallback when no event names the active profile)."""
    profiles = ((setting or {}).get("properties") or {}).get("profiles") or []
    try:
        return int(profiles[0]["capacity"]["maximum"]) if profiles else None
    except (KeyError, TypeError, ValueError):
        return None


def _note(setting, entries):
    if setting is None and not entries:
        return "The deployment has no autoscale setting and the activity log has no autoscale event for it in the window."
    if setting is None:
        return "The deployment has no autoscale setting now; the events are those of a setting it had."
    if not entries:
        return "Autoscale recorded no event for the deployment in the window."
    return None


def main():
    """Run the module."""
    module = AzureAutoscaleModule(argument_spec=build_spec(), supports_check_mode=True, **CONSTRAINTS)
    module.execute(HistoryManager)


if __name__ == "__main__":
    main()
