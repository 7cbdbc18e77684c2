# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""What autoscale did: the activity log's Autoscale events and the setting's own metrics, read and explained.

Shapes, from Microsoft's documentation (docs/history.md cites each):

- activity-log-schema.md, "Autoscale category": ``category.value`` Autoscale, ``resourceId`` the setting,
  ``operationName.value`` ``Microsoft.Insights/AutoscaleSettings/Scaleup/Action`` (``Scaledown``, ``Flapping``),
  ``status.value`` Started / Succeeded / Failed, ``properties`` a string map with ``ResourceName`` (the scaled resource),
  ``OldInstancesCount``, ``NewInstancesCount`` (strings), ``LastScaleActionTime``; the start and the end of one action share
  ``correlationId``.
- autoscale-diagnostics.md and autoscale-flapping.md: ``eventName.value`` AutoscaleAction, Flapping (a scale-in not done),
  FlappingOccurred (done with another count), MetricFailure, MetricRecovery, PredictiveMetricFailure,
  GetOperationStatusResult; ``ActiveAutoscaleProfile`` a JSON string (PascalCase keys) in PowerShell's and the alert
  schema's samples. Exports upper-case names and use numbers for counts, the alert schema camelCase keys: every name is
  compared without case and every count is read from a string or a number.
- The setting's metrics (supported metrics of Microsoft.Insights/autoscalesettings): ObservedCapacity, ObservedMetricValue
  by MetricTriggerSource, MetricThreshold by MetricTriggerRule, ScaleActionsInitiated by ScaleDirection; the values of
  those dimensions are not documented and are treated as opaque.
"""

from __future__ import annotations

import datetime
import json

from ansible_collections.mlops.autoscale.plugins.module_utils._azure import azure_errors, raw_json
from ansible_collections.mlops.autoscale.plugins.module_utils._engine import OPERATORS
from ansible_collections.mlops.autoscale.plugins.module_utils._errors import AutoscaleError
from ansible_collections.mlops.autoscale.plugins.module_utils._metrics import POINT_FIELDS

UTC = datetime.timezone.utc
#: Activity log events are kept for 90 days (activity-log.md, "Retention period").
RETENTION_DAYS = 90
SETTING_METRICS = {  # name -> (dimension, aggregation)
    "ObservedCapacity": (None, "Average"),
    "ObservedMetricValue": ("MetricTriggerSource", "Average"),
    "MetricThreshold": ("MetricTriggerRule", "Average"),
    "ScaleActionsInitiated": ("ScaleDirection", "Total"),
}
_OPERATION_KINDS = {"scaleup": "scale_out", "scaledown": "scale_in", "flapping": "flapping"}
_EVENT_KINDS = {"flapping": "flapping", "flappingoccurred": "flapping_adjusted", "metricfailure": "metric_failure",
                "predictivemetricfailure": "metric_failure", "metricrecovery": "metric_recovery",
                "getoperationstatusresult": "status"}
ACTION_KINDS = ("scale_out", "scale_in", "flapping_adjusted")


# ---------------------------------------------------------------- pure: one event

def _text(value):
    """A LocalizableString's value, or the string itself (exports flatten them)."""
    if isinstance(value, dict):
        return value.get("value") or ""
    return value or ""


def _property(properties, name):
    """A property by name, ignoring case (the REST shape is PascalCase, the alert schema camelCase)."""
    lowered = name.lower()
    return next((value for key, value in (properties or {}).items() if key.lower() == lowered), None)


