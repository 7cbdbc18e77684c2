"""Synthetic autoscale history: what Azure's autoscale engine recorded for a deployment before the emulator started.

Everything here is synthetic and made by this file's own small model, never by the collection's engine (the
collection calibrates its engine against this history; generating it with that engine would prove nothing).

A seed's ``autoscale_history`` lists recipes: a setting id, its target deployment, the profile the setting ran (Azure's
wire format), how many days to generate and three engine constants (``evaluation_minutes``, ``metric_lag_minutes``,
``provisioning_minutes``). The world is built with an anchor, the minute the state was created; the history covers the
``days`` before it. The model, one minute at a time:

- The deployment's load is its synthetic CPU (metrics.sample) times its synthetic DeploymentCapacity: the work it had
  to do. Within the history, CpuUtilizationPercentage is served as that load over the instances that were ready
  (at most 100), and DeploymentCapacity as the ready instances: the metrics the deployment recorded under the counts
  the history gives it.
- Every ``evaluation_minutes`` the model runs: while added instances are still provisioning it does nothing; else each
  rule's metric is averaged over its time window, ending ``metric_lag_minutes`` ago. A window without data makes it
  scale up to the default capacity (never down). Within a cooldown it does nothing. Any scale-out rule that fires
  scales out (the largest step); otherwise, when every scale-in rule fires, it scales in unless the scale-out rules
  would fire on the projected value (value x count / new count): then it records a flapping event.
- A scale-out completes after ``provisioning_minutes``, a scale-in after a minute. Each action is two activity log
  events (initiated, status Started; completed, status Succeeded) sharing a correlation id, in the Autoscale category's
  documented shape.

Only the default (first) profile and ChangeCount rules with Average statistics on the target's own metrics are
modelled: the recipes of the embedded seed need no more.
"""

import datetime
import functools
import json
import re

from arm_emulator import metrics
from arm_emulator.seed import stable_uuid

UTC = datetime.timezone.utc
CPU = "CpuUtilizationPercentage"
CAPACITY = "DeploymentCapacity"
_OPERATORS = {
    "GreaterThan": lambda value, threshold: value > threshold,
    "GreaterThanOrEqual": lambda value, threshold: value >= threshold,
    "LessThan": lambda value, threshold: value < threshold,
    "LessThanOrEqual": lambda value, threshold: value <= threshold,
}
RECORDED_METRICS = (CPU, CAPACITY)
# The platform metrics of Microsoft.Insights/autoscalesettings (supported-metrics reference):
# name -> (dimension, primary aggregation, display name, description).
SETTING_METRICS = {
    "ObservedMetricValue": ("MetricTriggerSource", "Average", "Observed Metric Value", "The value computed by autoscale when executed"),
    "MetricThreshold": ("MetricTriggerRule", "Average", "Metric Threshold", "The configured autoscale threshold when autoscale ran."),
    "ObservedCapacity": (None, "Average", "Observed Capacity", "The capacity reported to autoscale when it executed."),
    "ScaleActionsInitiated": ("ScaleDirection", "Total", "Scale Actions Initiated", "The direction of the scale operation."),
}
_DIMENSION_CLAUSE = re.compile(r"^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$", re.IGNORECASE)
_DURATIONS = {"PT1M": 1, "PT5M": 5, "PT10M": 10, "PT15M": 15, "PT20M": 20, "PT30M": 30, "PT45M": 45, "PT1H": 60}


def _minutes(duration):
    if duration not in _DURATIONS:
        raise ValueError("autoscale_history recipes take the durations %s, not %r" % (", ".join(_DURATIONS), duration))
    return _DURATIONS[duration]


def iso(minute, fraction=""):
    """An epoch minute as ``YYYY-MM-DDTHH:MM:SSZ`` (``fraction``: digits after the seconds, as ARM writes them)."""
    text = datetime.datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return text + ("." + fraction if fraction else "") + "Z"


