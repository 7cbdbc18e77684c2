# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Policy lints: settings Azure accepts that will not scale as intended (see notes on the autoscale engine)."""

from __future__ import annotations

from ansible_collections.mlops.autoscale.plugins.module_utils._durations import format_duration, parse_duration
from ansible_collections.mlops.autoscale.plugins.module_utils._model import rule_identity

DEFAULT_QUOTA_INSTANCES = 50
MIN_RELIABLE_WINDOW = 300
SCALE_OUT_OPERATORS = ("GreaterThan", "GreaterThanOrEqual")
SCALE_IN_OPERATORS = ("LessThan", "LessThanOrEqual")


def _finding(code, path, message, fix):
    return {"code": code, "path": path, "message": message, "fix": fix}


def _count_after_scale_in(count, rule, minimum):
    if rule["type"] == "ChangeCount":
        target = count - rule["value"]
    elif rule["type"] == "PercentChangeCount":
        target = count - max(1, count * rule["value"] // 100)
    elif rule["type"] == "ExactCount":
        target = rule["value"]
    else:
        target = count - 1
    return max(minimum, target)


def _projection_flaps(projected, scale_in, scale_out):
    if projected > scale_out["threshold"]:
        return True
    return projected == scale_out["threshold"] and scale_in["operator"] == "LessThanOrEqual" and scale_out["operator"] == "GreaterThanOrEqual"


def _flapping(path, scale_in, scale_out, capacity):
    """The engine projects observed x current / new before a scale-in; if that reaches the scale-out threshold it flaps."""
    steps = []
    for count in range(capacity["minimum"] + 1, capacity["maximum"] + 1):
        new = _count_after_scale_in(count, scale_in, capacity["minimum"])
        if 0 < new < count and _projection_flaps(scale_in["threshold"] * count / new, scale_in, scale_out):
            steps.append((count, new))
    if not steps:
        return []
    safe = min(scale_out["threshold"] * new / count for count, new in steps)
    counts = ", ".join("{0}->{1}".format(count, new) for count, new in steps)
    return [_finding(
        "flapping-thresholds", path,
        "Scale-in at {0} {1} {2} projects the metric at or above the scale-out threshold ({3} {4}) when scaling in at {5} instances "
        "(projected = observed x current / new), so the engine skips those scale-ins (flapping).".format(
            scale_in["metric_name"], scale_in["operator"], scale_in["threshold"], scale_out["operator"], scale_out["threshold"], counts),
        "Lower the scale-in threshold below {0:.4g} or raise the scale-out threshold, or scale in by fewer instances.".format(safe))]


def _rule_lints(path, index, rule, provisioning_time):
    where = "{0}.rules[{1}]".format(path, index)
    findings = []
    if (rule["operator"] in SCALE_IN_OPERATORS and rule["direction"] == "Increase") or (
            rule["operator"] in SCALE_OUT_OPERATORS and rule["direction"] == "Decrease"):
        findings.append(_finding(
            "direction-contradicts-operator", where + ".direction",
            "{0} {1} {2} with direction {3}: the rule {4} when the metric is {5}.".format(
                rule["metric_name"], rule["operator"], rule["threshold"], rule["direction"],
                "adds instances" if rule["direction"] == "Increase" else "removes instances",
                "low" if rule["operator"] in SCALE_IN_OPERATORS else "high"),
            "Use direction {0} (or flip the operator).".format("Decrease" if rule["direction"] == "Increase" else "Increase")))
    cooldown = parse_duration(rule["cooldown"], where + ".cooldown")
    if rule["direction"] == "Increase" and cooldown < provisioning_time:
        findings.append(_finding(
            "cooldown-shorter-than-provisioning", where + ".cooldown",
            "Scale-out cooldown {0} is shorter than the provisioning time {1}: the engine may add instances again before the last ones "
            "serve traffic.".format(rule["cooldown"], format_duration(provisioning_time)),
            "Set cooldown to at least {0}.".format(format_duration(provisioning_time))))
    window, grain = parse_duration(rule["time_window"], where + ".time_window"), parse_duration(rule["time_grain"], where + ".time_grain")
    if window < MIN_RELIABLE_WINDOW:
        findings.append(_finding(
            "time-window-too-short", where + ".time_window",
            "time_window {0} is shorter than 5m: metrics arrive with a lag of minutes, so the window may hold no data.".format(rule["time_window"]),
            "Set time_window to 5m or more."))
    if window < grain:
        findings.append(_finding(
            "time-window-shorter-than-time-grain", where + ".time_window",
            "time_window {0} is shorter than time_grain {1}: the window cannot hold one grain.".format(rule["time_window"], rule["time_grain"]),
            "Set time_window to at least time_grain ({0}).".format(rule["time_grain"])))
    return findings


def _profile_lints(profile, provisioning_time):
    path = "profiles.{0}".format(profile["name"])
    capacity, rules = profile["capacity"], profile["rules"]
    findings = []
    for index, rule in enumerate(rules):
        findings.extend(_rule_lints(path, index, rule, provisioning_time))
    scale_out = [rule for rule in rules if rule["direction"] == "Increase" and rule["operator"] in SCALE_OUT_OPERATORS]
    scale_in = [rule for rule in rules if rule["direction"] == "Decrease" and rule["operator"] in SCALE_IN_OPERATORS]
    for rule_in in scale_in:
        for rule_out in scale_out:
            if rule_identity(rule_in)[:-1] == rule_identity(rule_out)[:-1]:
                findings.extend(_flapping(path + ".rules", rule_in, rule_out, capacity))
    directions = {rule["direction"] for rule in rules}
    if capacity["minimum"] < capacity["maximum"] and len(directions & {"Increase", "Decrease"}) == 1:
        only = "Increase" if "Increase" in directions else "Decrease"
        findings.append(_finding(
            "scale-out-without-scale-in" if only == "Increase" else "scale-in-without-scale-out", path + ".rules",
            "Profile {0!r} only has {1} rules: the count {2} and never comes back.".format(
                profile["name"], "scale-out" if only == "Increase" else "scale-in", "rises" if only == "Increase" else "falls"),
            "Add a matching {0} rule.".format("scale-in (Decrease)" if only == "Increase" else "scale-out (Increase)")))
    if capacity["minimum"] == capacity["maximum"] and rules:
        findings.append(_finding(
            "fixed-size-with-rules", path + ".rules",
            "Profile {0!r} has minimum = maximum = {1}: its rules can never act.".format(profile["name"], capacity["minimum"]),
            "Remove the rules, or widen the capacity range."))
    if capacity["maximum"] > DEFAULT_QUOTA_INSTANCES:
        findings.append(_finding(
            "maximum-above-default-quota", path + ".capacity.maximum",
            "maximum {0} is above the default quota of {1} instances per Azure ML deployment (and the cores quota must hold "
            "ceil(1.2 x instances) x cores per VM).".format(capacity["maximum"], DEFAULT_QUOTA_INSTANCES),
            "Request a quota increase, or lower maximum to {0}.".format(DEFAULT_QUOTA_INSTANCES)))
    return findings


def _same_start_lints(profiles):
    findings = []
    recurring = [profile for profile in profiles if profile.get("recurrence")]
    for position, first in enumerate(recurring):
        for second in recurring[position + 1:]:
            one, two = first["recurrence"], second["recurrence"]
            shared = [day for day in one["days"] if day in two["days"]]
            if shared and one["start"] == two["start"] and one["time_zone"] == two["time_zone"]:
                findings.append(_finding(
                    "recurring-profiles-same-start", "profiles.{0}.recurrence.start".format(second["name"]),
                    "Profiles {0!r} and {1!r} both start at {2} ({3}) on {4}: which one wins is undocumented.".format(
                        first["name"], second["name"], one["start"], one["time_zone"], ", ".join(shared)),
                    "Give them different days or start times, or merge them."))
    return findings


def lint_setting(setting, *, provisioning_time=900):
    """Findings ``{code, path, message, fix}`` for a vocabulary setting; ``provisioning_time`` in seconds."""
    findings = []
    for profile in setting["profiles"]:
        findings.extend(_profile_lints(profile, provisioning_time))
    findings.extend(_same_start_lints(setting["profiles"]))
    return findings
