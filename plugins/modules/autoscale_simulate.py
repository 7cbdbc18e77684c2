#!/usr/bin/python
# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: autoscale_simulate
short_description: Replay the current and a proposed autoscale policy of an Azure Machine Learning online deployment over its metric history
version_added: 1.0.0
description:
  - Reads the metric history of every metric the policies' rules use from Azure Monitor (one request per metric resource
    and metric, at one-minute resolution) and replays, minute by minute, what the Azure Monitor autoscale engine would
    have done with the deployment's current autoscale setting and with a O(proposed) policy.
  - Returns, for each policy, the instance-count timeline, the scale events with their reasons, the skipped scale actions
    (flapping guard, cooldown, scale operation in progress), the minutes at maximum, the instance-hours, and the minutes
    in which an O(slo) metric breached its threshold; and writes a PNG and/or a self-contained HTML page of the metrics and
    the instance counts, current against proposed.
  - The engine model follows the Azure Monitor documentation; every choice the documentation leaves open is a named
    O(parameters) entry. C(docs/simulation.md) in the collection states each modelling assumption and its limits.
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
    description: The online deployment whose policies are simulated.
    type: str
    aliases: [deployment_name]
  target_id:
    description:
      - The full resource id of the online deployment. Skips the name lookup through Azure Machine Learning.
      - Mutually exclusive with O(workspace), O(endpoint) and O(deployment).
    type: str
  setting_name:
    description:
      - The name of the current autoscale setting. It is found by its target whatever its name; this name is only tried
        first (default C(autoscale-<endpoint>-<deployment>)).
    type: str
  window:
    description:
      - How much history to replay, ending at O(end), as a duration (V(7d), V(36h), V(1w), ISO 8601 V(P7D)).
      - From V(1h) to V(30d). Metrics are read from further back by the longest rule time window plus the metric lag, so
        that the first runs see full windows.
    type: str
    default: 7d
  end:
    description:
      - The end of the replayed history, as a UTC date and time (V(2026-03-09T12:00:00Z)). Defaults to the current minute.
    type: str
  simulate_current:
    description: Whether to replay the deployment's current autoscale setting (when it has one).
    type: bool
    default: true
  proposed:
    description:
      - A policy to replay beside the current one, as O(mlops.autoscale.autoscale_state#module:policy) takes it (the
        vocabulary of the role P(mlops.autoscale.endpoint_autoscale#role)).
      - C(capacity) (C(minimum), C(maximum), C(default)) and C(rules) make the default profile, named C(default_profile_name)
        (default V(default)); C(profiles) are scheduled profiles with C(name), C(capacity), C(recurrence) or C(fixed_date),
        and C(rules); C(rule_defaults) go under every rule's own fields. Rule and profile fields are those of
        M(mlops.autoscale.autoscale_rule) and M(mlops.autoscale.autoscale_profile), with the same defaults. A scheduled
        profile without C(rules) has none.
      - The role's variable names are accepted as well (C(endpoint_autoscale_capacity), C(endpoint_autoscale_rules),
        C(endpoint_autoscale_rule_defaults), C(endpoint_autoscale_profiles), C(endpoint_autoscale_default_profile_name)),
        so host variables replay with the cooldowns the role applies.
      - The policy is checked against the service limits as the write modules check it.
    type: dict
  max_events:
    description: At most this many scale events and as many skip records are returned per policy (the first ones).
    type: int
    default: 200
  max_timeline:
    description: At most this many timeline change points are returned per policy (evenly spaced ones when there are more).
    type: int
    default: 500
  png_path:
    description:
      - Write a PNG of the metrics and the instance counts over time, current against proposed, to this path.
      - Needs the Python library matplotlib on the host that runs the module.
    type: path
  html_path:
    description: Write a self-contained HTML page (inline SVG, no scripts) with the same charts and the figures to this path.
    type: path
  compare_history:
    description:
      - Also read what autoscale recorded for the current setting over the same window (the activity log, as
        M(mlops.autoscale.autoscale_history) reads it), match the replay's scale actions with the recorded ones, and search
        the engine parameters C(metric_lag), C(provisioning_delay) and C(evaluation_interval) for the values that match the
        history best. The result is RV(simulation.history); the pictures mark the recorded actions.
      - The search is a coordinate search over a small documented grid, starting from O(parameters) (C(docs/history.md)).
        Each step replays the whole window, so it takes some seconds per day of window.
    type: bool
    default: false
  history_tolerance:
    description: How far apart (a duration) a replayed and a recorded action of the same direction may be to match.
    type: str
    default: 5m
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
  - The replay is a model. Metric history was recorded under the instance counts the deployment really had; only the
    metrics in O(parameters.per_instance_metrics) are rescaled to a simulated count, so latency, queueing and errors do
    not respond to a policy. Read the results as a comparison of policies, not as a forecast.
  - Writing O(png_path) or O(html_path) writes a local file even in check mode; nothing is written to Azure.
seealso:
  - module: mlops.autoscale.autoscale_info
  - module: mlops.autoscale.autoscale_state
"""

EXAMPLES = r"""
- name: What would a tighter CPU policy have done over the last week?
  mlops.autoscale.autoscale_simulate:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: blue
    proposed:
      capacity: {minimum: 2, maximum: 8, default: 2}
      rules:
        - {metric_name: CpuUtilizationPercentage, operator: GreaterThan, threshold: 70, direction: Increase, value: 2, cooldown: 20m}
        - {metric_name: CpuUtilizationPercentage, operator: LessThan, threshold: 30, direction: Decrease, value: 1, cooldown: 30m}
    slo: {metric_name: RequestLatency_P99, threshold: 400}
    png_path: /tmp/ep-fraud-blue.png
    html_path: /tmp/ep-fraud-blue.html
  register: what_if

- name: Compare instance-hours and SLO minutes
  ansible.builtin.debug:
    msg: >-
      current {{ what_if.simulation.current.summary.instance_hours }} h,
      proposed {{ what_if.simulation.proposed.summary.instance_hours }} h;
      SLO breached {{ what_if.simulation.current.summary.slo_minutes_breached }} vs
      {{ what_if.simulation.proposed.summary.slo_minutes_breached }} min

- name: How well does the model match what autoscale really did last week, and with which engine constants?
  mlops.autoscale.autoscale_simulate:
    resource_group: rg-ml-prod
    workspace: ws-prod
    endpoint: ep-fraud
    deployment: green
    compare_history: true
  register: calibrated

- name: Replay a fixed day with a slower engine (5 minute runs, 10 minute provisioning)
  mlops.autoscale.autoscale_simulate:
    target_id: "{{ fraud_blue_deployment_id }}"
    window: 1d
    end: "2026-03-09T00:00:00Z"
    parameters:
      evaluation_interval: 5m
      provisioning_delay: 10m
"""

RETURN = r"""
simulation:
  description: The replay of each policy over the same metric history.
  returned: always
  type: dict
  contains:
    target_id:
      description: The online deployment.
      type: str
    window:
      description: The replayed period (UTC) and its length in minutes.
      type: dict
      sample: {start: "2026-03-02T12:00:00Z", end: "2026-03-09T12:00:00Z", minutes: 10080}
    parameters:
      description: The engine parameters used, defaults filled in.
      type: dict
    metrics:
      description: The metric series read, with how many minutes of the replayed period had data.
      type: list
      elements: dict
      sample: [{metric_name: CpuUtilizationPercentage, metric_resource_uri: /subscriptions/.../deployments/blue,
                aggregations: [Average], minutes_with_data: 9980}]
    observed_capacity:
      description: Whether the deployment's recorded instance count (C(DeploymentCapacity)) was available to rescale metrics.
      type: bool
    current:
      description:
        - The replay of the current autoscale setting; null when the deployment has none or O(simulate_current=false).
        - C(setting_name) and C(enabled) (a disabled setting is replayed as if it were enabled); C(summary) (see below);
          C(events) (C(time), C(kind) V(scale_out)/V(scale_in)/V(clamp)/V(default_capacity), C(from), C(to), C(profile),
          C(rule) index, C(reason)); C(skipped) (C(time), C(until), C(reason) V(flapping)/V(cooldown)/V(in_progress),
          C(direction), C(profile), C(runs), C(detail)); C(timeline) (change points C(time), C(instances), C(ready),
          C(profile)); C(events_truncated), C(skipped_truncated), C(timeline_downsampled); C(rules) (every rule of every
          profile as Azure has them, end profiles included, each with C(profile), C(azure_profile), C(rule) index, C(metric_name), C(operator),
          C(threshold), C(direction), C(type), C(value), C(evaluations), C(minutes_with_data), C(fired),
          C(scale_actions), C(approximation)); C(warnings) (time zones simulated as UTC, rules the replay approximates).
        - Profiles are named as a person reads them; an end profile (Azure's name C({"name":"default","for":"weekend"})) is
          C(default after weekend), and C(azure_profile) of a rule has the name Azure has.
        - C(summary) has C(minutes), C(instance_hours), C(ready_instance_hours), C(mean_instances), C(peak_instances),
          C(lowest_instances), C(final_instances), C(minutes_at_maximum), C(minutes_at_minimum), C(profile_minutes),
          C(slo_minutes_breached) (null without O(slo)), C(scale_outs), C(scale_ins), C(clamps),
          C(default_capacity_scalings), C(skipped_flapping_runs), C(skipped_cooldown_runs), C(skipped_in_progress_runs),
          C(minutes_without_metrics), C(minutes_blocked_at_maximum).
      type: dict
      returned: always
      sample:
        setting_name: autoscale-ep-fraud-blue
        enabled: true
        summary: {minutes: 10080, instance_hours: 412.5, peak_instances: 5, minutes_at_maximum: 95, scale_outs: 14,
                  scale_ins: 13, skipped_flapping_runs: 40, skipped_cooldown_runs: 210, slo_minutes_breached: 31}
        events:
          - {time: "2026-03-02T14:07:00Z", kind: scale_out, from: 2, to: 3, profile: default, rule: 0,
             reason: "CpuUtilizationPercentage Average over 5m = 83.2 > 70 (rule 0: Increase ChangeCount 1)"}
        skipped: []
        timeline: [{time: "2026-03-02T12:00:00Z", instances: 2, ready: 2, profile: default}]
    proposed:
      description: The replay of O(proposed), shaped as RV(simulation.current); null without O(proposed).
      type: dict
      returned: always
    comparison:
      description: Proposed minus current for the main figures; null unless both were replayed.
      type: dict
      returned: always
      sample: {instance_hours: -35.2, peak_instances: 1, minutes_at_maximum: -60, slo_minutes_breached: 4}
    history:
      description:
        - With O(compare_history), the replay of the current setting matched with what autoscale recorded; else null.
        - C(recorded_actions) (how many scale actions autoscale recorded in the window), C(tolerance_minutes); C(as_given)
          (C(matched), C(missed), C(extra), C(mean_offset_minutes) with O(parameters) as given); C(events) (each recorded
          action with C(time), C(direction), C(from), C(to), C(matched), C(offset_minutes), replay minus record);
          C(calibration) (null without recorded actions) with C(parameters) (the best fit, in the form O(parameters) takes),
          C(changed) (the parameters the search moved), C(matched), C(missed), C(extra), C(mean_offset_minutes) of the best
          fit, and C(trials) (every parameter set tried with its figures).
      type: dict
      returned: always
      sample:
        recorded_actions: 50
        tolerance_minutes: 5
        as_given: {matched: 41, missed: 9, extra: 7, mean_offset_minutes: 0.85}
        calibration: {parameters: {metric_lag: 4m, provisioning_delay: 10m, evaluation_interval: 1m}, changed: [metric_lag, provisioning_delay],
                      matched: 50, missed: 0, extra: 0, mean_offset_minutes: 0.0}
    png_path:
      description: The PNG written, or null.
      type: str
    html_path:
      description: The HTML page written, or null.
      type: str
"""

import datetime

from ansible_collections.mlops.autoscale.plugins.module_utils import _engine, _history, _model
from ansible_collections.mlops.autoscale.plugins.module_utils._api import OnlineDeployments
from ansible_collections.mlops.autoscale.plugins.module_utils._azure import AzureAutoscaleModule
from ansible_collections.mlops.autoscale.plugins.module_utils._chart import add_recorded_actions, build_chart, window_values
from ansible_collections.mlops.autoscale.plugins.module_utils._durations import parse_duration, utc_window
from ansible_collections.mlops.autoscale.plugins.module_utils._manager import resolve_target
from ansible_collections.mlops.autoscale.plugins.module_utils._replay import ReplayManager
from ansible_collections.mlops.autoscale.plugins.module_utils._specs import TARGET_CONSTRAINTS, simulation_parameters_spec, slo_spec, target_spec

WINDOW_RANGE = (3600, 30 * 86400, "1h to 30d")


def build_spec():
    """The module's options (the common Azure options are merged by AzureAutoscaleModule)."""
    spec = target_spec()
    spec.update({
        "setting_name": {"type": "str"},
        "window": {"type": "str", "default": "7d"},
        "end": {"type": "str"},
        "simulate_current": {"type": "bool", "default": True},
        "proposed": {"type": "dict"},
        "slo": slo_spec(),
        "parameters": simulation_parameters_spec(),
        "max_events": {"type": "int", "default": 200},
        "max_timeline": {"type": "int", "default": 500},
        "png_path": {"type": "path"},
        "html_path": {"type": "path"},
        "compare_history": {"type": "bool", "default": False},
        "history_tolerance": {"type": "str", "default": "5m"},
    })
    return spec


# ---------------------------------------------------------------- pure helpers

def _history_events(recorded, matched):
    """Each recorded action with the replayed one it matched (offset in minutes, replay minus record), or none."""
    offsets = {index: offset for index, _other, offset in matched["pairs"]}
    return [{"time": _engine.iso_minute(minute), "direction": way, "from": before, "to": after,
             "matched": index in offsets, "offset_minutes": offsets.get(index)}
            for index, (minute, way, before, after) in enumerate(recorded)]


def _bounded(result, max_events, max_timeline):
    events, skipped = result["events"], result["skipped"]
    timeline, downsampled = _engine.downsample_timeline(result["timeline"], max_timeline)
    return {
        "summary": result["summary"],
        "events": events[:max_events],
        "events_truncated": len(events) > max_events,
        "skipped": skipped[:max_events],
        "skipped_truncated": len(skipped) > max_events,
        "timeline": timeline,
        "timeline_downsampled": downsampled,
        "rules": result["rules"],
        "warnings": result["warnings"],
    }


# ---------------------------------------------------------------- the manager

class SimulateManager(ReplayManager):
    """Reads the current setting and the metric history, replays the policies, renders the pictures."""

    def _inputs(self, target):
        params = self.params
        try:
            engine_params = _engine.parameters({key: value for key, value in (params["parameters"] or {}).items() if value is not None})
            start, end = utc_window(params["window"], params["end"], WINDOW_RANGE)
            window = int((end - start).total_seconds())
            name = params["setting_name"] or target.default_name
            proposed = _model.setting_from_policy(params["proposed"], target.ids, name) if params["proposed"] is not None else None
            slo = self.slo_series(params["slo"], target)
            for key in ("max_events", "max_timeline"):
                if params[key] < 1:
                    raise ValueError("{0}: must be at least 1".format(key))
        except ValueError as error:
            self._fail(error)
        return engine_params, window, end, proposed, slo

    def run(self):
        """The module result."""
        try:
            target = resolve_target(self.params, OnlineDeployments(self.module.session))
        except ValueError as error:
            self._fail(error)
        engine_params, window, end, proposed, slo = self._inputs(target)
        current = None
        if self.params["simulate_current"]:
            current = self.live_setting(target, "The deployment has no autoscale setting: only the proposed policy is replayed.")
        policies = {label: setting for label, setting in (("current", current), ("proposed", proposed)) if setting}
        start = end - datetime.timedelta(seconds=window)
        lags = [engine_params["metric_lag"]] + (_history.CALIBRATION_GRID["metric_lag"] if self.params["compare_history"] else [])
        needed, metrics, observed = self.read_history(list(policies.values()), slo, target, (start, end), lags)
        replays = self._replay(policies, metrics, (start, end), engine_params, observed, slo)
        window_minutes = (int(start.timestamp() // 60), int(window // 60))
        result = self._result(target, window_minutes, engine_params, (needed, metrics, observed), replays, current)
        recorded = None
        if self.params["compare_history"]:
            recorded, result["history"] = self._compare_history(current, (start, end), engine_params, (metrics, observed))
        if self.params["png_path"] or self.params["html_path"]:
            title = "Autoscale simulation: {0}/{1}, {2} to {3}".format(
                target.names["endpoint"], target.names["deployment"], result["window"]["start"], result["window"]["end"])
            chart = build_chart(title, window_minutes, (needed, metrics, policies, observed), replays, slo)
            if recorded:
                add_recorded_actions(chart, recorded)
            self.write_pictures(chart, result)
        return {"changed": False, "simulation": result}

    def _compare_history(self, current, window, engine_params, inputs):
        """(recorded actions, RV(simulation.history)): the live policy's replay matched with what autoscale recorded,
        and the engine parameters that match it best."""
        if current is None:
            self.module.warn("compare_history: the deployment has no autoscale setting, so there is no history to compare with.")
            return None, None
        (start, end), (metrics, observed) = window, inputs
        try:
            tolerance = parse_duration(self.params["history_tolerance"], "history_tolerance") // 60
        except ValueError as error:
            self._fail(error)
        entries = _history.timeline(_history.HistoryReader(self.module.session).events(start, end, "resourceUri", current["id"]))
        recorded = _history.recorded_actions(entries)

        def replay(overrides):
            events = _engine.simulate(current, metrics, start, end, dict(engine_params, **overrides), observed_capacity=observed)["events"]
            return _history.match(recorded, _history.replayed_actions(events), tolerance)
        given = {name: engine_params[name] for name in _history.CALIBRATION_GRID}
        as_given = replay(given)
        outcome = {"recorded_actions": len(recorded), "tolerance_minutes": tolerance,
                   "as_given": {key: value for key, value in as_given.items() if key != "pairs"},
                   "events": _history_events(recorded, as_given), "calibration": None}
        if not recorded:
            self.module.warn("compare_history: autoscale recorded no scale action in the window; nothing to calibrate against.")
            return recorded, outcome
        best, result, trials = _history.calibrate(replay, given)
        outcome["calibration"] = {"parameters": dict(engine_params, **best), "changed": sorted(
            name for name in best if best[name] != given[name]), "trials": trials,
            **{key: value for key, value in result.items() if key != "pairs"}}
        return recorded, outcome

    def _replay(self, policies, metrics, window, engine_params, observed, slo):
        """{label: the engine's result} for each policy."""
        replays = {}
        for label, setting in policies.items():
            try:
                replays[label] = _engine.simulate(setting, metrics, window[0], window[1], engine_params, observed_capacity=observed,
                                                  slo=slo, keep_series=True)
            except ValueError as error:
                self._fail("{0} policy: {1}".format(label, error))
            for warning in replays[label]["warnings"]:
                self.module.warn("{0} policy: {1}".format(label, warning))
        return replays

    def _result(self, target, window, engine_params, inputs, replays, current):
        """RV(simulation): each replay bounded to max_events and max_timeline, and their comparison."""
        (start_minute, minutes), (needed, metrics, observed) = window, inputs
        outputs = {label: _bounded(replay, self.params["max_events"], self.params["max_timeline"]) for label, replay in replays.items()}
        if current is not None:
            outputs["current"] = dict(outputs["current"], setting_name=current["name"], enabled=current["enabled"])
        return {
            "target_id": target.ids.deployment_id,
            "window": {"start": _engine.iso_minute(start_minute), "end": _engine.iso_minute(start_minute + minutes), "minutes": minutes},
            "parameters": engine_params,
            "metrics": [self._metric_report(entry, metrics, start_minute, minutes) for entry in needed],
            "observed_capacity": observed is not None,
            "current": outputs.get("current"),
            "proposed": outputs.get("proposed"),
            "comparison": _engine.compare(outputs.get("current"), outputs.get("proposed")),
            "history": None,
            "png_path": None,
            "html_path": None,
        }

    @staticmethod
    def _metric_report(entry, metrics, start_minute, minutes):
        values = window_values(metrics.get(entry["key"]), entry["aggregations"][0], start_minute, minutes)
        return {"metric_name": entry["metric_name"], "metric_resource_uri": entry["metric_resource_uri"],
                "aggregations": entry["aggregations"], "minutes_with_data": sum(1 for value in values if value is not None)}


def main():
    """Run the module."""
    module = AzureAutoscaleModule(argument_spec=build_spec(), supports_check_mode=True, **TARGET_CONSTRAINTS)
    module.execute(SimulateManager)


if __name__ == "__main__":
    main()