def _count(value):
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def parse_time(value):
    """An aware UTC datetime from ISO 8601 text (seven fractional digits allowed) or a datetime."""
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = str(value).strip().replace("Z", "+00:00")
        head, dot, rest = text.partition(".")
        if dot:
            digits = "".join(char for char in rest if char.isdigit())
            text = head + "." + digits[:6].ljust(6, "0") + rest[len(digits):]
        moment = datetime.datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _profile(properties):
    """ActiveAutoscaleProfile as {name, capacity {minimum, maximum, default}, rules [...]} or None."""
    raw = _property(properties, "ActiveAutoscaleProfile")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    if not isinstance(raw, dict):
        return None
    capacity = _property(raw, "Capacity") or {}
    rules = []
    for rule in _property(raw, "Rules") or []:
        trigger, action = _property(rule, "MetricTrigger") or {}, _property(rule, "ScaleAction") or {}
        rules.append({"metric_name": _property(trigger, "Name"), "metric_resource_uri": _property(trigger, "Resource"),
                      "operator": _property(trigger, "Operator"), "threshold": _float(_property(trigger, "Threshold")),
                      "time_window": _property(trigger, "TimeWindow"), "statistic": _property(trigger, "Statistic"),
                      "direction": _property(action, "Direction"), "type": _property(action, "Type"),
                      "value": _property(action, "Value"), "cooldown": _property(action, "Cooldown")})
    return {"name": _property(raw, "Name"), "rules": rules,
            "capacity": {key: _count(_property(capacity, key)) for key in ("minimum", "maximum", "default")}}


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def classify(event):
    """The kind of an Autoscale event: scale_out, scale_in, flapping, flapping_adjusted, metric_failure,
    metric_recovery, status or other."""
    name = _text(event.get("eventName")).lower()
    if name in _EVENT_KINDS:
        return _EVENT_KINDS[name]
    parts = _text(event.get("operationName")).lower().split("/")
    operation = parts[-2] if len(parts) >= 2 and parts[-1] == "action" else parts[-1]
    return _OPERATION_KINDS.get(operation, "other")


def parse_event(event):
    """One activity log event (REST shape, as a dict) as a flat record, or None when it is not an Autoscale event."""
    if _text(event.get("category")).lower() != "autoscale":
        return None
    properties = event.get("properties") or {}
    return {
        "time": parse_time(event.get("eventTimestamp")),
        "kind": classify(event),
        "status": _text(event.get("status")) or None,
        "correlation_id": event.get("correlationId") or event.get("operationId") or event.get("eventDataId"),
        "setting_id": event.get("resourceId"),
        "target_id": _property(properties, "ResourceName"),
        "from": _count(_property(properties, "OldInstancesCount")),
        "to": _count(_property(properties, "NewInstancesCount")),
        "profile": _profile(properties),
        "description": _property(properties, "Description") or event.get("description") or "",
        "notes": _property(properties, "Notes"),
        "level": _text(event.get("level")) or None,
    }


# ---------------------------------------------------------------- pure: a timeline

