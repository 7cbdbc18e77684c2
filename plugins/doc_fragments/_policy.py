# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This doc fragment is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Documentation of the policy vocabulary (rules, profiles, notifications), written once and nested where needed."""

from __future__ import annotations


class ModuleDocFragment:  # pylint: disable=too-few-public-methods
    """Rules, profiles and notifications (nested options refer to the modules that document them in full)."""

    DOCUMENTATION = r"""
options: {}
"""

    RULE = r"""
options:
  metric_name:
    description:
      - The metric, for example V(CpuUtilizationPercentage) (deployment) or V(RequestLatency) (endpoint).
      - For online deployments and endpoints the name is checked against the metrics they emit.
    type: str
    required: true
  metric_resource:
    description:
      - The resource that emits the metric. V(deployment) (the target), V(endpoint) (the target's online endpoint), or any
        resource id.
      - If not set, V(deployment) when online deployments emit the metric, else V(endpoint) when online endpoints emit it
        (for example V(RequestLatency)), else the target.
    type: str
  metric_namespace:
    description:
      - The metric namespace. If not set, the standard namespace of the metric resource (an empty namespace, as the Azure CLI
        writes it, means the same and is not a difference).
    type: str
  statistic:
    description: How the values of all instances are combined in one time grain.
    type: str
    choices: [Average, Min, Max, Sum, Count]
    default: Average
  time_grain:
    description:
      - The granularity of the metric, from 1 minute to 12 hours.
      - A duration such as V(1m), V(1h30m), an ISO 8601 duration such as V(PT1M), or an integer of minutes.
    type: str
    default: 1m
  time_window:
    description:
      - How far back the metric is aggregated, from 1 minute to 12 hours (Azure documents 5 minutes as the least; shorter
        windows draw a warning).
      - A duration such as V(5m), V(PT5M) or an integer of minutes.
    type: str
    default: 5m
  time_aggregation:
    description: How the time grains of the window are combined.
    type: str
    choices: [Average, Minimum, Maximum, Total, Count, Last]
    default: Average
  operator:
    description: How the aggregated metric is compared with O(threshold).
    type: str
    choices: [Equals, NotEquals, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual]
  threshold:
    description: The value the metric is compared with.
    type: float
  dimensions:
    description: Only the metric series whose dimensions match.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The dimension, for example V(deployment).
        type: str
        required: true
      operator:
        description: Whether the dimension must equal one of O(dimensions[].values) or none of them.
        type: str
        choices: [Equals, NotEquals]
        default: Equals
      values:
        description: The dimension values; V(*) matches every value.
        type: list
        elements: str
        required: true
  divide_per_instance:
    description: Whether the aggregated metric is divided by the current instance count before comparing.
    type: bool
    default: false
  direction:
    description:
      - V(Increase) scales out, V(Decrease) scales in; V(None) goes with O(type=ExactCount).
      - A direction that contradicts the operator (scale in when a metric is high) draws a warning, or an error with O(strict=true).
    type: str
    choices: [Increase, Decrease, None]
  type:
    description:
      - V(ChangeCount) adds or removes O(value) instances, V(PercentChangeCount) changes the count by O(value) percent,
        V(ExactCount) sets the count to O(value).
    type: str
    choices: [ChangeCount, PercentChangeCount, ExactCount, ServiceAllowedNextValue]
    default: ChangeCount
  value:
    description:
      - The instance count, percentage or exact count of the scale action; at least 1.
      - A V(ChangeCount) larger than maximum minus minimum capacity is rejected by Azure, and here before any write.
    type: int
    default: 1
  cooldown:
    description:
      - How long autoscale waits after this rule scaled before scaling again, from 1 minute to 1 week.
      - The default, 15 minutes, is about the time a new Azure ML instance needs to be provisioned and pass its readiness
        probe; a scale-out cooldown shorter than that draws the C(cooldown-shorter-than-provisioning) warning (the Azure
        CLI's and the portal's 5 minutes let the engine add instances again before the last ones serve traffic).
      - A duration such as V(5m), V(1h), V(PT1H) or an integer of minutes.
    type: str
    default: 15m
"""

    PROFILE = r"""
options:
  capacity:
    description: The instance limits of the profile.
    type: dict
    suboptions:
      minimum:
        description: The fewest instances, at least 1 for a managed online deployment.
        type: int
        required: true
      maximum:
        description: The most instances (the default quota of an online deployment is 50 instances).
        type: int
        required: true
      default:
        description:
        - The count used when metrics cannot be read (only ever upward). If not set, O(capacity.minimum).
        type: int
  recurrence:
    description:
    - Makes the profile recur weekly, starting on O(recurrence.days) at O(recurrence.start) in O(recurrence.time_zone).
    - Mutually exclusive with O(fixed_date). A profile with neither is the default profile.
    type: dict
    suboptions:
      days:
        description: Days of the week, for example V(Saturday) and V(Sunday).
        type: list
        elements: str
        required: true
      time_zone:
        description: A Windows time zone id as Azure takes it, for example V(Pacific Standard Time) or V(UTC).
        type: str
        required: true
      start:
        description: The start time, C(HH:MM) (24 h) in O(recurrence.time_zone).
        type: str
        default: 00:00
      end:
        description:
        - The end time, C(HH:MM). As the portal and the Azure CLI do, an end profile is kept beside this one that returns
          to the default profile's capacity and rules at that time on the same days.
        - If not set, the profile stays active until another profile starts.
        type: str
  fixed_date:
    description: Makes the profile active between two dates. Mutually exclusive with O(recurrence).
    type: dict
    suboptions:
      time_zone:
        description: A Windows time zone id, for example V(UTC).
        type: str
        default: UTC
      start:
        description: The start, an ISO 8601 date and time such as V(2026-11-27T00:00:00).
        type: str
        required: true
      end:
        description: The end, after O(fixed_date.start).
        type: str
        required: true
  rules:
    description:
    - The rules of the profile (at most 10), each as M(mlops.autoscale.autoscale_rule) takes it.
    - If not set, the profile's rules are left alone.
    type: list
    elements: dict
    suboptions:
      metric_name:
        type: str
        required: true
        description: See O(mlops.autoscale.autoscale_rule#module:metric_name).
      metric_resource:
        type: str
        description: See O(mlops.autoscale.autoscale_rule#module:metric_resource).
      metric_namespace:
        type: str
        description: See O(mlops.autoscale.autoscale_rule#module:metric_namespace).
      statistic:
        type: str
        choices:
        - Average
        - Min
        - Max
        - Sum
        - Count
        default: Average
        description: See O(mlops.autoscale.autoscale_rule#module:statistic).
      time_grain:
        type: str
        default: 1m
        description: See O(mlops.autoscale.autoscale_rule#module:time_grain).
      time_window:
        type: str
        default: 5m
        description: See O(mlops.autoscale.autoscale_rule#module:time_window).
      time_aggregation:
        type: str
        choices:
        - Average
        - Minimum
        - Maximum
        - Total
        - Count
        - Last
        default: Average
        description: See O(mlops.autoscale.autoscale_rule#module:time_aggregation).
      operator:
        type: str
        choices:
        - Equals
        - NotEquals
        - GreaterThan
        - GreaterThanOrEqual
        - LessThan
        - LessThanOrEqual
        description: See O(mlops.autoscale.autoscale_rule#module:operator).
      threshold:
        type: float
        description: See O(mlops.autoscale.autoscale_rule#module:threshold).
      dimensions:
        type: list
        elements: dict
        default: []
        description: See O(mlops.autoscale.autoscale_rule#module:dimensions).
        suboptions:
          name:
            type: str
            required: true
            description: See O(mlops.autoscale.autoscale_rule#module:dimensions[].name).
          operator:
            type: str
            choices:
            - Equals
            - NotEquals
            default: Equals
            description: See O(mlops.autoscale.autoscale_rule#module:dimensions[].operator).
          values:
            type: list
            elements: str
            required: true
            description: See O(mlops.autoscale.autoscale_rule#module:dimensions[].values).
      divide_per_instance:
        type: bool
        default: false
        description: See O(mlops.autoscale.autoscale_rule#module:divide_per_instance).
      direction:
        type: str
        choices:
        - Increase
        - Decrease
        - None
        description: See O(mlops.autoscale.autoscale_rule#module:direction).
      type:
        type: str
        choices:
        - ChangeCount
        - PercentChangeCount
        - ExactCount
        - ServiceAllowedNextValue
        default: ChangeCount
        description: See O(mlops.autoscale.autoscale_rule#module:type).
      value:
        type: int
        default: 1
        description: See O(mlops.autoscale.autoscale_rule#module:value).
      cooldown:
        type: str
        default: 15m
        description: See O(mlops.autoscale.autoscale_rule#module:cooldown).
"""

    PROFILES = r"""
options:
  profiles:
    description:
    - The profiles of the setting (at most 20, end profiles included), each as M(mlops.autoscale.autoscale_profile) takes
      it.
    - If not set, the profiles are left alone.
    type: list
    elements: dict
    suboptions:
      name:
        description: The profile's name.
        type: str
        required: true
      capacity:
        type: dict
        description: See O(mlops.autoscale.autoscale_profile#module:capacity).
        suboptions:
          minimum:
            type: int
            required: true
            description: See O(mlops.autoscale.autoscale_profile#module:capacity.minimum).
          maximum:
            type: int
            required: true
            description: See O(mlops.autoscale.autoscale_profile#module:capacity.maximum).
          default:
            type: int
            description: See O(mlops.autoscale.autoscale_profile#module:capacity.default).
      recurrence:
        type: dict
        description: See O(mlops.autoscale.autoscale_profile#module:recurrence).
        suboptions:
          days:
            type: list
            elements: str
            required: true
            description: See O(mlops.autoscale.autoscale_profile#module:recurrence.days).
          time_zone:
            type: str
            required: true
            description: See O(mlops.autoscale.autoscale_profile#module:recurrence.time_zone).
          start:
            type: str
            default: 00:00
            description: See O(mlops.autoscale.autoscale_profile#module:recurrence.start).
          end:
            type: str
            description: See O(mlops.autoscale.autoscale_profile#module:recurrence.end).
      fixed_date:
        type: dict
        description: See O(mlops.autoscale.autoscale_profile#module:fixed_date).
        suboptions:
          time_zone:
            type: str
            default: UTC
            description: See O(mlops.autoscale.autoscale_profile#module:fixed_date.time_zone).
          start:
            type: str
            required: true
            description: See O(mlops.autoscale.autoscale_profile#module:fixed_date.start).
          end:
            type: str
            required: true
            description: See O(mlops.autoscale.autoscale_profile#module:fixed_date.end).
      rules:
        description:
        - The rules of the profile (at most 10), each as M(mlops.autoscale.autoscale_rule) takes it.
        - If not set, the profile's rules are left alone.
        type: list
        elements: dict
        suboptions:
          metric_name:
            type: str
            required: true
            description: See O(mlops.autoscale.autoscale_rule#module:metric_name).
          metric_resource:
            type: str
            description: See O(mlops.autoscale.autoscale_rule#module:metric_resource).
          metric_namespace:
            type: str
            description: See O(mlops.autoscale.autoscale_rule#module:metric_namespace).
          statistic:
            type: str
            choices:
            - Average
            - Min
            - Max
            - Sum
            - Count
            default: Average
            description: See O(mlops.autoscale.autoscale_rule#module:statistic).
          time_grain:
            type: str
            default: 1m
            description: See O(mlops.autoscale.autoscale_rule#module:time_grain).
          time_window:
            type: str
            default: 5m
            description: See O(mlops.autoscale.autoscale_rule#module:time_window).
          time_aggregation:
            type: str
            choices:
            - Average
            - Minimum
            - Maximum
            - Total
            - Count
            - Last
            default: Average
            description: See O(mlops.autoscale.autoscale_rule#module:time_aggregation).
          operator:
            type: str
            choices:
            - Equals
            - NotEquals
            - GreaterThan
            - GreaterThanOrEqual
            - LessThan
            - LessThanOrEqual
            description: See O(mlops.autoscale.autoscale_rule#module:operator).
          threshold:
            type: float
            description: See O(mlops.autoscale.autoscale_rule#module:threshold).
          dimensions:
            type: list
            elements: dict
            default: []
            description: See O(mlops.autoscale.autoscale_rule#module:dimensions).
            suboptions:
              name:
                type: str
                required: true
                description: See O(mlops.autoscale.autoscale_rule#module:dimensions[].name).
              operator:
                type: str
                choices:
                - Equals
                - NotEquals
                default: Equals
                description: See O(mlops.autoscale.autoscale_rule#module:dimensions[].operator).
              values:
                type: list
                elements: str
                required: true
                description: See O(mlops.autoscale.autoscale_rule#module:dimensions[].values).
          divide_per_instance:
            type: bool
            default: false
            description: See O(mlops.autoscale.autoscale_rule#module:divide_per_instance).
          direction:
            type: str
            choices:
            - Increase
            - Decrease
            - None
            description: See O(mlops.autoscale.autoscale_rule#module:direction).
          type:
            type: str
            choices:
            - ChangeCount
            - PercentChangeCount
            - ExactCount
            - ServiceAllowedNextValue
            default: ChangeCount
            description: See O(mlops.autoscale.autoscale_rule#module:type).
          value:
            type: int
            default: 1
            description: See O(mlops.autoscale.autoscale_rule#module:value).
          cooldown:
            type: str
            default: 15m
            description: See O(mlops.autoscale.autoscale_rule#module:cooldown).
"""

    NOTIFICATIONS = r"""
options:
  notifications:
    description:
      - Who is told when autoscale scales. If not set, the setting's notifications are left alone.
    type: dict
    suboptions:
      send_to_subscription_administrator:
        description: Email the subscription administrator.
        type: bool
        default: false
      send_to_subscription_co_administrators:
        description: Email the subscription co-administrators.
        type: bool
        default: false
      custom_emails:
        description: More email addresses.
        type: list
        elements: str
        default: []
      webhooks:
        description: Webhooks called on each scale action. Their URIs are secrets (they often carry a signature) and are masked in output.
        type: list
        elements: dict
        default: []
        suboptions:
          service_uri:
            description: The HTTPS URI to call.
            type: str
            required: true
          properties:
            description: Properties sent with the call.
            type: dict
            default: {}
"""
