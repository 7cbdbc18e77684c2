# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""The policy vocabulary: every option of a rule, profile, notification, target, replay and role variable, declared once.

Each field is a dict of facts: ``type``, ``elements``, ``required``, ``choices``, ``default``, ``aliases``, ``no_log``
(as Ansible argument specs take them), ``suboptions`` (another group of fields), ``range`` (inclusive bounds; seconds
for durations, None for unbounded), ``kind`` (``duration``), ``partial`` (its suboptions take neither ``required`` nor
``default``: they are merged under defaults first), ``wire`` (where the value goes in the ARM body of
``Microsoft.Insights/autoscalesettings``), ``description`` (the doc lines), and for replay parameters ``why`` (the
reason for the default), for role variables ``role_default`` (a defaults/main.yml value the spec cannot hold).

Everything else derives from here: the argument specs (_specs.py), the model's defaults, choices and ranges
(_model.py), the engine's parameters (_engine.py), the export's keys (plugin_utils/_export.py), and, through
``make regenerate`` (hacking/regenerate.py), the static text Ansible needs: doc_fragments/_policy.py, _target.py and
_simulate.py, the role's meta/argument_specs.yml and defaults/main.yml, and the parameter table of docs/simulation.md.
This file imports nothing, so that the generator can load it by path. The ARM emulator (tools/arm_emulator) keeps its
own copy of the service's limits on purpose: it stands for Azure, whose REST contract it follows, not for this code.
"""

from __future__ import annotations

# ---------------------------------------------------------------- the service's words and limits

STATISTICS = ("Average", "Min", "Max", "Sum", "Count")
TIME_AGGREGATIONS = ("Average", "Minimum", "Maximum", "Total", "Count", "Last")
OPERATORS = ("Equals", "NotEquals", "GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual")
DIRECTIONS = ("Increase", "Decrease", "None")
SCALE_TYPES = ("ChangeCount", "PercentChangeCount", "ExactCount", "ServiceAllowedNextValue")
DIMENSION_OPERATORS = ("Equals", "NotEquals")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SCALE_MODES = ("Disabled", "ForecastOnly", "Enabled")  # predictive autoscale

MAX_PROFILES = 20
MAX_RULES = 10
MAX_CAPACITY = 1000
MIN_ML_CAPACITY = 1
MAX_TAGS = 50  # Azure Resource Manager's limit per resource (the REST spec's description still says 15)
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
TIME_GRAIN_RANGE = (60, 12 * 3600)
TIME_WINDOW_RANGE = (60, 12 * 3600)
COOLDOWN_RANGE = (60, 7 * 86400)
MAX_INSTANCES_PER_DEPLOYMENT = 50  # Azure ML's default limit of instances per managed online deployment (raised on request)
DEFAULT_COOLDOWN = 15 * 60  # about the time a new Azure ML instance needs to be provisioned and pass its readiness probe


def _span(seconds):
    """``90`` -> ``1 minute 30 seconds``-style words for a duration bound, as the docs write them."""
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            count = seconds // size
            return "{0} {1}{2}".format(count, unit, "" if count == 1 else "s")
    raise ValueError(seconds)


def _between(bounds):
    """``from 1 minute to 12 hours`` for a range of seconds."""
    return "from {0} to {1}".format(_span(bounds[0]), _span(bounds[1]))


# ---------------------------------------------------------------- rules

DIMENSION = {
    "name": {
        "wire": "DimensionName", "type": "str", "required": True,
        "description": [
            "The dimension, for example V(deployment).",
        ],
    },
    "operator": {
        "wire": "Operator", "type": "str", "choices": DIMENSION_OPERATORS, "default": "Equals",
        "description": [
            "Whether the dimension must equal one of O(dimensions[].values) or none of them.",
        ],
    },
    "values": {
        "wire": "Values", "type": "list", "elements": "str", "required": True,
        "description": [
            "The dimension values; V(*) matches every value.",
        ],
    },
}

RULE = {
    "metric_name": {
        "wire": "metricTrigger.metricName", "type": "str", "required": True,
        "description": [
            "The metric, for example V(CpuUtilizationPercentage) (deployment) or V(RequestLatency) (endpoint).",
            "For online deployments and endpoints the name is checked against the metrics they emit.",
        ],
    },
    "metric_resource": {
        "wire": "metricTrigger.metricResourceUri", "type": "str",
        "description": [
            "The resource that emits the metric. V(deployment) (the target), V(endpoint) (the target's online "
            "endpoint), or any resource id.",
            "If not set, V(deployment) when online deployments emit the metric, else V(endpoint) when online "
            "endpoints emit it (for example V(RequestLatency)), else the target.",
        ],
    },
    "metric_namespace": {
        "wire": "metricTrigger.metricNamespace", "type": "str",
        "description": [
            "The metric namespace. If not set, the standard namespace of the metric resource (an empty namespace, as "
            "the Azure CLI writes it, means the same and is not a difference).",
        ],
    },
    "statistic": {
        "wire": "metricTrigger.statistic", "type": "str", "choices": STATISTICS, "default": "Average",
        "description": [
            "How the values of all instances are combined in one time grain.",
        ],
    },
    "time_grain": {
        "range": TIME_GRAIN_RANGE, "wire": "metricTrigger.timeGrain", "type": "str", "default": "1m",
        "description": [
            "The granularity of the metric, {0}.".format(_between(TIME_GRAIN_RANGE)),
            "A duration such as V(1m), V(1h30m), an ISO 8601 duration such as V(PT1M), or an integer of minutes.",
        ],
    },
    "time_window": {
        "range": TIME_WINDOW_RANGE, "wire": "metricTrigger.timeWindow", "type": "str", "default": "5m",
        "description": [
            "How far back the metric is aggregated, {0} (Azure documents 5 minutes as the "
            "least; shorter windows draw a warning).".format(_between(TIME_WINDOW_RANGE)),
            "A duration such as V(5m), V(PT5M) or an integer of minutes.",
        ],
    },
    "time_aggregation": {
        "wire": "metricTrigger.timeAggregation", "type": "str", "choices": TIME_AGGREGATIONS, "default": "Average",
        "description": [
            "How the time grains of the window are combined.",
        ],
    },
    "operator": {
        "wire": "metricTrigger.operator", "type": "str", "choices": OPERATORS,
        "description": [
            "How the aggregated metric is compared with O(threshold).",
        ],
    },
    "threshold": {
        "wire": "metricTrigger.threshold", "type": "float",
        "description": [
            "The value the metric is compared with.",
        ],
    },
    "dimensions": {
        "wire": "metricTrigger.dimensions", "type": "list", "elements": "dict", "default": [], "suboptions": DIMENSION,
        "description": [
            "Only the metric series whose dimensions match.",
        ],
    },
    "divide_per_instance": {
        "wire": "metricTrigger.dividePerInstance", "type": "bool", "default": False,
        "description": [
            "Whether the aggregated metric is divided by the current instance count before comparing.",
        ],
    },
    "direction": {
        "wire": "scaleAction.direction", "type": "str", "choices": DIRECTIONS,
        "description": [
            "V(Increase) scales out, V(Decrease) scales in; V(None) goes with O(type=ExactCount).",
            "A direction that contradicts the operator (scale in when a metric is high) draws a warning, or an error "
            "with O(strict=true).",
        ],
    },
    "type": {
        "wire": "scaleAction.type", "type": "str", "choices": SCALE_TYPES, "default": "ChangeCount",
        "description": [
            "V(ChangeCount) adds or removes O(value) instances, V(PercentChangeCount) changes the count by O(value) "
            "percent, V(ExactCount) sets the count to O(value).",
        ],
    },
    "value": {
        "range": (1, None), "wire": "scaleAction.value", "type": "int", "default": 1,
        "description": [
            "The instance count, percentage or exact count of the scale action; at least 1.",
            "A V(ChangeCount) larger than maximum minus minimum capacity is rejected by Azure, and here before any "
            "write.",
        ],
    },
    "cooldown": {
        "range": COOLDOWN_RANGE, "wire": "scaleAction.cooldown", "type": "str", "default": "{0}m".format(DEFAULT_COOLDOWN // 60),
        "description": [
            "How long autoscale waits after this rule scaled before scaling again, {0}.".format(_between(COOLDOWN_RANGE)),
            "The default, {0}, is about the time a new Azure ML instance needs to be provisioned and pass its "
            "readiness probe; a scale-out cooldown shorter than that draws the C(cooldown-shorter-than-provisioning) "
            "warning (the Azure CLI's and the portal's 5 minutes let the engine add instances again before the last "
            "ones serve traffic).".format(_span(DEFAULT_COOLDOWN)),
            "A duration such as V(5m), V(1h), V(PT1H) or an integer of minutes.",
        ],
    },
}

# ---------------------------------------------------------------- profiles

CAPACITY = {
    "minimum": {
        "range": (MIN_ML_CAPACITY, MAX_CAPACITY), "wire": "capacity.minimum", "type": "int", "required": True,
        "description": [
            "The fewest instances, at least 1 for a managed online deployment.",
        ],
    },
    "maximum": {
        "range": (MIN_ML_CAPACITY, MAX_CAPACITY), "wire": "capacity.maximum", "type": "int", "required": True,
        "description": [
            "The most instances (the default quota of an online deployment is 50 instances).",
        ],
    },
    "default": {
        "range": (MIN_ML_CAPACITY, MAX_CAPACITY), "wire": "capacity.default", "type": "int",
        "description": [
            "The count used when metrics cannot be read (only ever upward). If not set, O(capacity.minimum).",
        ],
    },
}

RECURRENCE = {
    "days": {
        "wire": "recurrence.schedule.days", "type": "list", "elements": "str", "required": True,
        "description": [
            "Days of the week, for example V(Saturday) and V(Sunday).",
        ],
    },
    "time_zone": {
        "wire": "recurrence.schedule.timeZone", "type": "str", "required": True,
        "description": [
            "A Windows time zone id as Azure takes it, for example V(Pacific Standard Time) or V(UTC).",
        ],
    },
    "start": {
        "wire": "recurrence.schedule.hours, recurrence.schedule.minutes", "type": "str", "default": "00:00",
        "description": [
            "The start time, C(HH:MM) (24 h) in O(recurrence.time_zone).",
        ],
    },
    "end": {
        "wire": "the end profile's recurrence.schedule.hours, minutes", "type": "str",
        "description": [
            "The end time, C(HH:MM). As the portal and the Azure CLI do, an end profile is kept beside this one that "
            "returns to the default profile's capacity and rules at that time on the same days.",
            "If not set, the profile stays active until another profile starts.",
        ],
    },
}

FIXED_DATE = {
    "time_zone": {
        "wire": "fixedDate.timeZone", "type": "str", "default": "UTC",
        "description": [
            "A Windows time zone id, for example V(UTC).",
        ],
    },
    "start": {
        "wire": "fixedDate.start", "type": "str", "required": True,
        "description": [
            "The start, an ISO 8601 date and time such as V(2026-11-27T00:00:00).",
        ],
    },
    "end": {
        "wire": "fixedDate.end", "type": "str", "required": True,
        "description": [
            "The end, after O(fixed_date.start).",
        ],
    },
}

PROFILE = {
    "capacity": {
        "wire": "capacity", "type": "dict", "suboptions": CAPACITY,
        "description": [
            "The instance limits of the profile.",
        ],
    },
    "recurrence": {
        "wire": "recurrence", "type": "dict", "suboptions": RECURRENCE,
        "description": [
            "Makes the profile recur weekly, starting on O(recurrence.days) at O(recurrence.start) in "
            "O(recurrence.time_zone).",
            "Mutually exclusive with O(fixed_date). A profile with neither is the default profile.",
        ],
    },
    "fixed_date": {
        "wire": "fixedDate", "type": "dict", "suboptions": FIXED_DATE,
        "description": [
            "Makes the profile active between two dates. Mutually exclusive with O(recurrence).",
        ],
    },
    "rules": {
        "wire": "rules", "type": "list", "elements": "dict", "suboptions": RULE,
        "description": [
            "The rules of the profile (at most {0}), each as M(mlops.autoscale.autoscale_rule) takes it.".format(MAX_RULES),
            "If not set, the profile's rules are left alone.",
        ],
    },
}

PROFILE_ITEM = dict({"name": {"type": "str", "required": True, "description": ["The profile's name."]}}, **PROFILE)

PROFILES_OPTION = {
    "type": "list", "elements": "dict", "suboptions": PROFILE_ITEM,
    "description": [
        "The profiles of the setting (at most {0}, end profiles included), each as "
        "M(mlops.autoscale.autoscale_profile) takes it.".format(MAX_PROFILES),
        "If not set, the profiles are left alone. Mutually exclusive with O(policy).",
    ],
}

#: The prefix of the role endpoint_autoscale's variables (endpoint_autoscale_capacity is the policy's capacity).
ROLE_PREFIX = "endpoint_autoscale_"

# A whole policy in the role's words (autoscale_state's O(policy), autoscale_simulate's O(proposed), the role's variables).
# Rules are "partial" here: rule_defaults go under them before the vocabulary's defaults apply.
POLICY = {
    "capacity": {
        "type": "dict", "suboptions": CAPACITY,
        "description": [
            "The instance limits of the default profile. If not set, the policy has no default profile and "
            "O(policy.profiles) holds all of it (as the portal writes recurring scale conditions).",
        ],
    },
    "rules": {
        "type": "list", "elements": "dict", "default": [], "suboptions": RULE, "partial": True,
        "description": [
            "The rules of the default profile, each with O(policy.rule_defaults) under its own fields.",
        ],
    },
    "rule_defaults": {
        "type": "dict", "default": {}, "suboptions": RULE, "partial": True,
        "description": [
            "Fields merged under every rule of the policy, of the default profile and of the scheduled profiles; a "
            "rule's own fields win. The fields either sets take the defaults of M(mlops.autoscale.autoscale_rule).",
        ],
    },
    "profiles": {
        "type": "list", "elements": "dict", "default": [], "suboptions": PROFILE_ITEM, "partial": True,
        "description": [
            "Scheduled (or more default) profiles after the default one, as M(mlops.autoscale.autoscale_profile) takes "
            "them.",
            "A profile without C(rules) gets none when O(purge_rules=true), and keeps its current rules otherwise.",
        ],
    },
    "default_profile_name": {
        "type": "str", "default": "default",
        "description": [
            "The name of the default profile.",
        ],
    },
}

POLICY_OPTION = {
    "type": "dict", "suboptions": POLICY,
    "description": [
        "The whole policy in the role P(mlops.autoscale.endpoint_autoscale#role)'s words: a default profile from "
        "O(policy.capacity) and O(policy.rules), then O(policy.profiles), with O(policy.rule_defaults) under every "
        "rule. The role hands its variables over as they are.",
        "Mutually exclusive with O(profiles).",
    ],
}

# ---------------------------------------------------------------- notifications

WEBHOOK = {
    "service_uri": {
        "no_log": True, "wire": "serviceUri", "type": "str", "required": True,
        "description": [
            "The HTTPS URI to call.",
        ],
    },
    "properties": {
        "wire": "properties", "type": "dict", "default": {},
        "description": [
            "Properties sent with the call.",
        ],
    },
}

NOTIFICATIONS = {
    "send_to_subscription_administrator": {
        "wire": "email.sendToSubscriptionAdministrator", "type": "bool", "default": False,
        "description": [
            "Email the subscription administrator.",
        ],
    },
    "send_to_subscription_co_administrators": {
        "wire": "email.sendToSubscriptionCoAdministrators", "type": "bool", "default": False,
        "description": [
            "Email the subscription co-administrators.",
        ],
    },
    "custom_emails": {
        "wire": "email.customEmails", "type": "list", "elements": "str", "default": [],
        "description": [
            "More email addresses.",
        ],
    },
    "webhooks": {
        "wire": "webhooks", "type": "list", "elements": "dict", "default": [], "suboptions": WEBHOOK,
        "description": [
            "Webhooks called on each scale action. Their URIs are secrets (they often carry a signature) and are "
            "masked in output.",
        ],
    },
}

NOTIFICATIONS_OPTION = {
    "type": "dict", "suboptions": NOTIFICATIONS,
    "description": ["Who is told when autoscale scales. If not set, the setting's notifications are left alone."],
}

# ---------------------------------------------------------------- the target and the write flow

TARGET = {
    "resource_group": {
        "type": "str",
        "description": [
            "The resource group of the Azure Machine Learning workspace. The autoscale setting is looked for, and "
            "created, in it.",
            "Required unless O(target_id) is given.",
        ],
    },
    "workspace": {
        "type": "str", "aliases": ["workspace_name"],
        "description": [
            "The Azure Machine Learning workspace.",
        ],
    },
    "endpoint": {
        "type": "str", "aliases": ["endpoint_name"],
        "description": [
            "The online endpoint.",
        ],
    },
    "deployment": {
        "type": "str", "aliases": ["deployment_name"],
        "description": [
            "The online deployment whose instance count the setting scales.",
        ],
    },
    "target_id": {
        "type": "str",
        "description": [
            "The full resource id of the online deployment.",
            "Skips the name lookup through Azure Machine Learning. Mutually exclusive with O(workspace), O(endpoint) "
            "and O(deployment).",
        ],
    },
    "setting_name": {
        "type": "str",
        "description": [
            "The name of the autoscale setting.",
            "The setting is found by its target whatever its name, so settings made in the portal, the Azure CLI, "
            "Terraform or ARM templates are adopted. A new setting is named C(autoscale-<endpoint>-<deployment>) "
            "unless this is given.",
        ],
    },
    "location": {
        "type": "str",
        "description": [
            "The region of a new setting. If not set, the region of the deployment's online endpoint.",
        ],
    },
    "strict": {
        "type": "bool", "default": False,
        "description": [
            "Whether policy lints (a rule whose direction contradicts its operator, thresholds that flap, cooldowns "
            "shorter than provisioning time, a scale-in rule without a scale-out rule, an endpoint metric read "
            "without its deployment dimension, e-mails to the retired classic administrators, ...) fail the task "
            "before any write instead of drawing warnings. The failure lists every finding in C(lints), each with "
            "C(code), C(path), C(message) and C(fix).",
        ],
    },
    "write_verify_delay": {
        "range": (0, 60), "type": "float", "default": 1.0,
        "description": [
            "Seconds to wait after a write before reading the setting back to verify it, from 0 to 60.",
            "Autoscale settings have no ETag, so the last writer wins. If a concurrent writer (another play, the "
            "portal, a pipeline) replaced the setting with a body that lacks this task's change, the task is applied "
            "again on the new state, up to 3 writes in all, and otherwise fails with C(ConcurrentModification). The "
            "delay covers writers that read the setting before this task's write and write it back just after.",
            "A writer that saves a setting it read earlier (the portal after minutes of editing) can still overwrite "
            "this task's change, or have its own overwritten, without either side noticing; serialise the writers of "
            "one setting.",
        ],
    },
}

TAGS_OPTION = {
    "type": "dict",
    "description": [
        "Tags of the setting (at most {0}, Azure Resource Manager's limit; keys up to {1} and values up to {2} "
        "characters). If not set, the tags are left alone.".format(MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE),
    ],
}

#: The ``changes`` return value of the write modules (written into their RETURN by make regenerate).
CHANGES_RETURN = {
    "description": [
        "What the task changed (in check mode, would change), by path, as the keys of the diff; empty when nothing "
        "differs.",
        "A rule's path names it, for example C(profiles.default.rules[CpuUtilizationPercentage > 70 "
        "Increase].threshold); an end profile's is named after the profile it ends (C(profiles.default after "
        "weekend)).",
    ],
    "returned": "always", "type": "list", "elements": "str",
    "sample": ["profiles.default.capacity.maximum", "profiles.weekend"],
}

# ---------------------------------------------------------------- manual scale (manual_scale)

#: The options that name the deployment without the autoscale write flow's options (manual_scale).
ADDRESS_NAMES = ("resource_group", "workspace", "endpoint", "deployment", "target_id", "setting_name")

MANUAL_SCALE = {
    "state": {
        "type": "str", "choices": ("present", "absent"), "default": "present",
        "description": [
            "V(present) pins the deployment at O(instance_count): its autoscale setting, if it has one, is disabled "
            "(and kept, so that it can be enabled again), then the deployment's instance count is set, as the "
            "studio's C(Manual scale) does.",
            "V(absent) hands control back to autoscale: the disabled setting is enabled again (the studio's "
            "C(Custom autoscale)); the instance count is left to it. Fails when no autoscale setting targets the "
            "deployment.",
        ],
    },
    "instance_count": {
        "type": "int", "range": (MIN_ML_CAPACITY, None),
        "description": [
            "The instance count to pin. Required with O(state=present).",
            "At least 1 (a managed online deployment needs an instance) and at most O(instance_limit); checked "
            "before any write.",
        ],
    },
    "instance_limit": {
        "type": "int", "default": MAX_INSTANCES_PER_DEPLOYMENT,
        "description": [
            "The most instances the subscription allows one deployment (Azure ML's default limit is 50; raise it "
            "when the limit was raised for the subscription).",
            "The cores quota of the VM family in the region is checked by Azure when the update runs: an update "
            "it refuses fails with C(OutOfQuota) and the autoscale setting is enabled again.",
        ],
    },
    "wait_timeout": {
        "type": "int", "default": 1800, "range": (1, 86400),
        "description": [
            "Seconds to wait for Azure ML to finish updating the deployment (new instances are provisioned and "
            "must pass their readiness probe, which takes minutes).",
            "When the update is still running after that, the task fails with C(OperationTimedOut); the update "
            "goes on, the autoscale setting stays disabled, and a later run makes no write once the count holds.",
        ],
    },
}

# ---------------------------------------------------------------- the replay (autoscale_simulate's parameters)

SIMULATION_PARAMETERS = {
    "evaluation_interval": {
        "type": "str", "default": "1m", "kind": "duration",
        "description": [
            "How often the engine runs (Azure runs every 30 to 60 seconds; the model's resolution is a minute).",
        ],
        "why": "Azure runs every 30–60 s; one minute is the model's resolution",
    },
    "metric_lag": {
        "type": "str", "default": "3m", "kind": "duration",
        "description": [
            "How late metric data arrives; a run at T reads the windows that end at T minus the lag.",
        ],
        "why": "the docs say metrics arrive \"a few minutes\" late",
    },
    "provisioning_delay": {
        "type": "str", "default": "15m", "kind": "duration",
        "description": [
            "How long a new instance takes before it serves traffic.",
        ],
        "why": ("Azure ML scale-out takes many minutes; the same 15 minutes the "
                "`cooldown-shorter-than-provisioning` lint assumes"),
    },
    "skip_while_provisioning": {
        "type": "bool", "default": True,
        "description": [
            "Whether a run is skipped while instances of the last scale-out are still provisioning.",
        ],
        "why": "\"a run is skipped while a previous scale operation is in progress\"",
    },
    "cooldown_from": {
        "type": "str", "choices": ["decision", "ready"], "default": "decision",
        "description": [
            "Whether a cooldown counts from the scale V(decision) or from when the new instances are V(ready).",
        ],
        "why": "the docs do not say; the decision time is what the activity log shows",
    },
    "clamp_starts_cooldown": {
        "type": "bool", "default": False,
        "description": [
            "Whether bringing the count into a newly active profile's limits starts a cooldown.",
        ],
        "why": "undocumented; no rule fired, so no rule's cooldown applies",
    },
    "default_capacity_starts_cooldown": {
        "type": "bool", "default": False,
        "description": [
            "Whether scaling up to the default capacity (metrics missing) starts a cooldown.",
        ],
        "why": "undocumented; same reasoning",
    },
    "implicit_cooldown": {
        "type": "str", "default": "5m", "kind": "duration",
        "description": [
            "The cooldown those two start when enabled.",
        ],
        "why": "the cooldown for the two above when enabled (the CLI's default rule cooldown)",
    },
    "missing_metrics": {
        "type": "str", "choices": ["any", "all"], "default": "any",
        "description": [
            "When the engine considers that metrics cannot be read (and falls back to the default capacity, upward "
            "only), when V(any) rule of the active profile has no data in its window, or when V(all) have none.",
        ],
        "why": "a rule that cannot be evaluated means the metrics \"cannot be read\"",
    },
    "percent_rounding": {
        "type": "str", "choices": ["floor", "ceil", "round"], "default": "floor",
        "description": [
            "How PercentChangeCount rounds the instances it adds or removes (at least one).",
        ],
        "why": "undocumented; the same rounding as the flapping lint (at least one instance always)",
    },
    "flapping_search": {
        "type": "str", "choices": ["from_target", "from_current", "target_only"], "default": "from_target",
        "description": [
            "Which counts the flapping guard tries before skipping a scale-in. V(from_target) tries the rule's "
            "target, then each count up toward the current one; V(from_current) tries one fewer first; V(target_only) "
            "tries only the target.",
        ],
        "why": "\"tries intermediate counts and scales to the first that passes\", starting at the target",
    },
    "rule_tie_break": {
        "type": "str", "choices": ["first", "longest_cooldown", "shortest_cooldown"], "default": "first",
        "description": [
            "Which rule is named (and whose cooldown applies) when several give the same count.",
        ],
        "why": "undocumented; the rule listed first",
    },
    "profile_tie_break": {
        "type": "str", "choices": ["first", "last"], "default": "first",
        "description": [
            "Which profile wins between overlapping fixed dates or recurrences starting at the same minute.",
        ],
        "why": "undocumented; the profile listed first",
    },
    "fixed_date_end": {
        "type": "str", "choices": ["inclusive", "exclusive"], "default": "inclusive",
        "description": [
            "Whether a fixed date's end minute still belongs to it.",
        ],
        "why": "the portal writes ends like `23:59:00`, meant to include that minute",
    },
    "dst_ambiguous": {
        "type": "str", "choices": ["earlier", "later"], "default": "earlier",
        "description": [
            "Which occurrence of a local time that occurs twice (end of daylight saving) a schedule starts at.",
        ],
        "why": "undocumented; the first occurrence of a repeated local time",
    },
    "unknown_time_zone": {
        "type": "str", "choices": ["utc", "error"], "default": "utc",
        "description": [
            "Whether a time zone without an IANA zone in CLDR's Windows mapping (every id the modules accept has one) "
            "is simulated as V(utc) (with a warning) or is an V(error).",
        ],
        "why": "a replay with a warning is more useful than none",
    },
    "per_instance_metrics": {
        "type": "list", "elements": "str", "default": ["CpuUtilizationPercentage", "GpuUtilizationPercentage"],
        "description": [
            "Metrics that are load divided by the serving instances. With the deployment's recorded instance count "
            "(C(DeploymentCapacity)), their history is rescaled to each policy's simulated ready count.",
            "An empty list replays every metric as recorded.",
        ],
        "why": "utilisation is load ÷ instances; latency is not linear in it",
    },
    "divide_per_instance_count": {
        "type": "str", "choices": ["capacity", "ready"], "default": "capacity",
        "description": [
            "The count a rule's divide-per-instance divides by, all instances (V(capacity)) or the ready ones.",
        ],
        "why": "the engine's \"current instance count\"",
    },
    "initial_count": {
        "type": "int", "default": None,
        "description": [
            "The instance count at the start. If not set, the recorded count (C(DeploymentCapacity)), else the active "
            "profile's default.",
        ],
        "why": "the replay starts where the deployment was",
    },
    "exact_count_direction": {
        "type": "str", "choices": ["by_count", "as_written"], "default": "by_count",
        "description": [
            "Which way an ExactCount rule may scale. V(by_count) (the default) scales out to its value below it and "
            "in to it above it, whatever its written direction (the Azure CLI's C(--scale to) writes V(None)); "
            "V(as_written) lets it act only in its written direction, so V(None) never acts. C(docs/simulation.md) "
            "has the evidence.",
        ],
        "why": "ExactCount sets the count; producers write it with `None`, `Increase` or `Decrease` (step 9)",
    },
}

SIMULATION_PARAMETERS_OPTION = {
    "type": "dict", "suboptions": SIMULATION_PARAMETERS,
    "description": [
        "The engine model's choices where the Azure documentation is silent or gives a range (see "
        "C(docs/simulation.md), which gives the reason for each default).",
    ],
}

#: The service level a replay counts breaches of (autoscale_simulate, autoscale_recommend).
SLO = {
    "metric_name": {
        "type": "str", "required": True,
        "description": ["The metric."],
    },
    "metric_resource": {
        "type": "str",
        "description": ["V(deployment), V(endpoint) or a resource id; defaults as for rules (the deployment when it emits the metric)."],
    },
    "threshold": {
        "type": "float", "required": True,
        "description": ["The threshold."],
    },
    "operator": {
        "type": "str", "choices": ["GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"], "default": "GreaterThan",
        "description": ["How a minute's value is compared with O(slo.threshold) to count as a breach."],
    },
    "aggregation": {
        "type": "str", "choices": ["Average", "Minimum", "Maximum", "Total"], "default": "Average",
        "description": ["Which per-minute aggregation of the metric is compared."],
    },
}

SLO_OPTION = {
    "type": "dict", "suboptions": SLO,
    "description": [
        "A metric and threshold to count breaches of, per minute, under each policy (for example V(RequestLatency_P99) "
        "above V(500) milliseconds, or V(CpuUtilizationPercentage) above V(85)).",
        "Metrics listed in O(parameters.per_instance_metrics) are rescaled to each policy's simulated instance count "
        "before they are compared; other metrics are compared as recorded, so every policy sees the same breaches.",
    ],
}

# ---------------------------------------------------------------- the role endpoint_autoscale

ROLE_MAIN = {
    "endpoint_autoscale_resource_group": {
        "type": "str", "required": True,
        "description": [
            "The resource group of the workspace (and of the autoscale setting).",
        ],
    },
    "endpoint_autoscale_workspace": {
        "type": "str", "required": True,
        "description": [
            "The Azure Machine Learning workspace.",
        ],
    },
    "endpoint_autoscale_endpoint": {
        "type": "str", "required": True,
        "description": [
            "The online endpoint.",
        ],
    },
    "endpoint_autoscale_deployment": {
        "type": "str", "required": True,
        "description": [
            "The online deployment to scale.",
        ],
    },
    "endpoint_autoscale_subscription_id": {
        "type": "str",
        "description": [
            "The subscription, when it differs from the credential's (one AWX job template can cover several).",
        ],
    },
    "endpoint_autoscale_setting_name": {
        "type": "str",
        "description": [
            "The name of a new setting; an existing setting is found by its target and keeps its name.",
        ],
    },
    "endpoint_autoscale_mode": {
        "type": "str", "choices": ["autoscale", "manual"], "default": "autoscale",
        "description": [
            "Who controls the instance count. V(autoscale) converges the policy and enables it (so it also hands "
            "control back after V(manual)); V(manual) pins the deployment at O(endpoint_autoscale_instance_count) "
            "with M(mlops.autoscale.manual_scale): the autoscale setting is disabled and kept, the policy "
            "variables are not applied.",
            "Freeze a fleet during an incident with C(-e endpoint_autoscale_mode=manual) and C(--limit), and "
            "release it by running the role again without it.",
        ],
    },
    "endpoint_autoscale_instance_count": {
        "type": "int",
        "description": [
            "The instance count to pin with O(endpoint_autoscale_mode=manual) (required then).",
        ],
    },
    "endpoint_autoscale_wait_timeout": {
        "type": "int", "default": 1800,
        "description": [
            "Seconds to wait for the deployment's update with O(endpoint_autoscale_mode=manual); see "
            "O(mlops.autoscale.manual_scale#module:wait_timeout).",
        ],
    },
    "endpoint_autoscale_state": {
        "type": "str", "choices": ["present", "absent"], "default": "present",
        "description": [
            "V(present) converges the policy, V(absent) deletes the autoscale setting.",
        ],
    },
    "endpoint_autoscale_enabled": {
        "type": "bool", "default": True,
        "description": [
            "Whether autoscale is on.",
        ],
    },
    "endpoint_autoscale_default_profile_name": {
        "type": "str", "default": "default",
        "description": [
            "The name of the default profile (an adopted setting's default profile keeps its name when this matches "
            "no profile).",
        ],
    },
    "endpoint_autoscale_capacity": {
        "type": "dict", "suboptions": CAPACITY,
        "description": [
            "The instance limits of the default profile.",
            "Required with O(endpoint_autoscale_state=present), unless it is V(null) and "
            "O(endpoint_autoscale_profiles) holds the whole policy (a setting without a default profile, as the "
            "portal writes recurring scale conditions and Terraform's weekend example does); the role fails the host "
            "before any call otherwise.",
        ],
    },
    "endpoint_autoscale_rules": {
        "type": "list", "elements": "dict", "default": [], "suboptions": RULE,
        "description": [
            "The rules of the default profile, each with the fields of M(mlops.autoscale.autoscale_rule) "
            "(C(metric_name), C(operator), C(threshold), C(direction), C(value), C(cooldown), ...).",
        ],
    },
    "endpoint_autoscale_rule_defaults": {
        "type": "dict", "default": {"cooldown": RULE["cooldown"]["default"]}, "suboptions": RULE,
        "partial": True,
        "description": [
            "Fields merged under every rule, of the default profile and of the scheduled profiles; a rule's own "
            "fields win.",
            "The default sets the cooldown of every rule to M(mlops.autoscale.autoscale_rule)'s default cooldown "
            "(see O(mlops.autoscale.autoscale_rule#module:cooldown) for why it is longer than the Azure CLI's). Set "
            "V({}) to merge nothing.",
            "An inventory written by C(playbooks/export_policies.yml) sets every field of every rule, so these "
            "defaults never change an exported policy.",
        ],
    },
    "endpoint_autoscale_profiles": {
        "type": "list", "elements": "dict", "default": [], "suboptions": PROFILE_ITEM,
        "description": [
            "Scheduled profiles, each with C(name), C(capacity), C(recurrence) or C(fixed_date), and C(rules), as "
            "M(mlops.autoscale.autoscale_profile) takes them.",
            "A profile without C(rules) gets none when O(endpoint_autoscale_purge=true), and keeps its current rules "
            "otherwise.",
        ],
    },
    "endpoint_autoscale_notifications": {
        "type": "dict", "role_default": None, "suboptions": NOTIFICATIONS,
        "description": [
            "Who is told of scale actions (C(send_to_subscription_administrator), "
            "C(send_to_subscription_co_administrators), C(custom_emails), C(webhooks)); V(null) leaves the setting's "
            "notifications alone.",
        ],
    },
    "endpoint_autoscale_tags": {
        "type": "dict", "role_default": None,
        "description": [
            "Tags of the setting; V(null) leaves them alone.",
        ],
    },
    "endpoint_autoscale_purge": {
        "type": "bool", "default": True,
        "description": [
            "Whether profiles, rules and tags that the inventory does not declare are removed (V(true), the inventory "
            "is the truth) or kept (V(false)).",
        ],
    },
    "endpoint_autoscale_strict": {
        "type": "bool", "default": False,
        "description": [
            "Whether policy lints fail the host before any write instead of warning.",
        ],
    },
    "endpoint_autoscale_simulate": {
        "type": "bool", "default": False,
        "description": [
            "Before converging, replay the live policy and the inventory's policy on the deployment's metric history "
            "with M(mlops.autoscale.autoscale_simulate) and print the comparison (instance-hours, minutes at maximum, "
            "scale events, SLO breaches). Read-only; use it with C(--check) to see what a change would do before "
            "making it.",
        ],
    },
    "endpoint_autoscale_simulate_window": {
        "type": "str", "default": "7d",
        "description": [
            "How much metric history to replay, for example V(7d) or V(24h).",
        ],
    },
    "endpoint_autoscale_simulate_slo": {
        "type": "dict", "role_default": None,
        "description": [
            "An SLO to count breaches of, as M(mlops.autoscale.autoscale_simulate) takes it (C(metric_name), "
            "C(threshold), ...).",
        ],
    },
    "endpoint_autoscale_simulate_dir": {
        "type": "path", "role_default": None,
        "description": [
            "A directory to write C(<host>.png) and C(<host>.html) charts of each simulation into.",
        ],
    },
}

ROLE_REPORT = {
    "endpoint_autoscale_report_dir": {
        "type": "str", "default": "",
        "description": [
            "A directory on the controller to write C(fleet-report.json) and C(fleet-report.md) to (created if "
            "missing; written in check mode too). Empty writes no file.",
        ],
    },
    "endpoint_autoscale_report_check_mode": {
        "type": "bool", "role_default": "{{ ansible_check_mode }}",
        "description": [
            "Whether the run was a check (the report then says what would change). Defaults to C(ansible_check_mode), "
            "which C(--check) sets (and AWX's C(Check) job type); a play or task with C(check_mode=true) must set "
            "this too, as C(ansible_check_mode) does not see the keyword.",
        ],
    },
}


# The role's entry points (meta/argument_specs.yml).
ROLE_ENTRY_POINTS = {
    "main": {
        "short_description": "Converge the whole autoscale policy of one Azure ML online deployment, in at most one write",
        "description": [
            "Describes an online deployment's scaling policy in inventory variables (one host per deployment) and "
            "converges the Azure Monitor autoscale setting to it with M(mlops.autoscale.autoscale_state) in one "
            "write, or none when nothing differs.",
            "The default profile is O(endpoint_autoscale_capacity) with O(endpoint_autoscale_rules); scheduled "
            "profiles come from O(endpoint_autoscale_profiles). Rule and profile fields are those of "
            "M(mlops.autoscale.autoscale_rule) and M(mlops.autoscale.autoscale_profile).",
            "With O(endpoint_autoscale_mode=manual) it pins the deployment at O(endpoint_autoscale_instance_count) "
            "with M(mlops.autoscale.manual_scale) instead (autoscale off and kept, the studio's Manual scale); the "
            "default mode hands control back.",
            "Authentication comes from the environment or from C(module_defaults) for C(group/mlops.autoscale.azure).",
        ],
        "options": ROLE_MAIN,
    },
    "report": {
        "short_description": "Report on every deployment of the play after the main entry point ran on each",
        "description": [
            "Builds the fleet report with the filter P(mlops.autoscale.fleet_report#filter) from what the main entry "
            "point registered on each host of the play (and, for a host that failed, the "
            "C(endpoint_autoscale_failure) a rescue recorded, as C(playbooks/configure_fleet.yml) does), then shows "
            "it, publishes it with M(ansible.builtin.set_stats) under C(fleet_report) (AWX and Automation Platform "
            "show it in the job's artifacts) and sets it as the fact C(endpoint_autoscale_fleet_report) on every "
            "host.",
            "Writes nothing to Azure; in check mode it reports the drift.",
        ],
        "options": ROLE_REPORT,
    },
}