def iso(moment):
    """``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _minute(moment):
    return int(moment.timestamp() // 60)


def timeline(records):
    """Scale actions (start and end of one correlation id merged) and the other events, oldest first."""
    actions, others = {}, []
    for record in sorted(records, key=lambda item: item["time"]):
        if record["kind"] in ACTION_KINDS or (record["kind"] == "status" and record["correlation_id"] in actions):
            key = record["correlation_id"] or id(record)
            action = actions.get(key)
            if action is None:
                actions[key] = action = {"time": record["time"], "kind": record["kind"], "status": record["status"],
                                         "from": record["from"], "to": record["to"], "profile": record["profile"],
                                         "completed_at": None, "description": record["description"],
                                         "correlation_id": record["correlation_id"]}
            _merge(action, record)
        elif record["kind"] != "status":
            others.append({"time": record["time"], "kind": record["kind"], "status": record["status"], "from": record["from"],
                           "to": record["to"], "profile": record["profile"], "completed_at": None,
                           "description": record["description"] or record["notes"] or "",
                           "correlation_id": record["correlation_id"]})
    return sorted(list(actions.values()) + others, key=lambda item: item["time"])


def _merge(action, record):
    """Fold a later event of the same action into it: its status, the end time, counts it fills in."""
    if record["kind"] in ACTION_KINDS and action["kind"] == "scale_in" and record["kind"] == "flapping_adjusted":
        action["kind"] = "flapping_adjusted"
    for key in ("from", "to", "profile"):
        if action[key] is None:
            action[key] = record[key]
    status = (record["status"] or "").lower()
    if status in ("succeeded", "failed") and record["time"] >= action["time"]:
        action["status"] = record["status"]
        action["completed_at"] = record["time"]
    elif action["status"] is None:
        action["status"] = record["status"]


def direction(entry):
    """Increase, Decrease or None for a timeline entry."""
    if entry["kind"] == "scale_out":
        return "Increase"
    if entry["kind"] in ("scale_in", "flapping_adjusted", "flapping"):
        return "Decrease"
    return None


def trigger(entry, observed, thresholds):
    """The rule of the active profile that most likely fired, with the metric value autoscale computed at that minute.

    ``observed``/``thresholds``: {dimension value: {minute: value}} of ObservedMetricValue and MetricThreshold. Azure does
    not record which rule fired; a rule of the action's direction whose condition holds for the observed value is named,
    and ``inferred`` says so."""
    wanted = direction(entry)
    rules = [(index, rule) for index, rule in enumerate((entry["profile"] or {}).get("rules") or []) if rule["direction"] == wanted]
    if not rules or wanted is None:
        return None
    minute = _minute(entry["time"])
    for index, rule in rules:
        value = _value_for(rule, observed, minute)
        threshold = _value_for(rule, thresholds, minute, rule["threshold"]) if rule["threshold"] is None else rule["threshold"]
        test = OPERATORS.get(rule["operator"] or "")
        if value is not None and threshold is not None and test and test(value, threshold):
            return _trigger_record(index, rule, value, threshold)
    index, rule = rules[0]
    return _trigger_record(index, rule, _value_for(rule, observed, minute), rule["threshold"]) if len(rules) == 1 else None


def _trigger_record(index, rule, value, threshold):
    return {"rule": index, "metric_name": rule["metric_name"], "operator": rule["operator"], "threshold": threshold,
            "time_window": rule["time_window"], "observed_value": None if value is None else round(value, 3), "inferred": True}


def _value_for(rule, series, minute, default=None):
    """The value at ``minute`` (or the minute before) of the one series, or of the series whose dimension names the
    rule's metric or resource."""
    if not series:
        return default
    candidates = list(series.items())
    if len(candidates) > 1:
        names = [(rule.get("metric_name") or "").lower(), (rule.get("metric_resource_uri") or "").lower()]
        candidates = [(key, values) for key, values in candidates if any(name and name in (key or "").lower() for name in names)]
    for _key, values in candidates[:1]:
        for at in (minute, minute - 1, minute + 1):
            if values.get(at) is not None:
                return values[at]
    return default


def capacity_minutes(capacity, start_minute, minutes):
    """{minute: observed instance count} within the window from an ObservedCapacity series."""
    return {minute: value for minute, value in (capacity or {}).items() if start_minute <= minute < start_minute + minutes}


def counts_from_actions(entries, start_minute, minutes, initial=None):
    """{minute: instance count} rebuilt from the completed scale actions (when ObservedCapacity is not available)."""
    actions = [entry for entry in entries if entry["kind"] in ACTION_KINDS and (entry["status"] or "").lower() != "failed"]
    count = initial if initial is not None else (actions[0]["from"] if actions else None)
    if count is None:
        return {}
    counts, changes = {}, sorted(((_minute(entry["completed_at"] or entry["time"]), entry["to"]) for entry in actions), key=lambda item: item[0])
    position = 0
    for minute in range(start_minute, start_minute + minutes):
        while position < len(changes) and changes[position][0] <= minute:
            count = changes[position][1] if changes[position][1] is not None else count
            position += 1
        counts[minute] = count
    return counts


