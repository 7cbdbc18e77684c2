# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Semantic comparison of two vocabulary settings: what decides ``changed`` and fills ``diff``.

Every difference is recorded under the path of what differs (``profiles.weekend.recurrence``,
``profiles.default.rules[CpuUtilizationPercentage deployment Increase].threshold``), so that ``--diff`` shows the cause
and only the cause.
"""

from __future__ import annotations

from ansible_collections.mlops.autoscale.plugins.module_utils._model import (
    DEPLOYMENT_METRICS, OPERATOR_SIGNS, id_key, mask_secrets, notification_key, profile_label, render, rule_identity, rule_key, schedule_key,
)

RULE_FIELDS = ("statistic", "time_grain", "time_window", "time_aggregation", "operator", "threshold", "divide_per_instance", "type",
               "value", "cooldown")


class DifferenceTracker:
    """Differences by path, as community.docker's tracker: ``changed`` is any difference; ``diff`` is before/after."""

    def __init__(self):
        self.differences = []

    def add(self, path, before, after):
        """Record that ``path`` changes from ``before`` to ``after``."""
        self.differences.append({"path": path, "before": before, "after": after})

    def has_differences(self):
        """Whether anything differs."""
        return bool(self.differences)

    def paths(self):
        """The paths that differ, in order."""
        return [item["path"] for item in self.differences]

    def get_before(self):
        """The before values keyed by path."""
        return {item["path"]: item["before"] for item in self.differences}

    def get_after(self):
        """The after values keyed by path."""
        return {item["path"]: item["after"] for item in self.differences}


def _rule_label(rule):
    """``[CpuUtilizationPercentage > 70 Increase]``, with the metric resource, namespace and dimensions when they are not the usual."""
    parts = [rule["metric_name"], OPERATOR_SIGNS.get(rule["operator"], rule["operator"]), "{0:g}".format(float(rule["threshold"])), rule["direction"]]
    if rule["metric_resource"] not in ("deployment", "endpoint"):
        parts.append("on " + rule["metric_resource_uri"])
    elif rule["metric_resource"] == "endpoint" and rule["metric_name"] in DEPLOYMENT_METRICS:
        parts.append("on endpoint")
    if rule["metric_namespace"]:
        parts.append("namespace " + rule["metric_namespace"])
    parts.extend("where {0} {1} {2}".format(item["name"], "==" if item["operator"] == "Equals" else "!=", "|".join(item["values"]))
                 for item in rule["dimensions"])
    return "[{0}]".format(" ".join(parts))


def _unmatched(rules, others):
    """The rules of ``rules`` that ``others`` does not hold (as many times as they are missing)."""
    remaining = [rule_key(rule) for rule in others]
    result = []
    for rule in rules:
        key = rule_key(rule)
        if key in remaining:
            remaining.remove(key)
        else:
            result.append(rule)
    return result


def _compare_rules(tracker, path, before, after):
    removed, added = _unmatched(before, after), _unmatched(after, before)
    for old in list(removed):
        new = next((rule for rule in added if rule_identity(rule) == rule_identity(old)), None)
        if new is None:
            continue
        removed.remove(old)
        added.remove(new)
        for field in RULE_FIELDS:
            if old[field] != new[field]:
                tracker.add("{0}.rules{1}.{2}".format(path, _rule_label(new), field), old[field], new[field])
    for rule in removed:
        tracker.add("{0}.rules{1}".format(path, _rule_label(rule)), rule, None)
    for rule in added:
        tracker.add("{0}.rules{1}".format(path, _rule_label(rule)), None, rule)


def _compare_profiles(tracker, before, after):
    before_by_name = {profile["name"]: profile for profile in before}
    after_by_name = {profile["name"]: profile for profile in after}
    names = [profile["name"] for profile in before] + [profile["name"] for profile in after if profile["name"] not in before_by_name]
    for name in names:
        old, new = before_by_name.get(name), after_by_name.get(name)
        path = profile_label(old or new)
        if old is None or new is None:
            tracker.add(path, render({"profiles": [old]})["profiles"][0] if old else None,
                        render({"profiles": [new]})["profiles"][0] if new else None)
            continue
        for key in ("minimum", "maximum", "default"):
            if old["capacity"][key] != new["capacity"][key]:
                tracker.add("{0}.capacity.{1}".format(path, key), old["capacity"][key], new["capacity"][key])
        for key in ("recurrence", "fixed_date"):
            if schedule_key(old.get(key)) != schedule_key(new.get(key)):
                tracker.add("{0}.{1}".format(path, key), old.get(key), new.get(key))
        _compare_rules(tracker, path, old["rules"], new["rules"])


def compare(before, after):
    """Differences between two vocabulary settings (None = absent): ids and namespaces case-insensitive, rules as multisets."""
    tracker = DifferenceTracker()
    if before is None or after is None:
        if before is not after:
            tracker.add("setting", render(before), render(after))
        return tracker
    scalars = (
        ("location", lambda setting: (setting.get("location") or "").replace(" ", "").lower()),
        ("target_id", lambda setting: id_key(setting.get("target_id"))),
        ("enabled", lambda setting: setting.get("enabled")),
        ("tags", lambda setting: setting.get("tags") or {}),
        ("predictive_policy", lambda setting: setting.get("predictive_policy")),
    )
    for path, key in scalars:
        if key(before) != key(after):
            tracker.add(path, before.get(path), after.get(path))
    if notification_key(before.get("notifications")) != notification_key(after.get("notifications")):
        tracker.add("notifications", mask_secrets(before)["notifications"], mask_secrets(after)["notifications"])
    _compare_profiles(tracker, before["profiles"], after["profiles"])
    return tracker