class _Rule:
    """One rule of a recipe's profile."""

    def __init__(self, index, rule):
        trigger, action = rule["metricTrigger"], rule["scaleAction"]
        if trigger.get("statistic", "Average") != "Average" or trigger.get("timeAggregation", "Average") != "Average" \
                or action.get("type", "ChangeCount") != "ChangeCount" or trigger.get("timeGrain", "PT1M") != "PT1M":
            raise ValueError("autoscale_history recipes model Average/PT1M ChangeCount rules only")
        self.index = index
        self.name = trigger["metricName"]
        self.window = _minutes(trigger["timeWindow"])
        self.fires = lambda value, test=_OPERATORS[trigger["operator"]], limit=float(trigger["threshold"]): test(value, limit)
        self.threshold = float(trigger["threshold"])
        self.operator = trigger["operator"]
        self.increase = action["direction"] == "Increase"
        self.step = int(action["value"])
        self.cooldown = _minutes(action["cooldown"])


class History:
    """The generated history of one recipe: counts per minute, the rule values evaluated, and the activity log."""

    def __init__(self, recipe, seed, anchor, subscription_id):
        self.recipe = recipe
        self.seed = seed
        self.setting_id = recipe["setting_id"]
        self.target = recipe["target"]
        self.end = anchor
        self.start = anchor - int(recipe.get("days", 14)) * 1440
        engine = recipe["engine"]
        self.interval = int(engine["evaluation_minutes"])
        self.lag = int(engine["metric_lag_minutes"])
        self.provisioning = int(engine["provisioning_minutes"])
        self.subscription_id = subscription_id
        self.profile = recipe["profile"]
        capacity = self.profile["capacity"]
        self.minimum, self.maximum, self.default = (int(capacity[key]) for key in ("minimum", "maximum", "default"))
        self.rules = [_Rule(index, rule) for index, rule in enumerate(self.profile["rules"])]
        if any(rule.name != CPU for rule in self.rules):
            raise ValueError("autoscale_history recipes model %s rules only" % CPU)
        self.ready = []          # ready instances per minute from start
        self.counts = []         # instance count per minute from start
        self.cpu = []            # the CPU the deployment recorded per minute (None: a gap)
        self.observed = {}       # minute -> the value that decided (ObservedMetricValue)
        self.thresholds_seen = []  # minutes at which the rules were evaluated with data (MetricThreshold)
        self._missing = False
        self.actions = []        # (minute, "Increase"|"Decrease")
        self.events = []
        self._run()

    # ------------------------------------------------------------ the model

    def _demand(self, minute):
        spec_cpu, spec_capacity = metrics.DEPLOYMENT_METRICS[CPU], metrics.DEPLOYMENT_METRICS[CAPACITY]
        cpu = metrics.sample(self.seed, self.target, CPU, spec_cpu, minute)
        if cpu is None:
            return None
        return cpu * metrics.sample(self.seed, self.target, CAPACITY, spec_capacity, minute)

    def _served(self, minute):
        """The CPU served for a minute: recorded under the history's counts within it, the plain synthetic one before."""
        if minute >= self.start:
            return self.cpu[minute - self.start]
        return metrics.sample(self.seed, self.target, CPU, metrics.DEPLOYMENT_METRICS[CPU], minute)

    def _window(self, rule, minute):
        end = minute - self.lag
        values = [value for value in (self._served(item) for item in range(end - rule.window, end)) if value is not None]
        return sum(values) / len(values) if values else None

    def _run(self):
        count, pending, cooldown_until = self.default, [], self.start
        for minute in range(self.start, self.end):
            pending = [ready for ready in pending if ready > minute]
            if (minute - self.start) % self.interval == 0 and not pending:
                count, pending, cooldown_until = self._evaluate(minute, count, pending, cooldown_until)
            ready = count - len(pending)
            demand = self._demand(minute)
            self.counts.append(count)
            self.ready.append(ready)
            self.cpu.append(None if demand is None else round(min(100.0, demand / max(1, ready)), 3))

    def _evaluate(self, minute, count, pending, cooldown_until):
        values = {rule.index: self._window(rule, minute) for rule in self.rules}
        missing = any(value is None for value in values.values())
        self._metric_state(minute, missing)
        if not missing:
            self.observed[minute] = values[0]
            self.thresholds_seen.append(minute)
        if missing:
            if count < self.default:
                return self._scale(minute, count, self.default, None, values) + (cooldown_until,)
            return count, pending, cooldown_until
        if minute < cooldown_until:
            return count, pending, cooldown_until
        outs = [rule for rule in self.rules if rule.increase and rule.fires(values[rule.index])]
        if outs:
            rule = max(outs, key=lambda item: (item.step, -item.index))
            if count >= self.maximum:
                return count, pending, cooldown_until
            return self._scale(minute, count, min(self.maximum, count + rule.step), rule, values) + (minute + rule.cooldown,)
        ins = [rule for rule in self.rules if not rule.increase]
        if not ins or not all(rule.fires(values[rule.index]) for rule in ins) or count <= self.minimum:
            return count, pending, cooldown_until
        rule = max(ins, key=lambda item: (-item.step, -item.index))   # the smallest step down
        target = max(self.minimum, count - rule.step)
        projected = [(out, values[out.index] * count / float(target)) for out in self.rules if out.increase]
        if any(out.fires(value) for out, value in projected):
            self._flapping(minute, count, target)
            return count, pending, cooldown_until
        return self._scale(minute, count, target, rule, values) + (minute + rule.cooldown,)

    def _scale(self, minute, count, target, rule, values):
        """The action's events; returns (count, pending)."""
        pending = [minute + self.provisioning] * (target - count) if target > count else []
        if rule is not None:
            self.observed[minute] = values[rule.index]
        self.actions.append((minute, "Increase" if target > count else "Decrease"))
        done = minute + (self.provisioning if target > count else 1)
        if done < self.end:
            self._action_events(minute, done, count, target, rule, values)
        else:
            self._action_events(minute, None, count, target, rule, values)
        return target, pending

    # ------------------------------------------------------------ the activity log

    def _profile_json(self):
        """ActiveAutoscaleProfile as the activity log carries it: a JSON string with PascalCase keys and CRLF lines."""
        rules = [{"MetricTrigger": {"Name": rule["metricTrigger"]["metricName"],
                                    "Namespace": "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments",
                                    "Resource": self.target, "ResourceLocation": self.recipe.get("location", "East US"),
                                    "TimeGrain": rule["metricTrigger"]["timeGrain"], "Statistic": rule["metricTrigger"]["statistic"],
                                    "TimeWindow": rule["metricTrigger"]["timeWindow"],
                                    "TimeAggregation": rule["metricTrigger"]["timeAggregation"],
                                    "Operator": rule["metricTrigger"]["operator"],
                                    "Threshold": float(rule["metricTrigger"]["threshold"]), "Source": self.target,
                                    "MetricType": "MDM", "Dimensions": [], "DividePerInstance": False},
                  "ScaleAction": {"Direction": rule["scaleAction"]["direction"], "Type": rule["scaleAction"]["type"],
                                  "Value": str(rule["scaleAction"]["value"]), "Cooldown": rule["scaleAction"]["cooldown"]}}
                 for rule in self.profile["rules"]]
        capacity = {key.capitalize(): str(value) for key, value in self.profile["capacity"].items()}
        document = {"Name": self.profile.get("name", "default"), "Capacity": capacity, "Rules": rules}
        return json.dumps(document, indent=2).replace("\n", "\r\n")

    def _action_events(self, minute, done, count, target, rule, values):
        """A scale action: Started when initiated, Succeeded when completed (activity-log-schema.md, Autoscale category)."""
        direction = "up" if target > count else "down"
        correlation = stable_uuid("autoscale-action", self.setting_id, minute)
        description = ("The autoscale engine attempting to scale resource '%s' from %d instances count to %d instances count."
                       % (self.target, count, target))
        properties = {"Description": description, "ResourceName": self.target, "OldInstancesCount": str(count),
                      "NewInstancesCount": str(target), "ActiveAutoscaleProfile": self._profile_json(),
                      "LastScaleActionTime": _http_date(minute)}
        self.events.append(self._event(minute, "AutoscaleAction", "Scale%s/Action" % direction, "Started", correlation,
                                       properties, 7))
        if done is not None:
            self.events.append(self._event(done, "AutoscaleAction", "Scale%s/Action" % direction, "Succeeded", correlation,
                                           properties, 31))

    def _flapping(self, minute, count, target):
        """A scale-in deferred by the flapping guard (autoscale-flapping.md: event Flapping, old and new counts equal)."""
        correlation = stable_uuid("autoscale-flapping", self.setting_id, minute)
        description = ("Cannot scale down due to flapping observed. Resource: '%s'. Current instance count: '%d', Intended new "
                       "instance count '%d'" % (self.target, count, target))
        properties = {"Description": description, "ResourceName": self.target, "OldInstancesCount": str(count),
                      "NewInstancesCount": str(count), "ActiveAutoscaleProfile": self._profile_json()}
        self.events.append(self._event(minute, "Flapping", "Flapping/Action", "Succeeded", correlation, properties, 13))

    def _metric_state(self, minute, missing):
        """MetricFailure when metrics cannot be read, MetricRecovery when they can again (autoscale-diagnostics.md)."""
        if missing == self._missing:
            return
        self._missing = missing
        correlation = stable_uuid("autoscale-metrics", self.setting_id, minute)
        if missing:
            properties = {"Notes": "To ensure service availability, Autoscale will scale out the resource to the default "
                                   "capacity if it is greater than the current capacity", "ResourceName": self.target}
            self.events.append(self._event(minute, "MetricFailure", "MetricFailure/Action", "Failed", correlation, properties, 19,
                                           level="Warning"))
        else:
            self.events.append(self._event(minute, "MetricRecovery", "MetricRecovery/Action", "Succeeded", correlation,
                                           {"ResourceName": self.target}, 23))

    def _event(self, minute, name, operation, status, correlation, properties, micro, level="Informational"):
        """One event in the REST shape of the Autoscale category (no authorization element, as in the docs' sample)."""
        group = self.setting_id.split("/")[4]
        event_id = stable_uuid("event", self.setting_id, minute, operation, status)
        stamp = iso(minute, "%07d" % (micro * 10007 % 10000000))
        description = properties.get("Description", "")
        return {
            "caller": "Microsoft.Insights/autoscaleSettings",
            "channels": "Admin, Operation",
            "claims": {"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/spn": "Microsoft.Insights/autoscaleSettings"},
            "correlationId": correlation,
            "description": description,
            "eventDataId": event_id,
            "eventName": {"value": name, "localizedValue": name},
            "category": {"value": "Autoscale", "localizedValue": "Autoscale"},
            "id": "%s/events/%s/ticks/%d" % (self.setting_id, event_id, 621355968000000000 + minute * 600000000 + micro),
            "level": level,
            "resourceGroupName": group,
            "resourceProviderName": {"value": "microsoft.insights", "localizedValue": "microsoft.insights"},
            "resourceId": self.setting_id,
            "resourceType": {"value": "microsoft.insights/autoscalesettings", "localizedValue": "microsoft.insights/autoscalesettings"},
            "operationId": correlation,
            "operationName": {"value": "Microsoft.Insights/AutoscaleSettings/" + operation,
                              "localizedValue": "Microsoft.Insights/AutoscaleSettings/" + operation},
            "properties": properties,
            "status": {"value": status, "localizedValue": status},
            "subStatus": {"value": None},
            "eventTimestamp": stamp,
            "submissionTimestamp": iso(minute + 1, "%07d" % (micro * 7919 % 10000000)),
            "subscriptionId": self.subscription_id,
        }

    # ------------------------------------------------------------ what the metrics API serves

    def covers(self, minute):
        """Whether a minute lies within the generated history."""
        return self.start <= minute < self.end

    def deployment_value(self, metric, minute):
        """The target's recorded value of a history-shaped metric at a minute within the history (None: a gap)."""
        position = minute - self.start
        if metric == CAPACITY:
            return None if self.cpu[position] is None else float(self.ready[position])
        return self.cpu[position]

    def setting_series(self, metric):
        """{dimension value or None: {minute: value}} of one of the setting's own metrics."""
        if metric == "ObservedCapacity":
            return {None: {self.start + offset: float(count) for offset, count in enumerate(self.counts)}}
        if metric == "ObservedMetricValue":
            return {self.target: dict(self.observed)}
        if metric == "MetricThreshold":
            return {_rule_label(rule): {minute: rule.threshold for minute in self.thresholds_seen} for rule in self.rules}
        if metric == "ScaleActionsInitiated":
            out = {"Increase": {}, "Decrease": {}}
            for minute, direction in self.actions:
                out[direction][minute] = out[direction].get(minute, 0.0) + 1.0
            return out
        raise KeyError(metric)


