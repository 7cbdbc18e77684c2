# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""A model of the Azure Monitor autoscale engine: replays a policy over metric history, minute by minute.

Pure: stdlib only, plain dicts in and out, no clock, no network. docs/simulation.md states every modelling assumption;
each choice the Azure docs leave open is a key of DEFAULT_PARAMETERS.

Inputs
  setting   a setting (or just ``{"profiles": [...]}``) in the canonical vocabulary of _model (normalise_setting/build_profile)
  metrics   {series_key(uri, metric, dimensions): {"start": epoch seconds of the first minute, "values": {aggregation: [...]}}}
            one value per minute (None = no data), aggregations named as Azure Monitor names them
            (Average, Minimum, Maximum, Total, Count): the series are already aggregated across instances per minute,
            as the metrics API returns them.
  start/end epoch seconds or aware datetimes; the replay covers [start, end) minute by minute.
"""

from __future__ import annotations

import bisect
import copy
import datetime
import math
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ansible_collections.mlops.autoscale.plugins.module_utils._durations import format_duration, parse_duration
from ansible_collections.mlops.autoscale.plugins.module_utils._model import OPERATOR_SIGNS, display_name, id_key, profiles_as_written
from ansible_collections.mlops.autoscale.plugins.module_utils._timezones import TimeZoneDataMissing, iana_zone
from ansible_collections.mlops.autoscale.plugins.module_utils._vocabulary import SIMULATION_PARAMETERS

UTC = datetime.timezone.utc

# Each choice the Azure docs leave open, with its default (_vocabulary.SIMULATION_PARAMETERS; docs/simulation.md explains each).
DEFAULT_PARAMETERS = {name: field["default"] for name, field in SIMULATION_PARAMETERS.items()}
CHOICES = {name: field["choices"] for name, field in SIMULATION_PARAMETERS.items() if "choices" in field}
DURATIONS = tuple(name for name, field in SIMULATION_PARAMETERS.items() if field.get("kind") == "duration")
BOOLEANS = tuple(name for name, field in SIMULATION_PARAMETERS.items() if field["type"] == "bool")

# Rule statistic -> the Azure Monitor aggregation that gives it per minute.
STATISTIC_AGGREGATION = {"Average": "Average", "Min": "Minimum", "Max": "Maximum", "Sum": "Total", "Count": "Count"}

OPERATORS = {
    "GreaterThan": lambda value, threshold: value > threshold,
    "GreaterThanOrEqual": lambda value, threshold: value >= threshold,
    "LessThan": lambda value, threshold: value < threshold,
    "LessThanOrEqual": lambda value, threshold: value <= threshold,
    "Equals": lambda value, threshold: value == threshold,
    "NotEquals": lambda value, threshold: value != threshold,
}


# ---------------------------------------------------------------- inputs

def series_key(resource_uri, metric_name, dimensions=None):
    """The key of one metric series: resource id (case-insensitive), metric name, dimension filter."""
    dims = ";".join("{0}{1}{2}".format(item["name"].lower(), "=" if item.get("operator", "Equals") == "Equals" else "!=", ",".join(item["values"]))
                    for item in dimensions or [])
    return "{0}|{1}|{2}".format(id_key(resource_uri), (metric_name or "").lower(), dims)


def required_series(setting):
    """The series a setting's rules read: [{key, metric_resource_uri, metric_name, metric_namespace, dimensions, aggregations}]."""
    found = {}
    for profile in (setting or {}).get("profiles") or []:
        for rule in profile.get("rules") or []:
            key = series_key(rule["metric_resource_uri"], rule["metric_name"], rule.get("dimensions"))
            entry = found.setdefault(key, {"key": key, "metric_resource_uri": rule["metric_resource_uri"], "metric_name": rule["metric_name"],
                                           "metric_namespace": rule.get("metric_namespace"), "dimensions": list(rule.get("dimensions") or []),
                                           "aggregations": []})
            aggregation = STATISTIC_AGGREGATION.get(rule["statistic"], "Average")
            if aggregation not in entry["aggregations"]:
                entry["aggregations"].append(aggregation)
    return list(found.values())


