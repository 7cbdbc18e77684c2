# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Policy lints: settings Azure accepts that will not scale as intended (see notes on the autoscale engine)."""

from __future__ import annotations

from ansible_collections.mlops.autoscale.plugins.module_utils._durations import format_duration, parse_duration
from ansible_collections.mlops.autoscale.plugins.module_utils._engine import rule_direction, rule_result
from ansible_collections.mlops.autoscale.plugins.module_utils._model import (
    ENDPOINT_METRICS_WITH_DEPLOYMENT_DIMENSION, display_name, end_profiles_of, profile_label, rule_identity,
)

DEFAULT_QUOTA_INSTANCES = 50
MIN_RELIABLE_WINDOW = 300
SCALE_OUT_OPERATORS = ("GreaterThan", "GreaterThanOrEqual")
SCALE_IN_OPERATORS = ("LessThan", "LessThanOrEqual")


def _finding(code, path, message, fix):
    return {"code": code, "path": path, "message": message, "fix": fix}


def _directions(rule, capacity):
    """The ways a rule scales at some count of the profile's range (the engine's answer: an ExactCount rule scales out
    below its value and in above it)."""
    return {rule_direction(rule, count) for count in range(capacity["minimum"], capacity["maximum"] + 1)} - {None}


def _projection_flaps(projected, scale_in, scale_out):
    if projected > scale_out["threshold"]:
        return True
    return projected == scale_out["threshold"] and scale_in["operator"] == "LessThanOrEqual" and scale_out["operator"] == "GreaterThanOrEqual"


def _flapping(path, scale_in, scale_out, capacity):
    """The engine projects observed x current / new before a scale-in; if that reaches the scale-out threshold it flaps."""
    steps = []
    for count in range(capacity["minimum"] + 1, capacity["maximum"] + 1):
        if rule_direction(scale_in, count) != "Decrease":
            continue
        new = max(capacity["minimum"], rule_result(scale_in, count))
        if 0 < new < count and rule_direction(scale_out, new) == "Increase" and _projection_flaps(
                scale_in["threshold"] * count / new, scale_in, scale_out):
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


def _rule_lints(path, index, rule, provisioning_time, target):
    where = "{0}.rules[{1}]".format(path, index)
    findings = _dimension_lints(where, rule, target)
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
    if (rule["direction"] == "Increase" or rule["type"] == "ExactCount") and cooldown < provisioning_time:
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


def _dimension_lints(where, rule, target):
    """An endpoint metric that carries a ``deployment`` dimension, read without it, counts every deployment's traffic."""
    if (rule["metric_resource"] != "endpoint" or rule["metric_name"] not in ENDPOINT_METRICS_WITH_DEPLOYMENT_DIMENSION or not target
            or any(item["name"].lower() == "deployment" for item in rule["dimensions"])):
        return []
    return [_finding(
        "endpoint-metric-without-deployment-dimension", where + ".dimensions",
        "{0} of endpoint {1} counts the requests of every deployment behind it: without a deployment dimension this rule "
        "scales deployment {2} on the whole endpoint's traffic, other deployments' included.".format(
            rule["metric_name"], target["endpoint"], target["deployment"]),
        "Add dimensions: [{{name: deployment, operator: Equals, values: [{0}]}}].".format(target["deployment"]))]