def summarise(entries, counts, maximum_at, start_minute, minutes):
    """The figures of one deployment's history (see docs/history.md)."""
    per_day = {}
    for entry in entries:
        if entry["kind"] in ACTION_KINDS:
            day = per_day.setdefault(entry["time"].strftime("%Y-%m-%d"), {"scale_outs": 0, "scale_ins": 0})
            day["scale_outs" if entry["kind"] == "scale_out" else "scale_ins"] += 1
    observed = [value for value in counts.values() if value is not None]
    at_max = sum(1 for minute, value in counts.items() if value is not None and maximum_at(minute) is not None
                 and value >= maximum_at(minute))
    kinds = [entry["kind"] for entry in entries]
    return {
        "minutes": minutes,
        "scale_outs": kinds.count("scale_out"),
        "scale_ins": kinds.count("scale_in") + kinds.count("flapping_adjusted"),
        "failed_actions": sum(1 for entry in entries if entry["kind"] in ACTION_KINDS and (entry["status"] or "").lower() == "failed"),
        "flapping_events": kinds.count("flapping") + kinds.count("flapping_adjusted"),
        "metric_failures": kinds.count("metric_failure"),
        "metric_recoveries": kinds.count("metric_recovery"),
        "per_day": [dict(date=day, **figures) for day, figures in sorted(per_day.items())],
        "minutes_with_capacity": len(observed),
        "minutes_at_maximum": at_max,
        "instance_hours": round(sum(observed) / 60.0, 2) if observed else None,
        "peak_instances": int(max(observed)) if observed else None,
        "lowest_instances": int(min(observed)) if observed else None,
        "mean_instances": round(sum(observed) / len(observed), 2) if observed else None,
    }


def maximum_lookup(entries, fallback):
    """``maximum_at(minute)``: the maximum of the profile the latest action before that minute reports, else ``fallback``."""
    changes = sorted((_minute(entry["time"]), entry["profile"]["capacity"]["maximum"]) for entry in entries
                     if entry["profile"] and entry["profile"]["capacity"].get("maximum") is not None)

    def maximum_at(minute):
        found = fallback
        for at, maximum in changes:
            if at > minute:
                break
            found = maximum
        return found
    return maximum_at


def public(entry, trigger_record=None):
    """A timeline entry as the modules return it."""
    completed = entry["completed_at"]
    return {
        "time": iso(entry["time"]), "kind": entry["kind"], "status": entry["status"], "from": entry["from"], "to": entry["to"],
        "profile": (entry["profile"] or {}).get("name"), "completed_at": iso(completed) if completed else None,
        "duration_minutes": round((completed - entry["time"]).total_seconds() / 60.0, 1) if completed else None,
        "trigger": trigger_record, "description": entry["description"], "correlation_id": entry["correlation_id"],
    }


# ---------------------------------------------------------------- I/O: the reader

def activity_filter(start, end, scope_field, scope_value):
    """An activity log ``$filter`` of the documented form: the time range and one scope."""
    return "eventTimestamp ge '{0}' and eventTimestamp le '{1}' and {2} eq '{3}'".format(
        iso(start), iso(end), scope_field, scope_value.replace("'", "''"))


class HistoryReader:
    """Reads Autoscale events (activity log, api-version 2015-04-01) and a setting's metrics through azure-mgmt-monitor."""

    def __init__(self, session):
        self.session = session
        self.requests = 0

    def events(self, start, end, scope_field, scope_value):
        """The parsed Autoscale events of a resource group (``resourceGroupName``) or a setting (``resourceUri``)."""
        query = activity_filter(start, end, scope_field, scope_value)
        found = []
        with azure_errors("read the activity log ({0})".format(query)):
            for page in self.session.monitor.activity_logs.list(filter=query).by_page():
                self.requests += 1
                for item in page:
                    record = parse_event(item.serialize(keep_readonly=True))
                    if record is not None:
                        found.append(record)
        return found

    def setting_metric(self, setting_id, metric, start, end):
        """{dimension value or None: {epoch minute: value}} of one of the setting's metrics; {} when Azure has none."""
        dimension, aggregation = SETTING_METRICS[metric]
        kwargs = {"timespan": "{0}/{1}".format(iso(start), iso(end)), "interval": "PT1M", "metricnames": metric,
                  "aggregation": aggregation, "metricnamespace": "Microsoft.Insights/autoscalesettings", "cls": raw_json}
        if dimension:
            kwargs["filter"] = "{0} eq '*'".format(dimension)
        self.requests += 1
        try:
            with azure_errors("read the {0} metric of autoscale setting {1}".format(metric, setting_id)):
                body = self.session.monitor.metrics.list(setting_id, **kwargs)
        except AutoscaleError as error:
            if error.status in (400, 404):
                return {}
            raise
        return split_series(body, metric)


