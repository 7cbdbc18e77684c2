# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Semantic comparison of two vocabulary settings: what decides ``changed`` and fills ``diff``."""

from __future__ import annotations

from collections import Counter

from ansible_collections.mlops.autoscale.plugins.module_utils._model import END_PROFILE_DIFFERS, id_key, mask_secrets, render, rule_key


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

    def get_before(self):
        """The before values keyed by path."""
        return {item["path"]: item["before"] for item in self.differences}

    def get_after(self):
        """The after values keyed by path."""
        return {item["path"]: item["after"] for item in self.differences}


def _notification_key(block):
    if block is None:
        return None
    webhooks = Counter((webhook["service_uri"], tuple(sorted(webhook["properties"].items()))) for webhook in block["webhooks"])
    return (block["send_to_subscription_administrator"], block["send_to_subscription_co_administrators"],
            sorted(email.lower() for email in block["custom_emails"]), webhooks)


def _schedule_key(schedule):
    if not schedule:
        return None
    return dict(schedule, time_zone=(schedule.get("time_zone") or "").lower(), days=sorted(schedule.get("days") or []))


def _compare_profiles(tracker, before, after):
    before_by_name = {profile["name"]: profile for profile in before}
    after_by_name = {profile["name"]: profile for profile in after}
    names = [profile["name"] for profile in before] + [profile["name"] for profile in after if profile["name"] not in before_by_name]
    for name in names:
        path = "profiles.{0}".format(name)
        old, new = before_by_name.get(name), after_by_name.get(name)
        if old is None or new is None:
            tracker.add(path, old and render({"profiles": [old]})["profiles"][0], new and render({"profiles": [new]})["profiles"][0])
            continue
        for key in ("minimum", "maximum", "default"):
            if old["capacity"][key] != new["capacity"][key]:
                tracker.add("{0}.capacity.{1}".format(path, key), old["capacity"][key], new["capacity"][key])
        for key in ("recurrence", "fixed_date"):
            if _schedule_key(old.get(key)) != _schedule_key(new.get(key)):
                tracker.add("{0}.{1}".format(path, key), old.get(key), new.get(key))
        if old.get(END_PROFILE_DIFFERS) != new.get(END_PROFILE_DIFFERS):
            tracker.add(path + ".end_profile", "differs from the default profile" if old.get(END_PROFILE_DIFFERS) else "in sync",
                        "differs from the default profile" if new.get(END_PROFILE_DIFFERS) else "in sync")
        if Counter(map(rule_key, old["rules"])) != Counter(map(rule_key, new["rules"])):
            tracker.add(path + ".rules", old["rules"], new["rules"])


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
    if _notification_key(before.get("notifications")) != _notification_key(after.get("notifications")):
        tracker.add("notifications", mask_secrets(before)["notifications"], mask_secrets(after)["notifications"])
    _compare_profiles(tracker, before["profiles"], after["profiles"])
    return tracker