def _epoch_minute(value, field):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("{0}: {1!r} has no time zone".format(field, value))
        return int(value.timestamp() // 60)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value // 60)
    raise ValueError("{0}: {1!r} is neither epoch seconds nor an aware datetime".format(field, value))


def iso_minute(minute):
    """Epoch minute -> ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parameters(overrides=None):
    """The engine parameters: defaults updated with ``overrides`` (None values = default). ValueError names the bad one."""
    result = copy.deepcopy(DEFAULT_PARAMETERS)
    for name, value in (overrides or {}).items():
        if name not in DEFAULT_PARAMETERS:
            raise ValueError("parameters.{0}: unknown; allowed: {1}".format(name, ", ".join(sorted(DEFAULT_PARAMETERS))))
        if value is not None:
            result[name] = value
    for name in DURATIONS:
        seconds = parse_duration(result[name], "parameters." + name)
        if name == "evaluation_interval" and seconds < 60:
            raise ValueError("parameters.evaluation_interval: the model's resolution is one minute; allowed: 1m or more")
        result[name] = format_duration(seconds)
    for name in BOOLEANS:
        if not isinstance(result[name], bool):
            raise ValueError("parameters.{0}: {1!r} is not a boolean".format(name, result[name]))
    for name, allowed in CHOICES.items():
        if result[name] not in allowed:
            raise ValueError("parameters.{0}: {1!r} is not one of {2}".format(name, result[name], ", ".join(allowed)))
    metrics = result["per_instance_metrics"]
    if not isinstance(metrics, (list, tuple)) or not all(isinstance(item, str) for item in metrics):
        raise ValueError("parameters.per_instance_metrics: give a list of metric names")
    result["per_instance_metrics"] = list(metrics)
    initial = result["initial_count"]
    if initial is not None and (isinstance(initial, bool) or not isinstance(initial, int) or initial < 0):
        raise ValueError("parameters.initial_count: {0!r} is not a count".format(initial))
    return result


def _minutes(duration, field, at_least=1):
    """Whole minutes in a duration, rounded up."""
    return max(at_least, int(math.ceil(parse_duration(duration, field) / 60.0)))


# ---------------------------------------------------------------- time zones

def resolve_time_zone(windows_id, unknown="utc"):
    """(tzinfo, warning or None) for a Windows time zone id: its IANA zone by CLDR's windowsZones (_timezones)."""
    try:
        name = iana_zone(windows_id)
        problem = "it has no IANA zone in CLDR's windowsZones" if name is None else None
    except TimeZoneDataMissing as error:
        name, problem = None, str(error)
    if name is not None:
        try:
            return ZoneInfo(name), None
        except (ZoneInfoNotFoundError, ValueError):
            problem = "the IANA zone {0} is not installed (install the tzdata package)".format(name)
    if unknown == "error":
        raise ValueError("time_zone: {0!r}: {1}".format(windows_id, problem))
    return UTC, "time zone {0!r}: {1}; simulated as UTC".format(windows_id, problem)


def _local_to_minute(year, month, day, hour, minute, zone, fold):
    local = datetime.datetime(year, month, day, hour, minute, tzinfo=zone, fold=fold)
    return int(local.astimezone(UTC).timestamp() // 60)


def _parse_local(text):
    date, _sep, clock = text.partition("T")
    year, month, day = (int(part) for part in date.split("-"))
    hour, minute = (int(part) for part in clock.split(":")[:2])
    return year, month, day, hour, minute


# ---------------------------------------------------------------- compiling a policy

def _compile_rule(rule, index):
    where = "rules[{0}]".format(index)
    return {
        "index": index,
        "metric_name": rule["metric_name"],
        "key": series_key(rule["metric_resource_uri"], rule["metric_name"], rule.get("dimensions")),
        "statistic": rule["statistic"],
        "aggregation": STATISTIC_AGGREGATION.get(rule["statistic"], "Average"),
        "grain": _minutes(rule["time_grain"], where + ".time_grain"),
        "window": _minutes(rule["time_window"], where + ".time_window"),
        "time_aggregation": rule["time_aggregation"],
        "operator": rule["operator"],
        "threshold": rule["threshold"],
        "divide": bool(rule.get("divide_per_instance")),
        "direction": rule["direction"],
        "type": rule["type"],
        "value": int(rule["value"]),
        "cooldown": _minutes(rule["cooldown"], where + ".cooldown"),
        "time_window": rule["time_window"],
    }


def _compile_profile(profile, warnings):
    """The profile under its display name (end profiles named after the profile they end), Azure's in ``azure_name``."""
    name = display_name(profile["name"])
    rules = [_compile_rule(rule, index) for index, rule in enumerate(profile.get("rules") or [])]
    for rule in rules:
        problem = unreplayable(rule)
        if problem:
            warnings.append("profile {0!r} rule {1} ({2} {3} {4:g}, {5} {6}): {7}".format(
                name, rule["index"], rule["metric_name"], OPERATOR_SIGNS[rule["operator"]], float(rule["threshold"]),
                rule["direction"], rule["type"], problem))
    return {"name": name, "azure_name": profile["name"], "capacity": dict(profile["capacity"]), "rules": rules}


def unreplayable(rule):
    """Why the replay cannot do what Azure does with a rule, or None."""
    if rule["type"] == "ServiceAllowedNextValue":
        return ("ServiceAllowedNextValue scales to the next count the target service allows, which Azure ML deployments do not "
                "document; replayed as ChangeCount by the rule's value")
    if rule["direction"] == "None" and rule["type"] != "ExactCount":
        return "direction None with {0}: Azure documents no effect for it; the replay never scales on it".format(rule["type"])
    return None


class _Schedule:
    """Which profile is active at a minute: fixed date, then recurrence, then the default profile.

    The profiles are taken as Azure has them (profiles_as_written: each recurrence.end is its end profile).
    """

    def __init__(self, setting, start, end, params, warnings):
        self.profiles = []
        self.fixed = []          # (start minute, end minute, order, profile index)
        recurring = []           # (start minute, rank, profile index)
        self.default = None
        self._start, self._end, self._params, self._warnings = start, end, params, warnings
        self._zones = {}
        first_wins = params["profile_tie_break"] == "first"
        for order, profile in enumerate(profiles_as_written((setting or {}).get("profiles") or [])):
            index = len(self.profiles)
            self.profiles.append(_compile_profile(profile, warnings))
            if profile.get("fixed_date"):
                self.fixed.append(self._fixed_window(profile["fixed_date"]) + (order, index))
            elif profile.get("recurrence"):
                recurring.extend((at, -order if first_wins else order, index) for at in self._starts(profile["recurrence"]))
            elif self.default is None:
                self.default = index
        recurring.sort()
        self.recurring_minutes = [item[0] for item in recurring]
        self.recurring = recurring
        if not first_wins:
            self.fixed.sort(key=lambda item: -item[2])

    def _zone(self, windows_id):
        if windows_id not in self._zones:
            zone, warning = resolve_time_zone(windows_id, self._params["unknown_time_zone"])
            self._zones[windows_id] = zone
            if warning:
                self._warnings.append(warning)
        return self._zones[windows_id]

    def _fold(self):
        return 0 if self._params["dst_ambiguous"] == "earlier" else 1

    def _fixed_window(self, fixed):
        zone = self._zone(fixed["time_zone"])
        begin = _local_to_minute(*_parse_local(fixed["start"]), zone=zone, fold=self._fold())
        finish = _local_to_minute(*_parse_local(fixed["end"]), zone=zone, fold=self._fold())
        return begin, finish + (1 if self._params["fixed_date_end"] == "inclusive" else 0)

    def _starts(self, recurrence):
        """The epoch minutes a recurrence starts at, from a week before the replay to its end."""
        zone = self._zone(recurrence["time_zone"])
        hour, minute = (int(part) for part in recurrence["start"].split(":"))
        day = datetime.datetime.fromtimestamp((self._start - 8 * 1440) * 60, UTC).date()
        last_day = datetime.datetime.fromtimestamp((self._end + 1440) * 60, UTC).date()
        while day <= last_day:
            if day.strftime("%A") in recurrence["days"]:
                yield _local_to_minute(day.year, day.month, day.day, hour, minute, zone, self._fold())
            day += datetime.timedelta(days=1)

    def active(self, minute):
        """The index of the active profile at an epoch minute, or None when no profile applies."""
        for begin, finish, _order, index in self.fixed:
            if begin <= minute < finish:
                return index
        position = bisect.bisect_right(self.recurring_minutes, minute)
        if position:
            return self.recurring[position - 1][2]
        return self.default


# ---------------------------------------------------------------- metrics

class _Metrics:
    """Reads the series: per-minute values, optionally rescaled to the simulated instance count."""

    def __init__(self, metrics, observed_capacity, params, sim_start):
        self.metrics = metrics or {}
        self.per_instance = {name.lower() for name in params["per_instance_metrics"]}
        self.observed = observed_capacity
        self.sim_start = sim_start
        self.ready_history = []      # simulated ready instances per minute from sim_start
        self.initial_ready = 1
        self._cache = {}             # (key, aggregation) -> {minute: value}; a past minute's value never changes

    def _observed_at(self, minute):
        observed = self.observed
        if observed is None:
            return None
        if isinstance(observed, (int, float)):
            return observed
        values = observed["values"].get("Average") or next(iter(observed["values"].values()), [])
        position = minute - observed["start"] // 60
        if 0 <= position < len(values) and values[position]:
            return values[position]
        return None

    def _ready_at(self, minute):
        position = minute - self.sim_start
        if position < 0 or not self.ready_history:
            return self.initial_ready
        return self.ready_history[min(position, len(self.ready_history) - 1)]

    def value(self, key, aggregation, minute):
        """The value of a series at an epoch minute (None: no data), cached once the minute is in the past."""
        return self.values(key, aggregation, minute, minute + 1)[0]

    def values(self, key, aggregation, first, stop):
        """The values of a series from minute ``first`` up to ``stop`` (excluded), each cached once it is in the past."""
        cache = self._cache.get((key, aggregation))
        if cache is None:
            cache = self._cache[(key, aggregation)] = {}
        settled = self.sim_start + len(self.ready_history)
        result = []
        for minute in range(first, stop):
            if minute in cache:
                result.append(cache[minute])
                continue
            value = self._value(key, aggregation, minute)
            if minute < settled:
                cache[minute] = value
            result.append(value)
        return result

    def _value(self, key, aggregation, minute):
        series = self.metrics.get(key)
        if series is None:
            return None
        values = series["values"].get(aggregation)
        if values is None:
            values = series["values"].get("Average")
            if values is None:
                return None
        position = minute - series["start"] // 60
        if position < 0 or position >= len(values):
            return None
        value = values[position]
        if value is None or aggregation == "Count":
            return value
        metric = key.split("|")[1]
        if metric in self.per_instance:
            observed = self._observed_at(minute)
            if observed:
                value = value * observed / max(1, self._ready_at(minute))
                if metric.endswith("percentage"):
                    value = min(100.0, value)
        return value

    def aggregate(self, rule, end_minute):
        """The rule's metric over its window ending (exclusively) at ``end_minute``: statistic per grain, then time aggregation."""
        grain, window = rule["grain"], rule["window"]
        begin = end_minute - window
        first = -(-begin // grain) * grain
        last = (end_minute // grain) * grain - grain
        if first > last:
            first = last
        key, aggregation = rule["key"], rule["aggregation"]
        if grain == 1:
            # A one-minute grain is the minute's value whatever the statistic: no per-grain combining.
            grains = [value for value in self.values(key, aggregation, first, last + 1) if value is not None]
        else:
            grains = self._grains(key, aggregation, grain, (first, last))
        if not grains:
            return None
        how = rule["time_aggregation"]
        if how == "Minimum":
            return min(grains)
        if how == "Maximum":
            return max(grains)
        if how == "Total":
            return sum(grains)
        if how == "Count":
            return len(grains)
        if how == "Last":
            return grains[-1]
        return sum(grains) / len(grains)

    def _grains(self, key, aggregation, grain, bounds):
        """The statistic of each grain from ``bounds[0]`` to ``bounds[1]`` (grain starts) that has data."""
        first, last = bounds
        grains = []
        bucket = first
        while bucket <= last:
            values = [value for value in self.values(key, aggregation, bucket, bucket + grain) if value is not None]
            if values:
                grains.append(_combine(aggregation, values))
            bucket += grain
        return grains


def _combine(aggregation, values):
    """Minutes -> one grain, by the aggregation the statistic reads."""
    if aggregation == "Minimum":
        return min(values)
    if aggregation == "Maximum":
        return max(values)
    if aggregation in ("Total", "Count"):
        return sum(values)
    return sum(values) / len(values)


# ---------------------------------------------------------------- decisions

def _rounded(amount, how):
    if how == "ceil":
        return int(math.ceil(amount - 1e-9))
    if how == "round":
        return int(math.floor(amount + 0.5))
    return int(math.floor(amount + 1e-9))


def rule_direction(rule, count, exact_count_direction="by_count"):
    """Which way a rule scales at ``count`` when it fires: "Increase", "Decrease" or None (it changes nothing).

    An ExactCount rule sets the count to its value, so by default it scales out below that value and in above it, whatever
    its written direction (the Azure CLI writes None for ``--scale to``, the portal Increase or Decrease);
    ``exact_count_direction: as_written`` lets it act only in its written direction. docs/simulation.md has the evidence.
    """
    if rule["type"] == "ExactCount" and exact_count_direction == "by_count":
        value = rule["value"]
        return "Increase" if value > count else "Decrease" if value < count else None
    return rule["direction"] if rule["direction"] in ("Increase", "Decrease") else None


def rule_result(rule, count, percent_rounding="floor", exact_count_direction="by_count"):
    """The count a rule's scale action asks for at ``count`` (before clamping)."""
    direction = rule_direction(rule, count, exact_count_direction)
    if direction is None:
        return count
    if rule["type"] == "ExactCount":
        return rule["value"]
    if rule["type"] == "PercentChangeCount":
        change = max(1, _rounded(count * rule["value"] / 100.0, percent_rounding))
    else:  # ChangeCount; ServiceAllowedNextValue is replayed as ChangeCount (see unreplayable)
        change = rule["value"]
    return count + change if direction == "Increase" else count - change


def fires(rule, value):
    """Whether a rule's condition holds for its aggregated value (None: no data, never)."""
    return value is not None and OPERATORS[rule["operator"]](value, rule["threshold"])


def _pick(candidates, how):
    """(rule, count) with the best count first; ties by rule_tie_break."""
    if how == "longest_cooldown":
        return max(candidates, key=lambda item: (item[1], item[0]["cooldown"], -item[0]["index"]))
    if how == "shortest_cooldown":
        return max(candidates, key=lambda item: (item[1], -item[0]["cooldown"], -item[0]["index"]))
    return max(candidates, key=lambda item: (item[1], -item[0]["index"]))


def _describe(rule, value, divisor=None):
    shown = "{0:.4g}".format(value) if isinstance(value, float) else str(value)
    per = " per instance (/{0})".format(divisor) if divisor else ""
    return "{0} {1} over {2} = {3}{4} {5} {6:g} (rule {7}: {8} {9} {10})".format(
        rule["metric_name"], rule["statistic"], rule["time_window"], shown, per, OPERATOR_SIGNS[rule["operator"]],
        float(rule["threshold"]), rule["index"], rule["direction"], rule["type"], rule["value"])


def _rules_at(profile, count, direction, params):
    return [rule for rule in profile["rules"] if rule_direction(rule, count, params["exact_count_direction"]) == direction]


def _result(rule, count, params):
    return rule_result(rule, count, params["percent_rounding"], params["exact_count_direction"])


def decide(profile, values, count, params):
    """What the engine does with the active profile's rule values at ``count``.

    ``values`` maps rule index -> aggregated (and divided-per-instance) value or None. Returns a dict with ``action``:
    ``out``/``in`` (``to``, ``rule``, ``reason``), ``flapping`` (``target``, ``reason``), ``at_maximum``, ``at_minimum`` or None.
    """
    capacity = profile["capacity"]
    fired = [rule for rule in _rules_at(profile, count, "Increase", params) if fires(rule, values.get(rule["index"]))]
    if fired:
        rule, wanted = _pick([(rule, _result(rule, count, params)) for rule in fired], params["rule_tie_break"])
        target = min(wanted, capacity["maximum"])
        reasons = "; ".join(_describe(item, values[item["index"]]) for item in fired)
        if target > count:
            return {"action": "out", "to": target, "rule": rule, "reason": reasons}
        return {"action": "at_maximum", "rule": rule, "reason": reasons}
    decrease = _rules_at(profile, count, "Decrease", params)
    if not decrease or not all(fires(rule, values.get(rule["index"])) for rule in decrease):
        return None
    rule, wanted = _pick([(rule, _result(rule, count, params)) for rule in decrease], params["rule_tie_break"])
    target = max(wanted, capacity["minimum"])
    reasons = "; ".join(_describe(item, values[item["index"]]) for item in decrease)
    if target >= count:
        return {"action": "at_minimum", "rule": rule, "reason": reasons}
    if params["flapping_search"] == "from_target":
        candidates = list(range(target, count))
    elif params["flapping_search"] == "from_current":
        candidates = list(range(count - 1, target - 1, -1))
    else:
        candidates = [target]
    projections = []
    for candidate in candidates:
        flaps = _flaps(profile, values, count, candidate, params)
        if not flaps:
            note = "" if candidate == target else " (flapping guard: {0} instead of {1}; {2})".format(candidate, target, "; ".join(projections))
            return {"action": "in", "to": candidate, "rule": rule, "reason": reasons + note}
        projections.append("; ".join(flaps))
    return {"action": "flapping", "target": target, "rule": rule, "reason": reasons + "; skipped: " + " | ".join(projections)}


def _flaps(profile, values, count, candidate, params):
    """The scale-out rules (at the candidate count) that the projected metric observed x count / candidate would fire."""
    flaps = []
    for out_rule in _rules_at(profile, candidate, "Increase", params):
        observed = values.get(out_rule["index"])
        if observed is None:
            continue
        projected = observed * count / float(candidate)
        if fires(out_rule, projected):
            flaps.append("{0} projected {1:.4g} on {2} {3} {4:g}".format(
                out_rule["metric_name"], projected, candidate, OPERATOR_SIGNS[out_rule["operator"]], float(out_rule["threshold"])))
    return flaps


# ---------------------------------------------------------------- the replay

class _Recorder:
    """Events, coalesced skips and the figures of one replay."""

    def __init__(self):
        self.events = []
        self.skipped = []
        self._open = {}

    def event(self, minute, kind, before, after, profile, reason, rule=None):
        self.events.append({"time": iso_minute(minute), "kind": kind, "from": before, "to": after, "profile": profile,
                            "rule": None if rule is None else rule["index"], "reason": reason})

    def skip(self, minute, reason, direction, profile, detail, step):
        """One skipped run; consecutive skips for the same reason, direction and profile become one record."""
        key = (reason, direction, profile)
        record = self._open.get(key)
        if record is not None and record["_last"] + step == minute:
            record["_last"] = minute
            record["until"] = iso_minute(minute + step)
            record["runs"] += 1
            return
        record = {"time": iso_minute(minute), "until": iso_minute(minute + step), "reason": reason, "direction": direction,
                  "profile": profile, "runs": 1, "detail": detail, "_last": minute}
        self._open[key] = record
        self.skipped.append(record)

    def finish(self):
        for record in self.skipped:
            record.pop("_last", None)


def simulate(setting, metrics, start, end, params=None, observed_capacity=None, slo=None, keep_series=False):
    """Replay ``setting`` over ``metrics`` from ``start`` to ``end`` (see the module docstring).

    ``observed_capacity``: the instance count the metrics were recorded under (a series dict like a metric's, or an int);
    with it, the metrics in ``per_instance_metrics`` are rescaled to the simulated count. ``slo``: {key, aggregation,
    operator, threshold}: minutes where that series (rescaled alike) breaches the threshold are counted.
    Returns {summary, events, skipped, timeline (change points), warnings, slo_breaches (the epoch minutes that breached,
    None without ``slo``)} (+ ``series`` with ``keep_series``).
    """
    first, stop = _epoch_minute(start, "start"), _epoch_minute(end, "end")
    if stop <= first:
        raise ValueError("end: must be later than start")
    return _Replay(setting, metrics, (first, stop), parameters(params), observed_capacity, slo, keep_series).run()


class _Replay:
    """One replay, minute by minute; each method is a step of docs/simulation.md ("How the replay works")."""

    def __init__(self, setting, metrics, window, params, observed_capacity, slo, keep_series):
        self.first, self.stop = window
        self.params = params
        self.warnings = []
        self.schedule = _Schedule(setting, self.first, self.stop, params, self.warnings)        # step 2, 11
        self.reader = _Metrics(metrics, observed_capacity, params, self.first)
        self.interval = _minutes(params["evaluation_interval"], "parameters.evaluation_interval")
        self.lag = _minutes(params["metric_lag"], "parameters.metric_lag", 0)
        self.delay = _minutes(params["provisioning_delay"], "parameters.provisioning_delay", 0)
        self.implicit = _minutes(params["implicit_cooldown"], "parameters.implicit_cooldown", 0)
        self.recorder = _Recorder()
        self.report = _RuleReport(self.schedule.profiles)
        self.slo = slo
        self.slo_minutes = 0
        self.slo_breaches = []          # the epoch minutes that breached the SLO
        self.slo_series = [] if keep_series and slo else None
        self.keep_series = keep_series
        self.count = self.starting_count()
        self.reader.initial_ready = self.count
        self.pending = []               # ready minutes of instances still provisioning
        self.cooldown_until = self.first
        self.current_profile = None
        self.counts, self.readies, self.profile_names = [], [], []
        self.figures = {"scale_outs": 0, "scale_ins": 0, "clamps": 0, "default_capacity_scalings": 0, "skipped_flapping_runs": 0,
                        "skipped_cooldown_runs": 0, "skipped_in_progress_runs": 0, "minutes_without_metrics": 0,
                        "minutes_blocked_at_maximum": 0}

    def starting_count(self):
        """Step 12: initial_count, else the recorded count, else the active profile's default."""
        if self.params["initial_count"] is not None:
            return self.params["initial_count"]
        observed = self.reader._observed_at(self.first)  # pylint: disable=protected-access
        if observed:
            return int(round(observed))
        active = self.schedule.active(self.first)
        return self.schedule.profiles[active]["capacity"]["default"] if active is not None else 1

    def run(self):
        """Every minute of the window; the engine runs every evaluation_interval (step 1)."""
        for minute in range(self.first, self.stop):
            self.pending = [ready for ready in self.pending if ready > minute]
            if (minute - self.first) % self.interval == 0:
                self.evaluate(minute)
            self.record(minute)
        return self.result()

    def evaluate(self, minute):
        """One run of the engine: skipped while provisioning, else limits, metrics, then a decision."""
        active = self.schedule.active(minute)
        profile = self.schedule.profiles[active] if active is not None else None
        if self.pending and self.params["skip_while_provisioning"]:
            self.recorder.skip(minute, "in_progress", None, profile["name"] if profile else None,
                               "{0} instance(s) still provisioning".format(len(self.pending)), self.interval)
            self.figures["skipped_in_progress_runs"] += 1
            return
        if profile is None:
            self.current_profile = None
            return
        changed_profile = profile["name"] != self.current_profile
        self.current_profile = profile["name"]
        self.apply_capacity_limits(minute, profile, changed_profile)
        values, missing = self.read_metrics(minute, active, profile)
        if profile["rules"] and missing and (self.params["missing_metrics"] == "any" or len(missing) == len(profile["rules"])):
            self.metrics_missing(minute, profile, missing)
        else:
            self.act(minute, active, profile, decide(profile, values, self.count, self.params))

    def scale(self, minute, target):
        """Set the count; added instances provision for provisioning_delay."""
        self.count, self.pending = _apply(self.count, target, self.pending, minute + self.delay)

    def apply_capacity_limits(self, minute, profile, changed_profile):
        """Step 3: the count is brought into the active profile's [minimum, maximum]."""
        capacity = profile["capacity"]
        clamped = min(max(self.count, capacity["minimum"]), capacity["maximum"])
        if clamped == self.count:
            return
        why = "profile {0!r} became active".format(profile["name"]) if changed_profile else "count outside the profile's limits"
        self.recorder.event(minute, "clamp", self.count, clamped, profile["name"], "{0}: capacity {1}..{2}".format(
            why, capacity["minimum"], capacity["maximum"]))
        self.figures["clamps"] += 1
        self.scale(minute, clamped)
        if self.params["clamp_starts_cooldown"]:
            self.cooldown_until = minute + self.implicit

    def read_metrics(self, minute, active, profile):
        """Step 4: each rule's aggregated window, metric_lag late, divided per instance where the rule says so."""
        values, missing = {}, []
        divisor = self.count if self.params["divide_per_instance_count"] == "capacity" else self.count - len(self.pending)
        for rule in profile["rules"]:
            value = self.reader.aggregate(rule, minute - self.lag)
            if value is not None and rule["divide"]:
                value = value / float(max(1, divisor))
            values[rule["index"]] = value
            if value is None:
                missing.append(rule)
            self.report.evaluated(active, rule, value)
        return values, missing

    def metrics_missing(self, minute, profile, missing):
        """Step 5: metrics cannot be read: the default capacity, used only upward."""
        self.figures["minutes_without_metrics"] += self.interval
        default = profile["capacity"]["default"]
        if self.count >= default:
            return
        self.recorder.event(minute, "default_capacity", self.count, default, profile["name"],
                            "metrics cannot be read ({0}): default capacity {1}, used only upward".format(
                                ", ".join(sorted({rule["metric_name"] for rule in missing})), default))
        self.figures["default_capacity_scalings"] += 1
        self.scale(minute, default)
        if self.params["default_capacity_starts_cooldown"]:
            self.cooldown_until = minute + self.implicit

    def act(self, minute, active, profile, decision):
        """Steps 6 to 10: the decision (scale-out first, scale-in, flapping guard) under the cooldown, then the action."""
        action = decision["action"] if decision else None
        name = profile["name"]
        if action == "at_maximum":
            self.figures["minutes_blocked_at_maximum"] += self.interval
        elif action in ("out", "in", "flapping") and minute < self.cooldown_until:
            direction = "Decrease" if action in ("in", "flapping") else "Increase"
            self.recorder.skip(minute, "cooldown", direction, name, "cooldown until {0}; would: {1}".format(
                iso_minute(self.cooldown_until), decision["reason"]), self.interval)
            self.figures["skipped_cooldown_runs"] += 1
        elif action == "flapping":
            self.recorder.skip(minute, "flapping", "Decrease", name, decision["reason"], self.interval)
            self.figures["skipped_flapping_runs"] += 1
        elif action in ("out", "in"):
            self.scale_action(minute, active, name, decision)

    def scale_action(self, minute, active, name, decision):
        """Step 9 and 10: the rule's scale action, and the cooldown it starts."""
        rule, action = decision["rule"], decision["action"]
        self.recorder.event(minute, "scale_out" if action == "out" else "scale_in", self.count, decision["to"], name,
                            decision["reason"], rule)
        self.report.acted(active, rule)
        self.figures["scale_outs" if action == "out" else "scale_ins"] += 1
        self.scale(minute, decision["to"])
        extra = self.delay if action == "out" and self.params["cooldown_from"] == "ready" else 0
        self.cooldown_until = minute + extra + rule["cooldown"]

    def record(self, minute):
        """The minute's count, ready count, profile and SLO reading."""
        self.pending = [ready for ready in self.pending if ready > minute]
        ready = self.count - len(self.pending)
        self.counts.append(self.count)
        self.readies.append(ready)
        self.profile_names.append(self.current_profile)
        self.reader.ready_history.append(ready)
        if not self.slo:
            return
        value = self.reader.value(self.slo["key"], self.slo.get("aggregation") or "Average", minute)
        if value is not None and OPERATORS[self.slo.get("operator") or "GreaterThan"](value, self.slo["threshold"]):
            self.slo_minutes += 1
            self.slo_breaches.append(minute)
        if self.slo_series is not None:
            self.slo_series.append(value)

    def result(self):
        """The replay's summary, events, skips, change points, rule rows and warnings."""
        self.recorder.finish()
        result = {
            "summary": _summary(self.counts, self.readies, self.profile_names, self.schedule, self.figures,
                                self.slo_minutes if self.slo else None),
            "events": self.recorder.events,
            "skipped": self.recorder.skipped,
            "timeline": _change_points(self.first, self.counts, self.readies, self.profile_names),
            "rules": self.report.rows,
            "warnings": sorted(set(self.warnings)),
            "slo_breaches": self.slo_breaches if self.slo else None,
        }
        if self.keep_series:
            result["series"] = {"start": self.first * 60, "instances": self.counts, "ready": self.readies, "slo": self.slo_series}
        return result


class _RuleReport:
    """Per rule of every profile: how often the replay evaluated it, had data for it, found it firing, and acted on it."""

    def __init__(self, profiles):
        self._rows = {(position, rule["index"]): {
            "profile": profile["name"], "azure_profile": profile["azure_name"], "rule": rule["index"], "metric_name": rule["metric_name"],
            "operator": rule["operator"], "threshold": rule["threshold"], "direction": rule["direction"], "type": rule["type"], "value": rule["value"],
            "approximation": unreplayable(rule), "evaluations": 0, "minutes_with_data": 0, "fired": 0, "scale_actions": 0}
            for position, profile in enumerate(profiles) for rule in profile["rules"]}

    @property
    def rows(self):
        """One dict per rule, in profile order."""
        return list(self._rows.values())

    def evaluated(self, profile_index, rule, value):
        """One evaluation of a rule of the active profile."""
        row = self._rows[(profile_index, rule["index"])]
        row["evaluations"] += 1
        if value is not None:
            row["minutes_with_data"] += 1
            row["fired"] += fires(rule, value)

    def acted(self, profile_index, rule):
        """The rule's scale action was taken."""
        self._rows[(profile_index, rule["index"])]["scale_actions"] += 1


def _apply(count, target, pending, ready_at):
    """The new count and provisioning list: added instances provision; removed ones leave at once, provisioning ones first."""
    if target > count:
        return target, pending + [ready_at] * (target - count)
    removed = count - target
    pending = sorted(pending)
    while removed and pending:
        pending.pop()
        removed -= 1
    return target, pending


def _summary(counts, readies, profile_names, schedule, figures, slo_minutes):
    maxima = {profile["name"]: profile["capacity"]["maximum"] for profile in schedule.profiles}
    minima = {profile["name"]: profile["capacity"]["minimum"] for profile in schedule.profiles}
    at_max = sum(1 for count, name in zip(counts, profile_names) if name in maxima and count >= maxima[name])
    at_min = sum(1 for count, name in zip(counts, profile_names) if name in minima and count <= minima[name])
    per_profile = {}
    for name in profile_names:
        if name is not None:
            per_profile[name] = per_profile.get(name, 0) + 1
    summary = {
        "minutes": len(counts),
        "instance_hours": round(sum(counts) / 60.0, 2),
        "ready_instance_hours": round(sum(readies) / 60.0, 2),
        "mean_instances": round(sum(counts) / float(len(counts)), 3) if counts else 0,
        "peak_instances": max(counts) if counts else 0,
        "lowest_instances": min(counts) if counts else 0,
        "final_instances": counts[-1] if counts else 0,
        "minutes_at_maximum": at_max,
        "minutes_at_minimum": at_min,
        "profile_minutes": per_profile,
        "slo_minutes_breached": slo_minutes,
    }
    summary.update(figures)
    return summary


def _change_points(first, counts, readies, profile_names):
    points = []
    previous = None
    for offset, state in enumerate(zip(counts, readies, profile_names)):
        if state != previous:
            points.append({"time": iso_minute(first + offset), "instances": state[0], "ready": state[1], "profile": state[2]})
            previous = state
    return points


def downsample_timeline(points, limit):
    """At most ``limit`` change points: when there are more, keep evenly spaced ones (and the last). (points, downsampled)."""
    if limit is None or len(points) <= limit or limit < 2:
        return points, False
    step = (len(points) - 1) / float(limit - 1)
    chosen = sorted({int(round(index * step)) for index in range(limit)})
    return [points[index] for index in chosen], True


# The summary figures the comparison and the chart's table show, in this order.
COMPARED_FIGURES = ("instance_hours", "mean_instances", "peak_instances", "minutes_at_maximum", "scale_outs", "scale_ins",
                    "skipped_flapping_runs", "skipped_cooldown_runs", "minutes_without_metrics", "slo_minutes_breached")


def compare(current, proposed):
    """Differences of the proposed policy's figures from the current one's (proposed - current)."""
    if not current or not proposed:
        return None
    result = {}
    for key in COMPARED_FIGURES:
        before, after = current["summary"].get(key), proposed["summary"].get(key)
        if before is None or after is None:
            continue
        delta = after - before
        result[key] = round(delta, 3) if isinstance(delta, float) else delta
    return result