def split_series(body, metric):
    """A metrics response as {dimension value or None: {epoch minute: value}}."""
    aggregation = POINT_FIELDS[SETTING_METRICS[metric][1]]
    found = {}
    for item in body.get("value") or []:
        if ((item.get("name") or {}).get("value") or "").lower() != metric.lower():
            continue
        for series in item.get("timeseries") or []:
            labels = series.get("metadatavalues") or []
            key = labels[0].get("value") if labels else None
            values = found.setdefault(key, {})
            for point in series.get("data") or []:
                if point.get(aggregation) is not None:
                    values[_minute(parse_time(point["timeStamp"]))] = float(point[aggregation])
    return found


# ---------------------------------------------------------------- pure: calibration

#: The search of autoscale_simulate's compare_history: candidates of each engine parameter (docs/history.md).
CALIBRATION_GRID = {
    "metric_lag": ["1m", "2m", "3m", "4m", "5m", "8m"],
    "provisioning_delay": ["5m", "10m", "15m", "20m"],
    "evaluation_interval": ["1m", "2m", "5m"],
}
CALIBRATION_ROUNDS = 3


def recorded_actions(entries):
    """The scale actions autoscale took (not failed), as (epoch minute, direction, from, to)."""
    return [(_minute(entry["time"]), direction(entry), entry["from"], entry["to"]) for entry in entries
            if entry["kind"] in ACTION_KINDS and (entry["status"] or "").lower() != "failed"]


def replayed_actions(events):
    """A replay's events (_engine) that change the count, as (epoch minute, direction, from, to)."""
    found = []
    for event in events:
        if event["to"] == event["from"]:
            continue
        moment = _minute(parse_time(event["time"]))
        found.append((moment, "Increase" if event["to"] > event["from"] else "Decrease", event["from"], event["to"]))
    return found


def match(recorded, replayed, tolerance):
    """Pair recorded and replayed actions of the same direction at most ``tolerance`` minutes apart, nearest first.

    Returns {matched, missed, extra, mean_offset_minutes, pairs: [(recorded index, replayed index, offset)]}."""
    candidates = sorted((abs(replay[0] - record[0]), index, other, replay[0] - record[0])
                        for index, record in enumerate(recorded) for other, replay in enumerate(replayed)
                        if record[1] == replay[1] and abs(replay[0] - record[0]) <= tolerance)
    used_recorded, used_replayed, pairs = set(), set(), []
    for _distance, index, other, offset in candidates:
        if index in used_recorded or other in used_replayed:
            continue
        used_recorded.add(index)
        used_replayed.add(other)
        pairs.append((index, other, offset))
    offsets = [abs(offset) for _index, _other, offset in pairs]
    return {"matched": len(pairs), "missed": len(recorded) - len(pairs), "extra": len(replayed) - len(pairs),
            "mean_offset_minutes": round(sum(offsets) / len(offsets), 2) if offsets else None, "pairs": sorted(pairs)}


def score(result):
    """Higher is better: most matched, then fewest missed and extra, then the smallest mean offset."""
    offset = result["mean_offset_minutes"]
    return (result["matched"] - result["missed"] - result["extra"], result["matched"], -(offset if offset is not None else 1e9))


def calibrate(replay, start, grid=None, rounds=CALIBRATION_ROUNDS):
    """Coordinate search: each parameter in turn takes the candidate that matches the history best, the others held,
    until a round changes nothing. ``replay(parameters)`` returns a match result; ``start`` is the first parameters.
    Returns (best parameters, best result, [every trial])."""
    grid = grid or CALIBRATION_GRID
    best, trials, seen = dict(start), [], {}

    def trial(parameters):
        key = tuple(sorted(parameters.items()))
        if key not in seen:
            seen[key] = replay(parameters)
            trials.append(dict(parameters, **{name: value for name, value in seen[key].items() if name != "pairs"}))
        return seen[key]
    best_result = trial(best)
    for _round in range(rounds):
        changed = False
        for name, candidates in grid.items():
            for candidate in candidates:
                result = trial(dict(best, **{name: candidate}))
                if score(result) > score(best_result):
                    best, best_result, changed = dict(best, **{name: candidate}), result, True
        if not changed:
            break
    return best, best_result, trials