def _rule_label(rule):
    """A MetricTriggerRule dimension value (Azure does not document their form; clients must treat them as opaque)."""
    return "%s %s %g (%s)" % (rule.name, rule.operator, rule.threshold, "Increase" if rule.increase else "Decrease")


def _http_date(minute):
    return datetime.datetime.fromtimestamp(minute * 60, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


@functools.lru_cache(maxsize=16)
def _generated(recipe_json, seed, anchor, subscription_id):
    return History(json.loads(recipe_json), seed, anchor, subscription_id)


def histories(state):
    """Every recipe's History, generated once per process (deterministic for a state)."""
    data = state.data
    found = []
    for recipe in data.get("autoscale_history") or []:
        subscription_id = recipe["setting_id"].split("/")[2]
        found.append(_generated(json.dumps(recipe, sort_keys=True), data["metrics_seed"], data["history_anchor"], subscription_id))
    return found


def for_target(state, resource_id):
    """The History whose target is this deployment, or None."""
    return next((item for item in histories(state) if item.target.lower() == resource_id.lower()), None)


def for_setting(state, setting_id):
    """The History of this autoscale setting, or None."""
    return next((item for item in histories(state) if item.setting_id.lower() == setting_id.lower()), None)


def dimension_filter(text):
    """{dimension (lowercase): value or '*'} from a metrics ``$filter`` such as ``ScaleDirection eq '*'``."""
    splits = {}
    for clause in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE) if text else []:
        match = _DIMENSION_CLAUSE.match(clause)
        if not match:
            raise ValueError("The $filter '%s' is not valid: use <dimension> eq '<value>' clauses joined by and." % text)
        splits[match.group(1).lower()] = match.group(2).replace("''", "'")
    return splits