def _profile_lints(profile, provisioning_time, target):
    path = profile_label(profile)
    capacity, rules = profile["capacity"], profile["rules"]
    findings = []
    for index, rule in enumerate(rules):
        findings.extend(_rule_lints(path, index, rule, provisioning_time, target))
    scale_out = [rule for rule in rules if "Increase" in _directions(rule, capacity) and rule["operator"] in SCALE_OUT_OPERATORS]
    scale_in = [rule for rule in rules if "Decrease" in _directions(rule, capacity) and rule["operator"] in SCALE_IN_OPERATORS]
    for rule_in in scale_in:
        for rule_out in scale_out:
            if rule_identity(rule_in)[:-1] == rule_identity(rule_out)[:-1]:
                findings.extend(_flapping(path + ".rules", rule_in, rule_out, capacity))
    directions = set()
    for rule in rules:
        directions |= _directions(rule, capacity)
    if capacity["minimum"] < capacity["maximum"] and len(directions & {"Increase", "Decrease"}) == 1:
        only = "Increase" if "Increase" in directions else "Decrease"
        findings.append(_finding(
            "scale-out-without-scale-in" if only == "Increase" else "scale-in-without-scale-out", path + ".rules",
            "Profile {0!r} only has {1} rules: the count {2} and never comes back.".format(
                display_name(profile["name"]), "scale-out" if only == "Increase" else "scale-in", "rises" if only == "Increase" else "falls"),
            "Add a matching {0} rule.".format("scale-in (Decrease)" if only == "Increase" else "scale-out (Increase)")))
    if capacity["minimum"] == capacity["maximum"] and rules:
        findings.append(_finding(
            "fixed-size-with-rules", path + ".rules",
            "Profile {0!r} has minimum = maximum = {1}: its rules can never act.".format(display_name(profile["name"]), capacity["minimum"]),
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
                    "recurring-profiles-same-start", profile_label(second) + ".recurrence.start",
                    "Profiles {0!r} and {1!r} both start at {2} ({3}) on {4}: which one wins is undocumented.".format(
                        display_name(first["name"]), display_name(second["name"]), one["start"], one["time_zone"], ", ".join(shared)),
                    "Give them different days or start times, or merge them."))
    return findings


def _endless_recurrence_lints(profiles):
    """With recurring profiles and none that ends, the default profile never applies again after the first start."""
    recurring = [profile for profile in profiles if profile.get("recurrence")]
    defaults = [profile for profile in profiles if not profile.get("recurrence") and not profile.get("fixed_date")]
    if not recurring or not defaults or any(profile["recurrence"].get("end") for profile in recurring) or end_profiles_of(profiles):
        return []
    first = recurring[0]
    return [_finding(
        "recurrence-without-end", profile_label(first) + ".recurrence.end",
        "Azure keeps a recurring profile active until the next profile starts, and no profile here ends {0!r}: once it "
        "starts, the default profile {1!r} never applies again.".format(first["name"], defaults[0]["name"]),
        "Give {0!r} recurrence.end (the end profile the portal and the Azure CLI add restores the default profile then).".format(
            first["name"]))]


def _notification_lints(block):
    findings = []
    if block and (block["send_to_subscription_administrator"] or block["send_to_subscription_co_administrators"]):
        findings.append(_finding(
            "classic-administrator-emails", "notifications.send_to_subscription_administrator",
            "Azure retired the classic subscription administrator and co-administrator roles on 2024-08-31: these e-mails "
            "reach nobody, and Azure refuses to save a setting that asks for them (SendEmailsToAdminCoAdminsNotSupported, "
            "since 2024-04-03).",
            "Set send_to_subscription_administrator and send_to_subscription_co_administrators to false and list the people "
            "in custom_emails, call a webhook, or alert an action group on the setting's ScaleActionsInitiated metric."))
    for index, webhook in enumerate((block or {}).get("webhooks") or []):
        if webhook["service_uri"].lower().startswith("http://"):
            findings.append(_finding(
                "webhook-without-https", "notifications.webhooks[{0}].service_uri".format(index),
                "Azure posts every scale notification, with the setting's and the resource's names, to this http:// URL in "
                "clear text.", "Use an https:// URL."))
    return findings


def lint_setting(setting, *, provisioning_time=900):
    """Findings ``{code, path, message, fix}`` for a vocabulary setting; ``provisioning_time`` in seconds."""
    findings = []
    for profile in setting["profiles"]:
        findings.extend(_profile_lints(profile, provisioning_time, setting.get("target")))
    findings.extend(_same_start_lints(setting["profiles"]))
    findings.extend(_endless_recurrence_lints(setting["profiles"]))
    findings.extend(_notification_lints(setting.get("notifications")))
    return findings
