# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Pure: recommend an autoscale policy from metric history (docs/recommend.md has the space, objective and split).

The history is split in two: the search replays candidate policies with _engine over the earlier part only, and the
figures reported as the result come from replaying the live and the recommended policy over the later, held-out part.
A candidate is a point of a small grid (``Space``): capacity, one scale-out and one scale-in rule on the live policy's
metric (CPU without a live policy), their cooldowns and windows, and a peak-hours profile when the history shows a
daily pattern. The search is a coordinate descent from the live policy; the objective is the fewest instance-hours
among the lint-free candidates whose SLO breach minutes and scale events stay within the budgets.
"""

from __future__ import annotations

import math
import random

from ansible_collections.mlops.autoscale.plugins.module_utils import _engine, _model
from ansible_collections.mlops.autoscale.plugins.module_utils import _vocabulary as vocabulary
from ansible_collections.mlops.autoscale.plugins.module_utils._chart import window_values
from ansible_collections.mlops.autoscale.plugins.module_utils._durations import format_duration, parse_duration
from ansible_collections.mlops.autoscale.plugins.module_utils._lint import (
    DEFAULT_QUOTA_INSTANCES, SCALE_IN_OPERATORS, SCALE_OUT_OPERATORS, lint_setting)
from ansible_collections.mlops.autoscale.plugins.module_utils._model import is_default_profile
from ansible_collections.mlops.autoscale.plugins.module_utils._vocabulary import ROLE_PREFIX, RULE

DEFAULT_METRIC = "CpuUtilizationPercentage"
#: Rule fields a recommendation takes from the live rule it replaces; the search sets the others.
KEPT_RULE_FIELDS = ("metric_name", "metric_resource", "metric_namespace", "statistic", "time_grain", "time_aggregation",
                    "dimensions", "divide_per_instance")
PERCENT_SCALE_OUT = (50, 60, 70, 75, 80, 85, 90)
QUANTILES_SCALE_OUT = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
#: The scale-in threshold as a share of the highest one that does not flap (see Space.scale_in_threshold).
SCALE_IN_MARGINS = (0.5, 0.7, 0.85, 0.95)
SCALE_OUT_STEPS = (1, 2, 3)
SCALE_IN_STEPS = (1, 2)
SCALE_IN_COOLDOWNS = ("5m", "10m", "15m", "30m")
SCALE_OUT_WINDOWS = ("5m", "10m")
SCALE_IN_WINDOWS = ("5m", "10m", "15m", "30m")
MAX_CAPACITY_CHOICES = 8
#: A daily pattern: the busiest hour's mean load is at least this many times the quietest hour's.
PATTERN_RATIO = 1.5
PEAK_PROFILE = "peak-hours"
ALL_DAYS = list(vocabulary.WEEKDAYS)
WEEKDAYS = ALL_DAYS[:5]
#: The order of the first sweep (the dimensions that move instance-hours most first); later sweeps are shuffled by seed.
DIMENSIONS = ("minimum", "scale_out_threshold", "scale_in_margin", "peak_minimum", "maximum", "scale_out_step", "scale_in_step",
              "scale_in_cooldown", "scale_in_window", "scale_out_cooldown", "scale_out_window")
#: The least share of the live policy's instance-hours a recommendation must save over the search part to replace it.
MIN_SAVING = 0.02
#: The fewest scale events a day the default budget allows, whatever the live policy does.
CALM_EVENTS_PER_DAY = 4
FIGURES = ("instance_hours", "slo_minutes_breached", "scale_events", "scale_outs", "scale_ins", "mean_instances",
           "peak_instances", "minutes_at_maximum")


# ---------------------------------------------------------------- the split

def split_window(first_minute, minutes, held_out_share):
    """``(search, held_out)``, each (first epoch minute, minutes): the held-out part is the last ``held_out_share`` of the
    window, in whole days when the window has at least two, so both parts see whole daily cycles."""
    held = minutes * held_out_share
    if minutes >= 2 * 1440:
        held = max(1, round(held / 1440.0)) * 1440
    held = int(max(60, min(minutes - 60, round(held))))
    return (first_minute, minutes - held), (first_minute + minutes - held, held)


# ---------------------------------------------------------------- the live policy as a starting point

def rule_templates(live, default_rule):
    """(scale-out rule, scale-in rule) of the live default profile to take the metric from, else the default rule."""
    profile = next((profile for profile in (live or {}).get("profiles") or [] if is_default_profile(profile)), None)
    rules = (profile or {}).get("rules") or []
    out = next((rule for rule in rules if rule["direction"] == "Increase" and rule["operator"] in SCALE_OUT_OPERATORS), None)
    if out is None:
        return default_rule, default_rule, profile
    same_metric = [rule for rule in rules if rule["direction"] == "Decrease" and rule["operator"] in SCALE_IN_OPERATORS
                   and _engine.series_key(rule["metric_resource_uri"], rule["metric_name"], rule.get("dimensions"))
                   == _engine.series_key(out["metric_resource_uri"], out["metric_name"], out.get("dimensions"))]
    return out, (same_metric[0] if same_metric else out), profile


def kept_fields(rule):
    """The fields of a rule a recommendation keeps (its metric and how it is read)."""
    return {key: rule[key] for key in KEPT_RULE_FIELDS if rule.get(key) not in (None, [])}


def _step(rule):
    return int(rule["value"]) if rule["type"] == "ChangeCount" else 1


class Space:
    """The grid the search walks: each dimension's values, the live policy's among them, and how a point becomes a policy."""

    def __init__(self, live, fixed_count, default_rule, stats, options):
        out, scale_in, profile = rule_templates(live, default_rule)
        self.templates = (kept_fields(out), kept_fields(scale_in))
        self.out_operator = out["operator"] if out is not default_rule else "GreaterThan"
        self.in_operator = scale_in["operator"] if scale_in is not default_rule and scale_in["direction"] == "Decrease" else "LessThan"
        self.default_profile_name = profile["name"] if profile else "default"
        self.provisioning = options["provisioning_time"]
        self.pattern = stats["pattern"]
        self.integer_thresholds = stats["integer_thresholds"]
        live_capacity = profile["capacity"] if profile else {"minimum": fixed_count, "maximum": fixed_count}
        self.cap = max(1, min(options["maximum_instances"] or max(live_capacity["maximum"], 2 * fixed_count, 2), DEFAULT_QUOTA_INSTANCES))
        self.start = self._start(profile, out if out is not default_rule else None, scale_in if scale_in is not default_rule else None,
                                 live_capacity, stats)
        self.values = self._values(stats, options["schedules"])

    def _start(self, profile, out, scale_in, capacity, stats):
        """The live policy as a point (its values kept even off the grid); defaults where it has no such rule."""
        provisioning_cooldown = format_duration(self.shortest_scale_out_cooldown())
        point = {
            "minimum": min(capacity["minimum"], self.cap), "maximum": min(max(capacity["maximum"], capacity["minimum"]), self.cap),
            "scale_out_threshold": out["threshold"] if out else stats["out_thresholds"][len(stats["out_thresholds"]) // 2],
            "scale_in_margin": None,
            "scale_out_step": _step(out) if out else 1,
            "scale_in_step": _step(scale_in) if scale_in and scale_in is not out else 1,
            "scale_out_cooldown": out["cooldown"] if out and parse_duration(out["cooldown"], "cooldown") >= self.provisioning
            else provisioning_cooldown,
            "scale_in_cooldown": scale_in["cooldown"] if scale_in and scale_in is not out else "10m",
            "scale_out_window": out["time_window"] if out else "5m",
            "scale_in_window": scale_in["time_window"] if scale_in and scale_in is not out else "10m",
            "peak_minimum": 0,
        }
        if profile is None:
            point["minimum"] = 1
            point["maximum"] = self.cap
        live_in = scale_in["threshold"] if scale_in and scale_in is not out else None
        point["scale_in_margin"] = round(live_in / self.flapping_limit(point), 3) if live_in else SCALE_IN_MARGINS[1]
        return point

    def _values(self, stats, schedules):
        start = self.start
        provisioning = self.shortest_scale_out_cooldown()
        caps = sorted({self.cap, start["maximum"]} | set(_spread(range(1, self.cap + 1), MAX_CAPACITY_CHOICES)))
        values = {
            "minimum": list(range(1, min(self.cap, 10) + 1)),
            "maximum": caps,
            "scale_out_threshold": stats["out_thresholds"],
            "scale_in_margin": list(SCALE_IN_MARGINS),
            "scale_out_step": list(SCALE_OUT_STEPS),
            "scale_in_step": list(SCALE_IN_STEPS),
            "scale_out_cooldown": [format_duration(provisioning + extra) for extra in (0, 300, 900)],
            "scale_in_cooldown": list(SCALE_IN_COOLDOWNS),
            "scale_out_window": list(SCALE_OUT_WINDOWS),
            "scale_in_window": list(SCALE_IN_WINDOWS),
            "peak_minimum": [0] + (list(range(2, min(self.cap, 10) + 1)) if schedules and self.pattern else []),
        }
        for name, value in start.items():
            if value not in values[name]:
                values[name] = sorted(values[name] + [value], key=_sort_key)
        return values

    @staticmethod
    def flapping_limit(point):
        """The scale-in threshold at and above which scaling in to the minimum flaps: from minimum + step the engine
        projects the metric to observed x (minimum + step) / minimum, which must stay below the scale-out threshold
        (the lint's rule)."""
        return point["scale_out_threshold"] * point["minimum"] / float(point["minimum"] + point["scale_in_step"])

    def scale_in_threshold(self, point):
        """The scale-in threshold of a point: its margin of the flapping limit, whole for percentages."""
        value = point["scale_in_margin"] * self.flapping_limit(point)
        return int(math.floor(round(value, 2))) if self.integer_thresholds else _significant(value)

    def shortest_scale_out_cooldown(self):
        """The provisioning time rounded up to 5 minutes, at least 5 minutes (the lint's floor for scale-out cooldowns)."""
        return max(300, _round_up(self.provisioning, 300))

    def policy(self, point):
        """The point as a policy in the role's vocabulary (autoscale_state's O(policy), the role's variables unprefixed)."""
        out_template, in_template = self.templates
        rules = [
            dict(out_template, operator=self.out_operator, threshold=point["scale_out_threshold"], direction="Increase",
                 type="ChangeCount", value=point["scale_out_step"], cooldown=point["scale_out_cooldown"],
                 time_window=point["scale_out_window"]),
            dict(in_template, operator=self.in_operator, threshold=self.scale_in_threshold(point), direction="Decrease",
                 type="ChangeCount", value=point["scale_in_step"], cooldown=point["scale_in_cooldown"],
                 time_window=point["scale_in_window"]),
        ]
        fixed = point["minimum"] == point["maximum"]      # a fixed count needs no rules (and the lints refuse rules there)
        policy = {"default_profile_name": self.default_profile_name,
                  "capacity": {"minimum": point["minimum"], "maximum": point["maximum"], "default": point["minimum"]},
                  "rules": [] if fixed else rules, "profiles": []}
        if point["peak_minimum"]:
            peak = point["peak_minimum"]
            policy["profiles"].append({
                "name": PEAK_PROFILE, "capacity": {"minimum": peak, "maximum": point["maximum"], "default": peak},
                "recurrence": {"days": list(self.pattern["days"]), "time_zone": "UTC", "start": self.pattern["start"],
                               "end": self.pattern["end"]},
                "rules": [] if peak == point["maximum"] else [dict(rule) for rule in rules]})
        return policy

    def valid(self, point):
        """Whether a point is a policy at all (before lints): ordered capacity and thresholds."""
        lowest = point["peak_minimum"] or point["minimum"]
        return (point["minimum"] <= point["maximum"] and 0 < self.scale_in_threshold(point) < point["scale_out_threshold"]
                and (not point["peak_minimum"] or point["minimum"] < point["peak_minimum"] <= point["maximum"])
                and all(point[step] == 1 or point[step] <= point["maximum"] - lowest for step in ("scale_out_step", "scale_in_step")))


def _round_up(seconds, unit):
    return int(math.ceil(seconds / float(unit))) * unit


def _sort_key(value):
    return parse_duration(value, "value") if isinstance(value, str) else value


def _spread(values, count):
    values = list(values)
    if len(values) <= count:
        return values
    return [values[round(index * (len(values) - 1) / (count - 1.0))] for index in range(count)]


# ---------------------------------------------------------------- what the history shows

def _quantile(ordered, share):
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def _significant(value):
    """Three significant digits, so thresholds read like ones a person writes."""
    if value == 0:
        return 0.0
    digits = 2 - int(math.floor(math.log10(abs(value))))
    return round(value, max(0, digits))


def history_stats(load, recorded, metric_name, per_instance):
    """Threshold grids and the daily pattern of the search part.

    ``load`` is [(epoch minute, value)] of the scaling metric over the search part, ``recorded`` the recorded instance
    count at those minutes (or None); a per-instance metric times the count is the deployment's load.
    """
    values = sorted(value for _minute, value in load if value is not None)
    if metric_name.lower().endswith("percentage"):
        out_thresholds = list(PERCENT_SCALE_OUT)
    else:
        out_thresholds = sorted({_significant(_quantile(values, share)) for share in QUANTILES_SCALE_OUT} if values else {1.0})
    demand = []
    for (minute, value), count in zip(load, recorded or [None] * len(load)):
        if value is not None:
            demand.append((minute, value * count if per_instance and count else value))
    return {"out_thresholds": out_thresholds, "integer_thresholds": metric_name.lower().endswith("percentage"),
            "pattern": daily_pattern(demand)}


def daily_pattern(demand):
    """The peak hours (UTC) of a daily pattern in [(epoch minute, load)], or None when the load has none.

    Hours whose mean load is above the midpoint of the quietest and busiest hour's make the peak; the longest such run
    of hours within a day is its span. Weekdays only when weekends carry less than 80 % of the weekdays' load.
    """
    by_hour, weekday, weekend = [[] for _hour in range(24)], [], []
    for minute, value in demand:
        day = (minute // 1440 + 3) % 7        # day 0 of the epoch was a Thursday; 0 = Monday
        (weekend if day >= 5 else weekday).append(value)
        if day < 5:
            by_hour[(minute % 1440) // 60].append(value)
    means = [sum(values) / len(values) if values else None for values in by_hour]
    known = [mean for mean in means if mean is not None]
    if len(known) < 24 or min(known) <= 0 or max(known) < PATTERN_RATIO * min(known):
        return None
    middle = (min(known) + max(known)) / 2.0
    best, run_start = (0, 0), None
    for hour in range(25):
        if hour < 24 and means[hour] >= middle:
            run_start = hour if run_start is None else run_start
        elif run_start is not None:
            best = max(best, (hour - run_start, run_start))
            run_start = None
    length, first = best
    weekdays_only = weekend and sum(weekend) / len(weekend) < 0.8 * sum(weekday) / len(weekday)
    end = first + length
    return {"days": WEEKDAYS if weekdays_only else ALL_DAYS, "start": "{0:02d}:00".format(first),
            "end": "23:59" if end >= 24 else "{0:02d}:00".format(end), "ratio": round(max(known) / min(known), 2)}


# ---------------------------------------------------------------- judging a policy

def figures(result, halves_at=None):
    """The figures of a replay the search and the result compare; with ``halves_at`` (an epoch minute) also the SLO
    breach minutes before and from it (``slo_minutes_by_half``)."""
    summary = result["summary"]
    measured = {name: summary.get(name) for name in FIGURES if name in summary}
    measured["scale_events"] = summary["scale_outs"] + summary["scale_ins"]
    measured["slo_minutes_breached"] = summary.get("slo_minutes_breached") or 0
    if halves_at is not None:
        breaches = result.get("slo_breaches") or []
        early = sum(1 for minute in breaches if minute < halves_at)
        measured["slo_minutes_by_half"] = [early, len(breaches) - early]
    return measured


def within(measured, budgets):
    """Whether the figures stay within the budgets: SLO breach minutes (over the search part and over each of its
    halves, so that a candidate cannot buy its savings with the breaches of one stretch) and scale events."""
    halves = zip(measured.get("slo_minutes_by_half") or [], budgets.get("slo_minutes_by_half") or [])
    return (measured["slo_minutes_breached"] <= budgets["slo_minutes_breached"] and measured["scale_events"] <= budgets["scale_events"]
            and all(used <= allowed for used, allowed in halves))


def rank(measured, budgets):
    """Sort key: candidates within budgets first, by instance-hours; others by how far over budget they are."""
    pairs = [(measured[name], budgets[name]) for name in ("slo_minutes_breached", "scale_events")]
    pairs.extend(zip(measured.get("slo_minutes_by_half") or [], budgets.get("slo_minutes_by_half") or []))
    over = sum(max(0.0, used - allowed) / max(1.0, allowed) for used, allowed in pairs)
    return (0 if within(measured, budgets) else 1, round(over, 6), measured["instance_hours"], measured["slo_minutes_breached"],
            measured["scale_events"])


class Search:
    """A coordinate descent over ``space`` from its start; ``replay(policy) -> (figures, lint findings)``."""

    def __init__(self, space, replay, budgets, max_replays, seed):
        self.space, self.replay, self.budgets = space, replay, budgets
        self.max_replays, self.random = max_replays, random.Random(seed)
        self.tried = {}          # point key -> figures, or None when a lint rejected it
        self.replays = 0
        self.rejected = 0

    def measure(self, point):
        """The figures of a point (cached), or None when it is no policy, a lint rejects it, or the budget is spent."""
        key = tuple(sorted(point.items()))
        if key in self.tried:
            return self.tried[key]
        if not self.space.valid(point) or self.replays >= self.max_replays:
            return None
        measured, findings = self.replay(self.space.policy(point))
        if findings:
            self.rejected += 1
            measured = None
        else:
            self.replays += 1
        self.tried[key] = measured
        return measured

    def run(self):
        """``(best point, its figures)``; figures None when no candidate passes the lints."""
        best = dict(self.space.start)
        best_figures = self.measure(best)
        order = list(DIMENSIONS)
        improved = True
        while improved and self.replays < self.max_replays:
            improved = False
            for name in order:
                for value in self.space.values[name]:
                    if value == best[name]:
                        continue
                    point = dict(best, **{name: value})
                    measured = self.measure(point)
                    if measured is not None and (best_figures is None or self._key(point, measured) < self._key(best, best_figures)):
                        best, best_figures, improved = point, measured, True
            self.random.shuffle(order)
        return best, best_figures

    def _key(self, point, measured):
        """The rank of a point's figures; among equals the lower minimum, which leaves the rules room to save."""
        return rank(measured, self.budgets) + (point["minimum"], point["peak_minimum"])

    def cheapest_over_budget(self, best_figures):
        """The figures of the cheapest candidate tried that uses fewer instance-hours than the best but breaks a budget."""
        over = [measured for measured in self.tried.values() if measured and not within(measured, self.budgets)
                and best_figures and measured["instance_hours"] < best_figures["instance_hours"]]
        return min(over, key=lambda measured: measured["instance_hours"]) if over else None


def improves(best, current, budgets):
    """Whether the best candidate is worth a change: within budgets where the live policy is not, or within budgets and
    at least ``MIN_SAVING`` of the live policy's instance-hours cheaper (a smaller saving is noise of the model)."""
    if best is None or not within(best, budgets):
        return False
    if not within(current, budgets):
        return True
    return best["instance_hours"] <= current["instance_hours"] * (1 - MIN_SAVING)


def host_vars(policy):
    """The policy as the role endpoint_autoscale's host variables."""
    return {ROLE_PREFIX + key: value for key, value in policy.items()}


def default_rule(deployment_id):
    """The rule the search scales on when the deployment has no live policy: CPU of the deployment (canonical form)."""
    rule = {name: field.get("default") for name, field in RULE.items()}
    rule.update({"metric_name": DEFAULT_METRIC, "metric_resource": "deployment", "metric_resource_uri": deployment_id,
                 "operator": "GreaterThan", "threshold": 70, "direction": "Increase", "dimensions": []})
    return rule


def explain(result, over_budget, live_findings):
    """Why the recommendation saves what it saves (or not): sentences for the operator."""
    notes = []
    search_current, search_best = result["search"]["current"], result["search"]["recommended"]
    budgets, held = result["search"]["budgets"], result["held_out"]
    if live_findings:
        codes = ", ".join(sorted({finding["code"] for finding in live_findings}))
        notes.append("The live policy does not pass the lints ({0}); {1}.".format(
            codes, "the recommendation keeps it, so fix them by hand" if result["keeps_live"] else "the recommendation does"))
    if result["keeps_live"]:
        notes.append("No policy of the search space saved {0:g} % or more of the live policy's instance-hours within the "
                     "budgets over the search part of the window ({1} instance-hours, {2} SLO breach minutes, {3} scale "
                     "events): the recommendation is the live policy.".format(
                         MIN_SAVING * 100, search_current["instance_hours"], search_current["slo_minutes_breached"],
                         search_current["scale_events"]))
    if over_budget:
        notes.append("The budgets bind: over the search part the cheapest policy tried used {0} instance-hours against {1}, but "
                     "breached the SLO for {2} minutes (budget {3}) with {4} scale events (budget {5}).".format(
                         over_budget["instance_hours"], search_best["instance_hours"], over_budget["slo_minutes_breached"],
                         budgets["slo_minutes_breached"], over_budget["scale_events"], budgets["scale_events"]))
    if search_current["mean_instances"] is not None and search_current["mean_instances"] < 1.2:
        notes.append("The live policy already runs at about one instance ({0} on average), the least an online deployment "
                     "can run.".format(search_current["mean_instances"]))
    if held["recommended"]["slo_minutes_breached"] > held["current"]["slo_minutes_breached"]:
        notes.append("On the held-out part the recommendation breached the SLO for more minutes ({0}) than the live policy "
                     "({1}): the held-out history differs from what the search saw; widen the window or tighten the budget.".format(
                         held["recommended"]["slo_minutes_breached"], held["current"]["slo_minutes_breached"]))
    return notes


# ---------------------------------------------------------------- the whole recommendation

def window_record(first, minutes):
    """A part of the window as the result shows it."""
    return {"start": _engine.iso_minute(first), "end": _engine.iso_minute(first + minutes), "minutes": minutes}


def budgets_for(current, minutes, given):
    """The SLO breach minutes (in all and per half) and scale events a candidate may have over ``minutes`` of search:
    ``given`` per day, else the live policy's; for scale events at least ``CALM_EVENTS_PER_DAY`` a day (a policy that
    follows a daily cycle scales out and in every day, and the live policy may be one that never scales: a fixed count,
    or a minimum it never leaves)."""
    days = minutes / 1440.0
    given = given or {}
    slo, per_day_events = given.get("slo_minutes_per_day"), given.get("scale_events_per_day")
    halves = [minutes // 2, minutes - minutes // 2]
    return {"slo_minutes_breached": int(slo * days) if slo is not None else current["slo_minutes_breached"],
            "slo_minutes_by_half": [int(slo * half / 1440.0) for half in halves] if slo is not None
            else list(current["slo_minutes_by_half"]),
            "scale_events": int(per_day_events * days) if per_day_events is not None
            else max(current["scale_events"], int(CALM_EVENTS_PER_DAY * days))}


def _values_over(metrics, rule, part):
    """[(epoch minute, value)] of a rule's metric over a part of the window, as recorded."""
    first, minutes = part
    series = metrics.get(_engine.series_key(rule["metric_resource_uri"], rule["metric_name"], rule.get("dimensions")))
    values = window_values(series, _engine.STATISTIC_AGGREGATION.get(rule["statistic"], "Average"), first, minutes)
    return [(first + index, value) for index, value in enumerate(values)]


class _Replayer:
    """Replays settings over the parts of the window with the engine, and judges candidate policies."""

    def __init__(self, inputs, engine_params):
        self.inputs, self.params = inputs, engine_params
        self.provisioning = parse_duration(engine_params["provisioning_delay"], "parameters.provisioning_delay")

    def replay(self, setting, part, keep_series=False):
        """The engine's result for a setting over a part (first minute, minutes)."""
        first, minutes = part
        return _engine.simulate(setting, self.inputs["metrics"], first * 60, (first + minutes) * 60, self.params,
                                observed_capacity=self.inputs["observed"], slo=self.inputs["slo"], keep_series=keep_series)

    def setting(self, policy):
        """The canonical setting of a candidate policy; ValueError when the search made one Azure would refuse."""
        try:
            return _model.setting_from_policy(policy, self.inputs["target_ids"], self.inputs["name"], root="recommendation")
        except ValueError as error:
            raise ValueError("A candidate of the search is not a valid setting ({0}); please report it: {1}".format(error, policy)) from error

    def judge(self, part):
        """``judge(policy) -> (figures or None, lint findings)`` over a part, for Search."""
        def candidate(policy):
            setting = self.setting(policy)
            findings = lint_setting(setting, provisioning_time=self.provisioning)
            return (None, findings) if findings else (figures(self.replay(setting, part), part[0] + part[1] // 2), [])
        return candidate


def recommend(inputs, engine_params, parts, options):
    """The recommendation: ``(result, held-out replays by label, settings by label)``.

    ``inputs``: live (setting or None), baseline (the live setting, or the fixed count's), fixed_count, target_ids,
    name, metrics, observed, slo (as _engine.simulate takes them). ``parts``: (search, held out), each (first epoch
    minute, minutes). ``options``: budgets, maximum_instances, schedules, max_replays, seed (the module's options).
    """
    search_part, held_part = parts
    replayer = _Replayer(inputs, engine_params)
    live, baseline = inputs["live"], inputs["baseline"]
    current = figures(replayer.replay(baseline, search_part), search_part[0] + search_part[1] // 2)
    budgets = budgets_for(current, search_part[1], options["budgets"])
    rule = default_rule(inputs["target_ids"].deployment_id)
    template = rule_templates(live, rule)[0]
    observed = inputs["observed"]
    recorded = window_values(observed, "Average", *search_part) if observed else None
    per_instance = template["metric_name"].lower() in {metric.lower() for metric in engine_params["per_instance_metrics"]}
    stats = history_stats(_values_over(inputs["metrics"], template, search_part), recorded, template["metric_name"], per_instance)
    space = Space(live, inputs["fixed_count"] or 1, rule, stats, {
        "provisioning_time": replayer.provisioning, "maximum_instances": options["maximum_instances"], "schedules": options["schedules"]})
    search = Search(space, replayer.judge(search_part), budgets, options["max_replays"], options["seed"])
    best, best_figures = search.run()
    keeps_live = not improves(best_figures, current, budgets)
    if keeps_live:
        policy, recommended, best_figures = _model.policy_from_setting(baseline), baseline, current
    else:
        policy = space.policy(best)
        recommended = replayer.setting(policy)
    settings = {"current": baseline, "recommended": recommended}
    held = {label: replayer.replay(setting, held_part, keep_series=True) for label, setting in settings.items()}
    held_figures = {label: figures(result) for label, result in held.items()}
    result = {
        "policy": policy, "host_vars": host_vars(policy), "keeps_live": keeps_live,
        "search": {"window": window_record(*search_part), "budgets": budgets, "current": current, "recommended": best_figures,
                   "replays": search.replays, "rejected_by_lints": search.rejected, "seed": options["seed"],
                   "space": space.values, "start": space.start, "best": best, "pattern": space.pattern},
        "held_out": dict(window=window_record(*held_part), **held_out_comparison(held_figures)),
    }
    result["notes"] = explain(result, search.cheapest_over_budget(best_figures),
                              lint_setting(live, provisioning_time=replayer.provisioning) if live else [])
    return result, held, settings


def held_out_comparison(held_figures):
    """The held-out figures of both policies, the share of instance-hours saved, and whether the SLO did no worse."""
    current, recommended = held_figures["current"], held_figures["recommended"]
    saved = current["instance_hours"] - recommended["instance_hours"]
    return {"current": current, "recommended": recommended,
            "instance_hours_saved_percent": round(100.0 * saved / current["instance_hours"], 1) if current["instance_hours"] else 0.0,
            "slo_no_worse": recommended["slo_minutes_breached"] <= current["slo_minutes_breached"]}