def _aggregate(values, aggregation):
    if aggregation == "Total":
        return sum(values)
    if aggregation == "Maximum":
        return max(values)
    if aggregation == "Minimum":
        return min(values)
    if aggregation == "Count":
        return float(len(values))
    return sum(values) / len(values)


def _points(by_minute, start, end, interval_s, aggregation):
    points, step = [], max(1, interval_s // 60)
    cursor = int(start.timestamp() // interval_s * interval_s) // 60
    stop = end.timestamp() / 60
    while cursor < stop:
        values = [by_minute[minute] for minute in range(cursor, cursor + step) if minute in by_minute]
        point = {"timeStamp": iso(cursor)}
        if values:
            point[aggregation.lower()] = round(_aggregate(values, aggregation), 6)
        points.append(point)
        cursor += step
    return points


def setting_timeseries(recorded, metric, splits, start, end, interval_s, aggregation):
    """The ``timeseries`` of one setting metric: split by its dimension when the filter names it, else combined."""
    dimension = SETTING_METRICS[metric][0]
    series = recorded.setting_series(metric) if recorded is not None else {}
    wanted = splits.get((dimension or "").lower())
    if dimension and wanted is not None:
        return [{"metadatavalues": [{"name": {"value": dimension, "localizedValue": dimension}, "value": value}],
                 "data": _points(by_minute, start, end, interval_s, aggregation)}
                for value, by_minute in sorted(series.items()) if wanted == "*" or wanted.lower() == value.lower()]
    combined = {}
    for by_minute in series.values():
        for minute, value in by_minute.items():
            combined.setdefault(minute, []).append(value)
    per_minute = {minute: _aggregate(values, SETTING_METRICS[metric][1]) for minute, values in combined.items()}
    return [{"metadatavalues": [], "data": _points(per_minute, start, end, interval_s, aggregation)}]
