#!/usr/bin/python
# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: autoscale_recommend
short_description: Recommend an autoscale policy for an Azure Machine Learning online deployment from its metric history
version_added: 1.0.0
description:
  - Reads the deployment's metric history (as M(mlops.autoscale.autoscale_simulate) does) and searches a small, documented
    space of policies with the same engine model for the one with the fewest instance-hours whose SLO breach minutes and
    scale events stay within O(budgets) (by default, no worse than the live policy's) and that passes every lint of
    M(mlops.autoscale.autoscale_info) (no flapping thresholds, scale-out cooldown at least the provisioning time,
    maximum within the default quota).
  - The space is the default profile's capacity, one scale-out and one scale-in rule on the metric of the live policy's
    first scale-out rule (CPU of the deployment without a live policy), their thresholds, steps, cooldowns and windows,
    and a weekly recurring C(peak-hours) profile with a higher minimum when the history shows a daily pattern.
  - The search sees only the earlier part of the window. The figures reported as the result, RV(recommendation.held_out),
    come from replaying the live and the recommended policy over the later part, which the search never saw
    (O(held_out_share)). C(docs/recommend.md) in the collection has the space, the objective, the split and how to read
    the result.
  - Returns the policy in the role P(mlops.autoscale.endpoint_autoscale#role)'s vocabulary, ready for C(host_vars), and
    writes a PNG and/or a self-contained HTML page of the held-out part, live against recommended.
  - Nothing is written to Azure. The module never reports a change.
author:
  - mlops.autoscale developers (@mlops-autoscale)
options:
  resource_group:
    description:
      - The resource group of the Azure Machine Learning workspace (where the autoscale setting is looked for).
      - Required unless O(target_id) is given.
    type: str
  workspace:
    description: The Azure Machine Learning workspace.
    type: str
    aliases: [workspace_name]
  endpoint:
    description: The online endpoint.
    type: str
    aliases: [endpoint_name]
  deployment:
    description: The online deployment to recommend a policy for.
    type: str
    aliases: [deployment_name]
  target_id:
    description:
      - The full resource id of the online deployment. Skips the name lookup through Azure Machine Learning.
      - Mutually exclusive with O(workspace), O(endpoint) and O(deployment).
    type: str
  setting_name:
    description:
      - The name of the live autoscale setting. It is found by its target whatever its name; this name is only tried
        first (default C(autoscale-<endpoint>-<deployment>)).
    type: str
  window:
    description:
      - How much history to learn from and validate on, ending at O(end), as a duration (V(14d), V(2w), V(P14D)).
      - From V(2d) to V(30d).
    type: str
    default: 14d
  end:
    description:
      - The end of the history, as a UTC date and time (V(2026-03-09T12:00:00Z)). Defaults to the current minute.
    type: str
  held_out_share:
    description:
      - The share of the window, at its end, that the search does not see and the result is measured on.
      - From V(0.1) to V(0.5). With a window of two days or more the held-out part is rounded to whole days, so that both
        parts hold whole daily cycles (14 days and V(0.3) hold out the last 4 days).
    type: float
    default: 0.3
  budgets:
    description:
      - What the recommended policy may cost in service over the search part, per day. Unset budgets are the live
        policy's figures over the search part (no worse than the live policy). The SLO budget holds over each half of
        the search part as well (the live policy's breaches in that half, or the per-day budget times its days), so that
        savings are not bought with the breaches of one stretch; the scale events budget is at least 4 a
        day, since a policy that follows a daily cycle scales out and in every day while the live one may never scale.
      - Without a live autoscale setting the live policy is the deployment's fixed instance count.
    type: dict
    suboptions:
      slo_minutes_per_day:
        description: SLO breach minutes per day.
        type: float
      scale_events_per_day:
        description: Scale-outs plus scale-ins per day.
        type: float
  maximum_instances:
    description:
      - The largest maximum the search may give. Default the live policy's maximum (twice the instance count, at least 2,
        without a live policy); never above the default quota of 50 instances.
    type: int
  schedules:
    description:
      - Whether to try a weekly recurring C(peak-hours) profile (UTC) with a higher minimum over the busy hours when the
        history shows a daily pattern (the busiest hour's mean load at least 1.5 times the quietest's).
    type: bool
    default: true
  max_replays:
    description:
      - At most this many candidate policies are replayed over the search part (each some tenths of a second per day of
        history). Candidates a lint rejects are not replayed and do not count.
    type: int
    default: 60
  seed:
    description: The seed of the order in which the search revisits the dimensions after its first sweep; a given seed gives the same result.
    type: int
    default: 0
  png_path:
    description:
      - Write a PNG of the held-out part (metrics, SLO, instances), live against recommended, to this path.
      - Needs the Python library matplotlib on the host that runs the module.
    type: path
  html_path:
    description: Write a self-contained HTML page (inline SVG, no scripts) with the same charts and the figures to this path.
    type: path
extends_documentation_fragment:
  - mlops.autoscale._simulate
  - mlops.autoscale._azure
  - mlops.autoscale._attributes
  - mlops.autoscale._attributes.INFO_MODULE
  - mlops.autoscale._attributes.ACTIONGROUP_AZURE
requirements:
  - tzlocal (CLDR's Windows to IANA time zone mapping, for schedules)
  - matplotlib (only for O(png_path) and O(html_path))
notes:
  - O(slo) defaults to V(CpuUtilizationPercentage) above V(90) on the deployment. The replay rescales only the metrics of
    O(parameters.per_instance_metrics) to a policy's instance count, so an SLO on latency counts the same breaches under
    every policy and cannot tell policies apart; give one to keep its minutes as recorded.
  - The recommendation is what the model predicts; check it with M(mlops.autoscale.autoscale_simulate) and apply it
    with the role (C(playbooks/recommend.yml) writes an inventory that C(playbooks/configure_fleet.yml) applies).
  - Writing O(png_path) or O(html_path) writes a local file even in check mode; nothing is written to Azure.
seealso:
  - module: mlops.autoscale.autoscale_simulate
  - module: mlops.autoscale.autoscale_state
"""

EXAMPLES = r"""
- name: Which policy should ws-prod/ep-fraud/blue run, judged on the last 4 of 14 days?
  mlops.autoscale.autoscale_recommend:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    html_path: /tmp/ep-fraud-blue-recommendation.html
  register: advice

- name: Show what it saves on the days the search did not see
  ansible.builtin.debug:
    msg: >-
      {{ advice.recommendation.held_out.current.instance_hours }} -> {{ advice.recommendation.held_out.recommended.instance_hours }}
      instance-hours; SLO minutes {{ advice.recommendation.held_out.current.slo_minutes_breached }} ->
      {{ advice.recommendation.held_out.recommended.slo_minutes_breached }}

- name: Apply it with the role
  ansible.builtin.include_role:
    name: mlops.autoscale.endpoint_autoscale
  vars:
    endpoint_autoscale_resource_group: rg-ml-prod
    endpoint_autoscale_workspace: ws-prod
    endpoint_autoscale_endpoint: ep-fraud
    endpoint_autoscale_deployment: blue
    endpoint_autoscale_capacity: "{{ advice.recommendation.host_vars.endpoint_autoscale_capacity }}"
    endpoint_autoscale_rules: "{{ advice.recommendation.host_vars.endpoint_autoscale_rules }}"
    endpoint_autoscale_profiles: "{{ advice.recommendation.host_vars.endpoint_autoscale_profiles }}"

- name: A stricter CPU SLO, at most 2 breach minutes and 12 scale events a day, a three-week window
  mlops.autoscale.autoscale_recommend:
    target_id: "{{ fraud_green_deployment_id }}"
    window: 21d
    slo: {metric_name: CpuUtilizationPercentage, threshold: 85}
    budgets: {slo_minutes_per_day: 2, scale_events_per_day: 12}
"""

RETURN = r"""
recommendation:
  description: The recommended policy, how the search found it, and how it did on the held-out history.
  returned: always
  type: dict
  contains:
    target_id:
      description: The online deployment.
      type: str
    policy:
      description:
        - The recommended policy as M(mlops.autoscale.autoscale_state)'s O(mlops.autoscale.autoscale_state#module:policy) and
          M(mlops.autoscale.autoscale_simulate)'s O(mlops.autoscale.autoscale_simulate#module:proposed) take it
          (C(default_profile_name), C(capacity), C(rules), C(profiles)).
      type: dict
      sample:
        default_profile_name: default
        capacity: {minimum: 1, maximum: 6, default: 1}
        rules:
          - {metric_name: CpuUtilizationPercentage, metric_resource: deployment, statistic: Average, time_grain: 1m,
             time_aggregation: Average, operator: GreaterThan, threshold: 80, direction: Increase, type: ChangeCount,
             value: 1, cooldown: 15m, time_window: 5m}
          - {metric_name: CpuUtilizationPercentage, metric_resource: deployment, statistic: Average, time_grain: 1m,
             time_aggregation: Average, operator: LessThan, threshold: 40, direction: Decrease, type: ChangeCount,
             value: 1, cooldown: 10m, time_window: 10m}
        profiles: []
    host_vars:
      description: The same policy as the role's host variables (C(endpoint_autoscale_capacity), C(endpoint_autoscale_rules), ...).
      type: dict
    keeps_live:
      description:
        - Whether the recommendation is the live policy as it is, because no candidate of the search space beat it within
          the budgets over the search part (RV(recommendation.notes) says why).
        - Without a live setting the live policy is the fixed instance count (a default profile with minimum = maximum).
      type: bool
    live_setting:
      description: The name of the live autoscale setting, or null when the deployment has none (then the live policy is its fixed instance count).
      type: str
    window:
      description: The whole history (UTC) and its length in minutes.
      type: dict
      sample: {start: "2026-11-17T12:00:00Z", end: "2026-12-01T12:00:00Z", minutes: 20160}
    parameters:
      description: The engine parameters used, defaults filled in.
      type: dict
    slo:
      description: The SLO counted (C(metric_name), C(metric_resource_uri), C(operator), C(threshold), C(aggregation)).
      type: dict
    search:
      description:
        - The search over the earlier part of the window. C(window) (its start, end and minutes); C(budgets) (the
          C(slo_minutes_breached) and C(scale_events) a candidate may have over it, and C(slo_minutes_by_half), the SLO
          breach minutes it may have in each half of it); C(current) and C(recommended) (the
          figures of the live and the recommended policy over it, C(instance_hours), C(slo_minutes_breached),
          C(scale_events), C(scale_outs), C(scale_ins), C(mean_instances), C(peak_instances), C(minutes_at_maximum));
          C(replays) (candidates replayed), C(rejected_by_lints), C(seed); C(space) (each dimension's values) with
          C(start) (the live policy as a point of it) and C(best); C(pattern) (the daily pattern found, C(days), C(start),
          C(end) in UTC and C(ratio), or null).
      type: dict
    held_out:
      description:
        - The later part of the window, which the search did not see. C(window); C(current) and C(recommended) with the same
          figures as in RV(recommendation.search); C(instance_hours_saved_percent) (positive when the recommendation uses
          fewer); C(slo_no_worse) (whether the recommendation breached the SLO for no more minutes than the live policy).
      type: dict
      sample:
        window: {start: "2026-11-27T12:00:00Z", end: "2026-12-01T12:00:00Z", minutes: 5760}
        current: {instance_hours: 301.2, slo_minutes_breached: 14, scale_events: 30}
        recommended: {instance_hours: 221.7, slo_minutes_breached: 9, scale_events: 24}
        instance_hours_saved_percent: 26.4
        slo_no_worse: true
    notes:
      description: Sentences on why the recommendation saves what it saves, or why it cannot save more.
      type: list
      elements: str
    png_path:
      description: The PNG written, or null.
      type: str
    html_path:
      description: The HTML page written, or null.
      type: str
"""

from ansible_collections.mlops.autoscale.plugins.module_utils import _engine, _model, _recommend
from ansible_collections.mlops.autoscale.plugins.module_utils._api import DeploymentScale, OnlineDeployments
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AzureAutoscaleModule
from ansible_collections.mlops.autoscale.plugins.module_utils._chart import build_chart
from ansible_collections.mlops.autoscale.plugins.module_utils._durations import utc_window
from ansible_collections.mlops.autoscale.plugins.module_utils._manager import resolve_target
from ansible_collections.mlops.autoscale.plugins.module_utils._replay import ReplayManager
from ansible_collections.mlops.autoscale.plugins.module_utils._specs import TARGET_CONSTRAINTS, simulation_parameters_spec, slo_spec, target_spec

WINDOW_RANGE = (2 * 86400, 30 * 86400, "2d to 30d")
HELD_OUT_RANGE = (0.1, 0.5)
DEFAULT_SLO = {"metric_name": _recommend.DEFAULT_METRIC, "metric_resource": None, "threshold": 90.0, "operator": "GreaterThan",
               "aggregation": "Average"}


def build_spec():
    """The module's options (the common Azure options are merged by AzureAutoscaleModule)."""
    spec = target_spec()
    spec.update({
        "setting_name": {"type": "str"},
        "window": {"type": "str", "default": "14d"},
        "end": {"type": "str"},
        "held_out_share": {"type": "float", "default": 0.3},
        "slo": slo_spec(),
        "budgets": {"type": "dict", "options": {"slo_minutes_per_day": {"type": "float"}, "scale_events_per_day": {"type": "float"}}},
        "maximum_instances": {"type": "int"},
        "schedules": {"type": "bool", "default": True},
        "max_replays": {"type": "int", "default": 60},
        "seed": {"type": "int", "default": 0},
        "parameters": simulation_parameters_spec(),
        "png_path": {"type": "path"},
        "html_path": {"type": "path"},
    })
    return spec


def fixed_policy_setting(count, target_ids, name):
    """What a deployment without an autoscale setting does: it stays at its instance count."""
    return _model.setting_from_policy({"capacity": {"minimum": count, "maximum": count, "default": count}, "rules": []},
                                      target_ids, name, root="fixed")


class RecommendManager(ReplayManager):
    """Reads the live setting and the history, searches the policy space, validates on the held-out part."""

    def _inputs(self):
        params = self.params
        try:
            engine_params = _engine.parameters({key: value for key, value in (params["parameters"] or {}).items() if value is not None})
            start, end = utc_window(params["window"], params["end"], WINDOW_RANGE)
            low, high = HELD_OUT_RANGE
            if not low <= params["held_out_share"] <= high:
                raise ValueError("held_out_share: {0} is out of range; allowed: {1} to {2}".format(params["held_out_share"], low, high))
            if params["max_replays"] < 1:
                raise ValueError("max_replays: must be at least 1")
            if params["maximum_instances"] is not None and not 1 <= params["maximum_instances"] <= _recommend.DEFAULT_QUOTA_INSTANCES:
                raise ValueError("maximum_instances: {0} is out of range; allowed: 1 to {1} (the default quota)".format(
                    params["maximum_instances"], _recommend.DEFAULT_QUOTA_INSTANCES))
            for key, value in (params["budgets"] or {}).items():
                if value is not None and value < 0:
                    raise ValueError("budgets.{0}: must be 0 or more".format(key))
        except ValueError as error:
            self._fail(error)
        return engine_params, (start, end)

    def run(self):
        """The module result."""
        try:
            target = resolve_target(self.params, OnlineDeployments(self.module.session))
        except ValueError as error:
            self._fail(error)
        engine_params, (start, end) = self._inputs()
        try:
            slo = self.slo_series(self.params["slo"] or DEFAULT_SLO, target)
        except ValueError as error:
            self._fail(error)
        name = self.params["setting_name"] or target.default_name
        live = self.live_setting(target, "The deployment has no autoscale setting: the recommendation is compared with its "
                                         "fixed instance count, which never scales.")
        fixed_count = None if live else max(1, int(DeploymentScale(self.module.session, target.names).read()["instance_count"] or 1))
        baseline = live or fixed_policy_setting(fixed_count, target.ids, name)
        first, minutes = int(start.timestamp() // 60), int((end - start).total_seconds() // 60)
        search_part, held_part = _recommend.split_window(first, minutes, self.params["held_out_share"])
        template = _recommend.rule_templates(live, _recommend.default_rule(target.ids.deployment_id))[0]
        widest = _model.setting_from_policy({"capacity": {"minimum": 1, "maximum": 2}, "rules": [
            dict(_recommend.kept_fields(template), operator="GreaterThan", threshold=1, direction="Increase",
                 time_window=_recommend.SCALE_IN_WINDOWS[-1])]}, target.ids, name, root="search")
        needed, metrics, observed = self.read_history([baseline, widest], slo, target, (start, end), [engine_params["metric_lag"]])
        inputs = {"live": live, "baseline": baseline, "fixed_count": fixed_count, "target_ids": target.ids, "name": name,
                  "metrics": metrics, "observed": observed, "slo": slo}
        options = {key: self.params[key] for key in ("budgets", "maximum_instances", "schedules", "max_replays", "seed")}
        try:
            outcome, replays, settings = _recommend.recommend(inputs, engine_params, (search_part, held_part), options)
        except ValueError as error:
            self._fail(error)
        outcome.update({"target_id": target.ids.deployment_id, "live_setting": live["name"] if live else None,
                        "window": _recommend.window_record(first, minutes), "parameters": engine_params,
                        "slo": {key: slo[key] for key in ("metric_name", "metric_resource_uri", "operator", "threshold", "aggregation")},
                        "png_path": None, "html_path": None})
        if self.params["png_path"] or self.params["html_path"]:
            title = "Autoscale recommendation: {0}/{1}, held out {2} to {3}".format(
                target.names["endpoint"], target.names["deployment"], outcome["held_out"]["window"]["start"], outcome["held_out"]["window"]["end"])
            chart = build_chart(title, held_part, (needed, metrics, settings, observed), replays, slo)
            self.write_pictures(chart, outcome)
        return {"changed": False, "recommendation": outcome}


def main():
    """Run the module."""
    module = AzureAutoscaleModule(argument_spec=build_spec(), supports_check_mode=True, **TARGET_CONSTRAINTS)
    module.execute(RecommendManager)


if __name__ == "__main__":
    main()
