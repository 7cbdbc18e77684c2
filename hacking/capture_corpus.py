# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Capture what real tools write into tests/corpus/<producer>/ (``make corpus-capture``).

Runs each producer, unmodified, against the ARM emulator and stores, per scenario, the setting as the emulator's GET
returns it (ARM's ``systemData`` left out: it holds the capture's time and principal), with the tool's version and
its exact input as ``_provenance``:

  azure-cli           ``az monitor autoscale ...`` (--az: the az of an azure-cli installation)
  azure-sdk-sample    the seed how-to's Python tab (azure-mgmt-monitor and azure-ai-ml of this virtual environment)
  azure.azcollection  ``azure.azcollection.azure_rm_autoscale`` playbooks (--peer-venv: the benchmark's peer venv)

Refuses to run unless the only network interface is loopback: run it under ``unshare --net --map-root-user`` (see
the Makefile), so that nothing a tool tries (instance discovery, telemetry, version checks) can leave the machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from unittest import mock

from arm_emulator.seed import default_seed
from arm_emulator.testing import ArmClient, EmulatorProcess

RESOURCE_GROUP = "rg-ml"
WORKSPACE = "ws-prod"
SEED_ENDPOINT = "autoscale-endpt-21845"  # the seed script's `autoscale-endpt-$RANDOM`, with $RANDOM fixed
ENDPOINT = "my-endpoint"
ML_API = "2024-04-01"
CAPTURE_NOTE = ("Captured by hacking/capture_corpus.py (make corpus-capture): the real tool ran against the ARM emulator, which "
                "stores a PUT body as sent; this is its GET without systemData.")

CLI_SOURCE = "Azure/azure-cli src/azure-cli/azure/cli/command_modules/monitor/operations/autoscale_settings.py"

# The seed document's CLI tab: Azure/azureml-examples cli/deploy-moe-autoscale.sh, its <create_autoscale_profile>,
# <scale_out_on_cpu_util>, <scale_in_on_cpu_util>, <scale_up_on_request_latency> and <weekend_profile> blocks verbatim.
SEED_BLOCKS = [
    "az monitor autoscale create \\\n  --name $AUTOSCALE_SETTINGS_NAME \\\n  --resource $DEPLOYMENT_RESOURCE_ID \\\n"
    "  --min-count 2 --max-count 5 --count 2",
    "az monitor autoscale rule create \\\n  --autoscale-name $AUTOSCALE_SETTINGS_NAME \\\n"
    "  --condition \"CpuUtilizationPercentage > 70 avg 5m\" \\\n  --scale out 2",
    "az monitor autoscale rule create \\\n  --autoscale-name $AUTOSCALE_SETTINGS_NAME \\\n"
    "  --condition \"CpuUtilizationPercentage < 25 avg 5m\" \\\n  --scale in 1",
    "az monitor autoscale rule create \\\n --autoscale-name $AUTOSCALE_SETTINGS_NAME \\\n --condition \"RequestLatency > 70 avg 5m\" \\\n"
    " --scale out 1 \\\n --resource $ENDPOINT_RESOURCE_ID",
    "az monitor autoscale profile create \\\n  --name weekend-profile \\\n  --autoscale-name $AUTOSCALE_SETTINGS_NAME \\\n"
    "  --min-count 2 --count 2 --max-count 2 \\\n  --recurrence week sat sun --timezone \"Pacific Standard Time\" ",
]
SEED_SETUP = [
    "ENDPOINT_NAME=" + SEED_ENDPOINT,
    "DEPLOYMENT_NAME=blue",
    "DEPLOYMENT_RESOURCE_ID=$SEED_DEPLOYMENT_ID    # az ml online-deployment show -e $ENDPOINT_NAME -n $DEPLOYMENT_NAME -o tsv --query id",
    "ENDPOINT_RESOURCE_ID=$SEED_ENDPOINT_ONLINE_ID  # az ml online-endpoint show -n $ENDPOINT_NAME -o tsv "
    "--query 'properties.\"azureml.onlineendpointid\"'",
    "AUTOSCALE_SETTINGS_NAME=autoscale-$ENDPOINT_NAME-$DEPLOYMENT_NAME-7019",
]
SEED_SOURCE = ("Azure/azureml-examples cli/deploy-moe-autoscale.sh (the seed how-to's CLI tab), run against {0}: "
               "autoscale_create, autoscale_rule_create, autoscale_profile_create").format(CLI_SOURCE)

# The setting a scenario leaves is read back by this name.
CLI_SCENARIOS = [
    {"file": "seed-walkthrough", "setting": "autoscale-" + SEED_ENDPOINT + "-blue-7019",
     "feature": "the seed how-to's CLI tab verbatim: 2..5 instances, scale out by 2 above 70 % CPU, in by 1 below 25 %, out by 1 on "
                "the endpoint's RequestLatency (endpoint id from azureml.onlineendpointid), a weekend profile with the CLI's end profile",
     "source": SEED_SOURCE, "commands": SEED_SETUP + SEED_BLOCKS},
    {"file": "seed-walkthrough-disabled", "setting": "autoscale-" + SEED_ENDPOINT + "-blue-7019",
     "feature": "the seed how-to's CLI tab verbatim, then its <disable_profile> block: autoscale update --enabled false",
     "source": SEED_SOURCE.replace("autoscale_profile_create", "autoscale_profile_create; the aaz Update of monitor autoscale update"),
     "commands": SEED_SETUP + SEED_BLOCKS + ["az monitor autoscale update \\\n  --autoscale-name $AUTOSCALE_SETTINGS_NAME \\\n  --enabled false"]},
    {"file": "default-name-fixed-count", "setting": WORKSPACE,
     "feature": "autoscale create without --name (named after the first resource name of the target id: the workspace) for exactly "
                "4 instances",
     "source": CLI_SOURCE + ": autoscale_create (autoscale_name = parse_resource_id(resource)['name'])",
     "commands": ["az monitor autoscale create --resource $DEPLOYMENT_ID --count 4"]},
    {"file": "scale-to-exact-count", "setting": "as-exact",
     "feature": "rule create --scale to N (ExactCount, direction None) to scale out and in to a fixed count",
     "source": CLI_SOURCE + ": autoscale_rule_create; actions.py AutoscaleScaleAction (get_autoscale_scale_direction_map()['to'])",
     "commands": ["az monitor autoscale create -n as-exact --resource $DEPLOYMENT_ID --min-count 2 --max-count 8 --count 2",
                  "az monitor autoscale rule create --autoscale-name as-exact --condition \"CpuUtilizationPercentage > 85 avg 10m\" "
                  "--scale to 6 --cooldown 20",
                  "az monitor autoscale rule create --autoscale-name as-exact --condition \"CpuUtilizationPercentage < 20 avg 30m\" "
                  "--scale to 2 --cooldown 30"]},
    {"file": "scale-percent", "setting": "as-percent",
     "feature": "rule create --scale out 50% / in 25% (PercentChangeCount), --timegrain max 1m and sum 5m, cooldowns",
     "source": CLI_SOURCE + ": autoscale_rule_create; actions.py AutoscaleScaleAction (a trailing % makes PercentChangeCount)",
     "commands": ["az monitor autoscale create -n as-percent --resource $DEPLOYMENT_ID --min-count 2 --max-count 20 --count 4",
                  "az monitor autoscale rule create --autoscale-name as-percent --condition \"CpuUtilizationPercentage > 75 max 10m\" "
                  "--scale out 50% --timegrain \"max 1m\" --cooldown 20",
                  "az monitor autoscale rule create --autoscale-name as-percent --condition \"RequestsPerMinute < 100 total 15m\" "
                  "--scale in 25% --timegrain \"sum 5m\" --cooldown 30"]},
    {"file": "operators-aggregations", "setting": "as-operators",
     "feature": "the condition operators and time aggregations the CLI writes (>, >=, <, <=; avg, min, max, total), "
                "--timegrain statistics",
     "source": (CLI_SOURCE + ": autoscale_rule_create; grammar/autoscale/AutoscaleConditionValidator.py (== and != lex as dimension "
                "operators, so a condition cannot use Equals or NotEquals; the count aggregation crashes az 2.91.0 in "
                "get_condition_from_model, TimeAggregationType.count being str.count)"),
     "commands": ["az monitor autoscale create -n as-operators --resource $DEPLOYMENT_ID --min-count 1 --max-count 10 --count 2",
                  "az monitor autoscale rule create --autoscale-name as-operators --condition \"GpuUtilizationPercentage >= 80 avg 5m\" "
                  "--scale out 2 --cooldown 15",
                  "az monitor autoscale rule create --autoscale-name as-operators --condition \"GpuUtilizationPercentage <= 10 min 20m\" "
                  "--scale in 1 --cooldown 15",
                  "az monitor autoscale rule create --autoscale-name as-operators --condition \"DiskUtilization > 90 max 5m\" "
                  "--scale out 1 --cooldown 15 --timegrain \"max 1m\"",
                  "az monitor autoscale rule create --autoscale-name as-operators --condition \"RequestsPerMinute > 6000 total 5m\" "
                  "--scale out 1 --cooldown 15 --timegrain \"sum 1m\"",
                  "az monitor autoscale rule create --autoscale-name as-operators --condition \"CpuMemoryUtilizationPercentage < 20 avg 10m\" "
                  "--scale in 1 --cooldown 15 --timegrain \"min 1m\""]},
    {"file": "endpoint-metric-dimension-namespace", "setting": "as-dimensions",
     "feature": "endpoint metrics with a where-clause on the deployment dimension, a quoted metric namespace, several values",
     "source": CLI_SOURCE + ": autoscale_rule_create; grammar/autoscale (\"NAMESPACE\" METRIC ... where DIMENSION == VALUE or VALUE)",
     "commands": ["az monitor autoscale create -n as-dimensions --resource $DEPLOYMENT_ID --min-count 1 --max-count 6 --count 1",
                  "az monitor autoscale rule create --autoscale-name as-dimensions --resource $ENDPOINT_ID --cooldown 15 "
                  "--condition \"RequestsPerMinute > 1000 avg 5m where deployment == blue\" --scale out 1",
                  "az monitor autoscale rule create --autoscale-name as-dimensions --resource $ENDPOINT_ID --cooldown 15 "
                  "--condition \"\\\"Microsoft.MachineLearningServices/workspaces/onlineEndpoints\\\" RequestLatency_P99 < 50 avg 15m "
                  "where deployment == blue or green\" --scale in 1"]},
    {"file": "recurrence-start-end-copy-rules", "setting": "as-business-hours",
     "feature": "profile create --recurrence week mon..fri --start 08:00 --end 18:30 in W. Europe Standard Time, --copy-rules default",
     "source": (CLI_SOURCE + ": autoscale_profile_create, _create_recurring_profile (the end profile: json.dumps({'name': default, "
                "'for': profile}))"),
     "commands": ["az monitor autoscale create -n as-business-hours --resource $DEPLOYMENT_ID --min-count 1 --max-count 4 --count 1",
                  "az monitor autoscale rule create --autoscale-name as-business-hours --condition \"CpuUtilizationPercentage > 70 avg 5m\" "
                  "--scale out 1 --cooldown 20",
                  "az monitor autoscale rule create --autoscale-name as-business-hours --condition \"CpuUtilizationPercentage < 30 avg 10m\" "
                  "--scale in 1 --cooldown 20",
                  "az monitor autoscale profile create --autoscale-name as-business-hours -n business-hours --min-count 3 --count 3 "
                  "--max-count 8 --recurrence week mon tue wed thu fri --start 08:00 --end 18:30 --timezone \"W. Europe Standard Time\" "
                  "--copy-rules default"]},
    {"file": "recurrence-rules-added-later", "setting": "as-late-rules",
     "feature": "a recurring profile created before the rules: the CLI adds rules to the default profile only, so its end profile "
                "keeps the old (empty) rule list",
     "source": (CLI_SOURCE + ": _create_recurring_profile copies the default profile's rules once; autoscale_rule_create appends to "
                "the named profile only"),
     "commands": ["az monitor autoscale create -n as-late-rules --resource $DEPLOYMENT_ID --min-count 2 --max-count 6 --count 2",
                  "az monitor autoscale profile create --autoscale-name as-late-rules -n night --count 1 --min-count 1 --max-count 2 "
                  "--recurrence week mon tue wed thu fri sat sun --start 22:00 --end 06:00 --timezone \"Tokyo Standard Time\"",
                  "az monitor autoscale rule create --autoscale-name as-late-rules --condition \"CpuUtilizationPercentage > 70 avg 5m\" "
                  "--scale out 1 --cooldown 20",
                  "az monitor autoscale rule create --autoscale-name as-late-rules --condition \"CpuUtilizationPercentage < 30 avg 10m\" "
                  "--scale in 1 --cooldown 20"]},
    {"file": "fixed-date", "setting": "as-fixed",
     "feature": "profile create --start/--end dates without --recurrence (a fixed date in Eastern Standard Time), --copy-rules",
     "source": CLI_SOURCE + ": autoscale_profile_create, _create_fixed_profile (start + '+00:00')",
     "commands": ["az monitor autoscale create -n as-fixed --resource $DEPLOYMENT_ID --min-count 2 --max-count 5 --count 2",
                  "az monitor autoscale rule create --autoscale-name as-fixed --condition \"CpuUtilizationPercentage > 70 avg 5m\" "
                  "--scale out 1 --cooldown 20",
                  "az monitor autoscale profile create --autoscale-name as-fixed -n black-friday --min-count 4 --count 4 --max-count 10 "
                  "--start 2026-11-27 --end \"2026-11-29 23:59\" --timezone \"Eastern Standard Time\" --copy-rules default"]},
    {"file": "notifications", "setting": "as-notify",
     "feature": "autoscale create --action email ... --action webhook URI key=value ..., --tags (without --email-administrator and "
                "--email-coadministrators true, which Azure refuses since 2024-04-03: SendEmailsToAdminCoAdminsNotSupported)",
     "source": CLI_SOURCE + ": autoscale_create (notification block); actions.py AutoscaleCreateAction",
     "commands": ["az monitor autoscale create -n as-notify --resource $DEPLOYMENT_ID --min-count 1 --max-count 3 --count 1 "
                  "--action email ops@example.com oncall@example.com "
                  "--action webhook \"https://hooks.example.com/autoscale?code=abc123XYZ&sig=s3cr3t\" channel=ml-ops severity=2 "
                  "--tags team=ml cost-center=4711"]},
    {"file": "update-capacity-actions", "setting": "as-update",
     "feature": "autoscale update of a setting with an end profile: --count/--min-count/--max-count rewrite every default profile "
                "(the JSON-named end profiles too), --add-action/--remove-action, --tags",
     "source": CLI_SOURCE + ": the aaz AutoScaleUpdate behind monitor autoscale update (capacity of every default profile, actions)",
     "commands": ["az monitor autoscale create -n as-update --resource $DEPLOYMENT_ID --min-count 1 --max-count 4 --count 1 "
                  "--action email ops@example.com",
                  "az monitor autoscale profile create --autoscale-name as-update -n weekend --count 1 "
                  "--recurrence week sat sun --timezone \"Coordinated Universal Time\"",
                  "az monitor autoscale update -n as-update --count 2 --min-count 2 --max-count 6 --add-action email ml@example.com "
                  "--add-action webhook https://hooks.example.com/scale --remove-action email ops@example.com --tags env=prod"]},
    {"file": "predictive-forecast-only", "setting": "as-predictive",
     "feature": "autoscale create --scale-mode ForecastOnly --scale-look-ahead-time PT10M (the service supports it for VM scale sets "
                "only; the CLI writes it for any target)",
     "source": CLI_SOURCE + ": autoscale_create (scale_mode, scale_look_ahead_time)",
     "commands": ["az monitor autoscale create -n as-predictive --resource $DEPLOYMENT_ID --min-count 1 --max-count 3 --count 1 "
                  "--scale-mode ForecastOnly --scale-look-ahead-time PT10M"]},
]

# The seed how-to's Python tab, step by step, as it is written; only its clients are pointed at the emulator (as for a
# sovereign cloud: the credential's authority, the monitor client's base_url and scope) and random.randint is fixed.
SDK_SOURCE = ("the seed how-to 'Autoscale online endpoints in Azure Machine Learning' (MicrosoftDocs/azure-docs "
              "articles/machine-learning/how-to-autoscale-endpoints.md), Python SDK tab, run with azure-mgmt-monitor {monitor} and "
              "azure-ai-ml {ml}")
SDK_STEPS = [
    ("Get the endpoint and deployment objects", """
deployment = ml_client.online_deployments.get(
    deployment_name, endpoint_name
)

endpoint = ml_client.online_endpoints.get(
    endpoint_name
)
"""),
    ("Create an autoscale profile", """
autoscale_settings_name = f"autoscale-{endpoint_name}-{deployment_name}-{random.randint(0,1000)}"

mon_client.autoscale_settings.create_or_update(
    resource_group,
    autoscale_settings_name,
    parameters = {
        "location" : endpoint.location,
        "target_resource_uri" : deployment.id,
        "profiles" : [
            AutoscaleProfile(
                name="my-scale-settings",
                capacity={
                    "minimum" : 2,
                    "maximum" : 5,
                    "default" : 2
                },
                rules = []
            )
        ]
    }
)
"""),
    ("Create scale-out rule based on deployment metrics", """
rule_scale_out = ScaleRule(
    metric_trigger = MetricTrigger(
        metric_name="CpuUtilizationPercentage",
        metric_resource_uri = deployment.id,
        time_grain = datetime.timedelta(minutes = 1),
        statistic = "Average",
        operator = "GreaterThan",
        time_aggregation = "Last",
        time_window = datetime.timedelta(minutes = 5),
        threshold = 70
    ),
    scale_action = ScaleAction(
        direction = "Increase",
        type = "ChangeCount",
        value = 2,
        cooldown = datetime.timedelta(hours = 1)
    )
)

mon_client.autoscale_settings.create_or_update(
    resource_group,
    autoscale_settings_name,
    parameters = {
        "location" : endpoint.location,
        "target_resource_uri" : deployment.id,
        "profiles" : [
            AutoscaleProfile(
                name="my-scale-settings",
                capacity={
                    "minimum" : 2,
                    "maximum" : 5,
                    "default" : 2
                },
                rules = [
                    rule_scale_out
                ]
            )
        ]
    }
)
"""),
    ("Create scale-in rule based on deployment metrics", """
rule_scale_in = ScaleRule(
    metric_trigger = MetricTrigger(
        metric_name="CpuUtilizationPercentage",
        metric_resource_uri = deployment.id,
        time_grain = datetime.timedelta(minutes = 1),
        statistic = "Average",
        operator = "LessThan",
        time_aggregation = "Last",
        time_window = datetime.timedelta(minutes = 5),
        threshold = 30
    ),
    scale_action = ScaleAction(
        direction = "Increase",
        type = "ChangeCount",
        value = 1,
        cooldown = datetime.timedelta(hours = 1)
    )
)

mon_client.autoscale_settings.create_or_update(
    resource_group,
    autoscale_settings_name,
    parameters = {
        "location" : endpoint.location,
        "target_resource_uri" : deployment.id,
        "profiles" : [
            AutoscaleProfile(
                name="my-scale-settings",
                capacity={
                    "minimum" : 2,
                    "maximum" : 5,
                    "default" : 2
                },
                rules = [
                    rule_scale_out,
                    rule_scale_in
                ]
            )
        ]
    }
)
"""),
    ("Create scale rule based on endpoint metrics", """
rule_scale_out_endpoint = ScaleRule(
    metric_trigger = MetricTrigger(
        metric_name="RequestLatency",
        metric_resource_uri = endpoint.id,
        time_grain = datetime.timedelta(minutes = 1),
        statistic = "Average",
        operator = "GreaterThan",
        time_aggregation = "Last",
        time_window = datetime.timedelta(minutes = 5),
        threshold = 70
    ),
    scale_action = ScaleAction(
        direction = "Increase",
        type = "ChangeCount",
        value = 1,
        cooldown = datetime.timedelta(hours = 1)
    )
)

mon_client.autoscale_settings.create_or_update(
    resource_group,
    autoscale_settings_name,
    parameters = {
        "location" : endpoint.location,
        "target_resource_uri" : deployment.id,
        "profiles" : [
            AutoscaleProfile(
                name="my-scale-settings",
                capacity={
                    "minimum" : 2,
                    "maximum" : 5,
                    "default" : 2
                },
                rules = [
                    rule_scale_out,
                    rule_scale_in,
                    rule_scale_out_endpoint
                ]
            )
        ]
    }
)
"""),
    ("Create scale rule based on schedule", """
mon_client.autoscale_settings.create_or_update(
    resource_group,
    autoscale_settings_name,
    parameters = {
        "location" : endpoint.location,
        "target_resource_uri" : deployment.id,
        "profiles" : [
            AutoscaleProfile(
                name="Default",
                capacity={
                    "minimum" : 2,
                    "maximum" : 2,
                    "default" : 2
                },
                recurrence = Recurrence(
                    frequency = "Week",
                    schedule = RecurrentSchedule(
                        time_zone = "Pacific Standard Time",
                        days = ["Saturday", "Sunday"],
                        hours = [],
                        minutes = []
                    )
                )
            )
        ]
    }
)
"""),
    ("Enable or disable autoscale", """
mon_client.autoscale_settings.create_or_update(
    resource_group,
    autoscale_settings_name,
    parameters = {
        "location" : endpoint.location,
        "target_resource_uri" : deployment.id,
        "enabled" : False
    }
)
"""),
]
# After which step (by title) each corpus file is read back.
SDK_CAPTURES = [
    ("seed-define-profile", "Create an autoscale profile",
     "the seed how-to's first SDK step: one profile, no rules, no 'enabled' (azure-mgmt-monitor's model sends enabled: false, so the "
     "setting is created disabled)"),
    ("seed-three-rules", "Create scale rule based on endpoint metrics",
     "the seed how-to's SDK steps through the endpoint rule: CPU scale-out, the CPU 'scale-in' rule written with direction Increase "
     "(the sample's bug), RequestLatency on the endpoint id, time aggregation Last, 1 hour cooldowns, still disabled"),
]
SDK_NOTES = [
    "The how-to's later steps fail as written: 'Create scale rule based on schedule' in the client (azure-mgmt-monitor's "
    "AutoscaleProfile requires rules), 'Enable or disable autoscale' in Azure (a PUT without profiles: the REST API requires "
    "them); the collection's playbooks/seed_walkthrough.yml does both right.",
    "The how-to's clients are the only change: ClientSecretCredential with the emulator's authority instead of "
    "DefaultAzureCredential, MonitorManagementClient(credential, subscription_id, base_url=<emulator>, credential_scopes=...), "
    "MLClient through ARM_CLOUD_METADATA_URL, random.randint(0, 1000) fixed to 417.",
]

# azure.azcollection.azure_rm_autoscale tasks (the peer's documented options); the setting is read back by name.
AZCOLLECTION_SOURCE = ("ansible-collections/azure plugins/modules/azure_rm_autoscale.py (azure.azcollection {version}, as the "
                       "ansible {ansible} package ships it): AzureRMAutoScale.exec_module, create_rule_instance, "
                       "create_profile_instance, create_notification_instance")
AZCOLLECTION_TASK = """
- name: {title}
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: {title}
      azure.azcollection.azure_rm_autoscale:
{options}
"""
AZCOLLECTION_SCENARIOS = [
    {"file": "metric-rules-and-recurrence", "setting": "azcol-metrics",
     "feature": "a profile with CPU scale-out and scale-in rules and a weekend recurrence profile, as the module's first example",
     "options": {
         "name": "azcol-metrics", "target": "$DEPLOYMENT_ID", "enabled": True, "disable_instance_discovery": True,
         "profiles": [
             {"name": "default", "count": "2", "min_count": "2", "max_count": "5", "rules": [
                 {"metric_name": "CpuUtilizationPercentage", "metric_resource_uri": "$DEPLOYMENT_ID", "time_grain": 1, "statistic": "Average",
                  "time_window": 10, "time_aggregation": "Average", "operator": "GreaterThan", "threshold": 70, "direction": "Increase",
                  "type": "ChangeCount", "value": "1", "cooldown": 20},
                 {"metric_name": "CpuUtilizationPercentage", "metric_resource_uri": "$DEPLOYMENT_ID", "time_grain": 1, "statistic": "Average",
                  "time_window": 10, "time_aggregation": "Average", "operator": "LessThan", "threshold": 30, "direction": "Decrease",
                  "type": "ChangeCount", "value": "1", "cooldown": 30}]},
             {"name": "weekend", "count": "2", "min_count": "2", "max_count": "2", "recurrence_frequency": "Week",
              "recurrence_timezone": "W. Europe Standard Time", "recurrence_days": ["Saturday", "Sunday"], "recurrence_hours": ["0"],
              "recurrence_mins": ["0"]}]}},
    {"file": "fixed-date-endpoint-rule-notifications", "setting": "azcol-fixed",
     "feature": "a fixed-date profile, a rule on the endpoint's RequestLatency, e-mail and webhook notifications",
     "options": {
         "name": "azcol-fixed", "target": "$DEPLOYMENT_ID", "enabled": True, "disable_instance_discovery": True,
         "profiles": [
             {"name": "default", "count": "1", "min_count": "1", "max_count": "4", "rules": [
                 {"metric_name": "RequestLatency", "metric_resource_uri": "$ENDPOINT_ID", "time_grain": 1, "statistic": "Average",
                  "time_window": 5, "time_aggregation": "Average", "operator": "GreaterThan", "threshold": 200, "direction": "Increase",
                  "type": "ChangeCount", "value": "1", "cooldown": 15},
                 {"metric_name": "RequestLatency", "metric_resource_uri": "$ENDPOINT_ID", "time_grain": 1, "statistic": "Average",
                  "time_window": 15, "time_aggregation": "Average", "operator": "LessThan", "threshold": 50, "direction": "Decrease",
                  "type": "ChangeCount", "value": "1", "cooldown": 30}]},
             {"name": "black-friday", "count": "4", "min_count": "4", "max_count": "8", "fixed_date_timezone": "Eastern Standard Time",
              "fixed_date_start": "2026-11-27T00:00:00", "fixed_date_end": "2026-11-30T23:59:00"}],
         "notifications": [{"custom_emails": ["ml-ops@example.com"], "send_to_subscription_administrator": False,
                            "send_to_subscription_co_administrators": False,
                            "webhooks": ["https://hooks.example.com/autoscale?sig=s3cr3t"]}]}},
    {"file": "disabled-percent-exact", "setting": "azcol-disabled",
     "feature": "a disabled setting with PercentChangeCount and ExactCount rules",
     "options": {
         "name": "azcol-disabled", "target": "$DEPLOYMENT_ID", "enabled": False, "disable_instance_discovery": True,
         "profiles": [
             {"name": "default", "count": "2", "min_count": "2", "max_count": "10", "rules": [
                 {"metric_name": "GpuUtilizationPercentage", "metric_resource_uri": "$DEPLOYMENT_ID", "time_grain": 1, "statistic": "Max",
                  "time_window": 5, "time_aggregation": "Maximum", "operator": "GreaterThan", "threshold": 90, "direction": "Increase",
                  "type": "PercentChangeCount", "value": "50", "cooldown": 20},
                 {"metric_name": "GpuUtilizationPercentage", "metric_resource_uri": "$DEPLOYMENT_ID", "time_grain": 1, "statistic": "Average",
                  "time_window": 30, "time_aggregation": "Average", "operator": "LessThan", "threshold": 10, "direction": "Decrease",
                  "type": "ExactCount", "value": "2", "cooldown": 30}]}]}},
]


def _only_loopback():
    """Whether loopback is the only interface of this process's network namespace (/proc/net/dev is per namespace)."""
    with open("/proc/net/dev", encoding="utf-8") as handle:
        interfaces = [line.split(":", 1)[0].strip() for line in handle if ":" in line]
    others = [name for name in interfaces if name != "lo"]
    return not others, others


def _seed():
    seed = default_seed()
    subscription = seed["subscriptions"][0]
    subscription["resource_groups"] = [{"name": RESOURCE_GROUP, "location": "eastus", "workspaces": [{"name": WORKSPACE, "endpoints": [
        {"name": SEED_ENDPOINT, "deployments": [{"name": "blue", "instance_count": 1}]},
        {"name": ENDPOINT, "deployments": [{"name": "blue", "instance_count": 2}, {"name": "green", "instance_count": 1}]}]}]}]
    return seed


class Capture:
    """An emulator with the capture world, and the corpus files written from it."""

    def __init__(self, emulator, out_dir, only):
        self.emulator = emulator
        self.client = ArmClient(emulator)
        self.out_dir = out_dir
        self.only = only

    def wanted(self, name):
        """Whether a scenario is to be captured."""
        return not self.only or name in self.only

    def _ml(self, endpoint, deployment=None):
        path = "/subscriptions/{0}/resourceGroups/{1}/providers/Microsoft.MachineLearningServices/workspaces/{2}/onlineEndpoints/{3}".format(
            self.emulator.env["AZURE_SUBSCRIPTION_ID"], RESOURCE_GROUP, WORKSPACE, endpoint)
        if deployment:
            path += "/deployments/" + deployment
        response = self.client.call("GET", path, api_version=ML_API)
        response.raise_for_status()
        return response.json()

    def variables(self):
        """The ids the scenarios use: what `az ml online-deployment show --query id` and `az ml online-endpoint show --query
        properties."azureml.onlineendpointid"` print, and the endpoint's ARM id."""
        def online_id(name):
            return self._ml(name)["properties"]["properties"]["azureml.onlineendpointid"]
        return {"SEED_DEPLOYMENT_ID": self._ml(SEED_ENDPOINT, "blue")["id"], "SEED_ENDPOINT_ONLINE_ID": online_id(SEED_ENDPOINT),
                "DEPLOYMENT_ID": self._ml(ENDPOINT, "blue")["id"], "ENDPOINT_ID": online_id(ENDPOINT),
                "ENDPOINT_ARM_ID": self._ml(ENDPOINT)["id"]}

    def write(self, producer, file_name, setting, provenance):
        """Read a setting back and write its corpus file; then delete it unless ``keep``."""
        body = self.client.get(RESOURCE_GROUP, setting)
        if body is None:
            raise SystemExit("{0}/{1}: no setting {2!r} after the scenario".format(producer, file_name, setting))
        body.pop("systemData", None)
        record = {"_provenance": dict({"producer": producer, "capture": "captured"}, **provenance)}
        record["_provenance"]["notes"] = [CAPTURE_NOTE] + list(provenance.get("notes") or [])
        record.update(body)
        path = self.out_dir / producer / (file_name + ".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print("captured", path)

    def delete(self, setting):
        """Remove a scenario's setting."""
        self.client.delete(RESOURCE_GROUP, setting)


def _run(command, env, script=None):
    result = subprocess.run(command, input=script, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit("failed ({0}): {1}\n{2}\n{3}".format(result.returncode, command, script or "", (result.stdout + result.stderr)[-6000:]))
    return result.stdout


def _clean_env(emulator):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AZURE_", "ARM_", "MSI_", "IDENTITY_", "ANSIBLE_"))}
    env.update(emulator.client_env())
    return env


# ---------------------------------------------------------------- azure-cli

def capture_cli(capture, az):
    """The CLI scenarios, each from an empty resource group."""
    env = _clean_env(capture.emulator)
    env.update({"AZURE_CORE_COLLECT_TELEMETRY": "false",
                "AZURE_CORE_INSTANCE_DISCOVERY": "false", "AZURE_CORE_NO_COLOR": "true", "AZURE_CORE_SURVEY_MESSAGE": "false",
                "SSL_CERT_FILE": env["REQUESTS_CA_BUNDLE"], "PATH": os.path.dirname(az) + os.pathsep + env.get("PATH", "")})
    env.update(capture.variables())
    with tempfile.TemporaryDirectory(prefix="az-config-") as config:
        env["AZURE_CONFIG_DIR"] = config
        bash = ["bash", "-c", 'set -euo pipefail; eval "$(cat)"']
        _run(bash, env, 'az login --service-principal -u "$AZURE_CLIENT_ID" -p "$AZURE_SECRET" --tenant "$AZURE_TENANT" -o none\n'
                        "az configure --defaults group=" + RESOURCE_GROUP)
        version = json.loads(_run(["az", "version", "-o", "json"], env))["azure-cli"]
        for scenario in CLI_SCENARIOS:
            if not capture.wanted(scenario["file"]):
                continue
            _run(bash, env, "\n".join(scenario["commands"]))
            capture.write("azure-cli", scenario["file"], scenario["setting"], {
                "version": version, "feature": scenario["feature"], "source": scenario["source"], "input": scenario["commands"],
                "notes": ["az configure --defaults group=" + RESOURCE_GROUP + " ran first, as the seed how-to's prerequisites do."]})
            capture.delete(scenario["setting"])


# ---------------------------------------------------------------- azure-sdk-sample

def _sdk_namespace(emulator):
    """The names the how-to's code uses, its clients pointed at the emulator."""
    from azure.ai.ml import MLClient  # pylint: disable=import-outside-toplevel
    from azure.identity import ClientSecretCredential  # pylint: disable=import-outside-toplevel
    from azure.mgmt.monitor import MonitorManagementClient, models  # pylint: disable=import-outside-toplevel

    env = emulator.env
    credential = ClientSecretCredential(env["AZURE_TENANT"], env["AZURE_CLIENT_ID"], env["AZURE_SECRET"],
                                        authority=env["login_endpoint"], disable_instance_discovery=True)
    subscription_id = env["AZURE_SUBSCRIPTION_ID"]
    return {
        "AutoscaleProfile": models.AutoscaleProfile, "ScaleRule": models.ScaleRule, "MetricTrigger": models.MetricTrigger,
        "ScaleAction": models.ScaleAction, "Recurrence": models.Recurrence, "RecurrentSchedule": models.RecurrentSchedule,
        "datetime": datetime, "random": mock.Mock(randint=lambda _low, _high: 417),
        "subscription_id": subscription_id, "resource_group": RESOURCE_GROUP, "workspace": WORKSPACE,
        "endpoint_name": SEED_ENDPOINT, "deployment_name": "blue", "credential": credential,
        "ml_client": MLClient(credential, subscription_id, RESOURCE_GROUP, WORKSPACE),
        "mon_client": MonitorManagementClient(credential, subscription_id, base_url=env["resource_manager_url"],
                                              credential_scopes=[env["audience"].rstrip("/") + "/.default"]),
    }


def capture_sdk(capture):
    """The how-to's Python tab, step after step; the setting is read back after the steps SDK_CAPTURES names."""
    from importlib.metadata import version  # pylint: disable=import-outside-toplevel

    for key, value in capture.emulator.client_env().items():
        os.environ[key] = value
    namespace = _sdk_namespace(capture.emulator)
    source = SDK_SOURCE.format(monitor=version("azure-mgmt-monitor"), ml=version("azure-ai-ml"))
    done, outcomes = [], {}
    for title, code in SDK_STEPS:
        try:
            exec(compile(textwrap.dedent(code), title, "exec"), namespace)  # pylint: disable=exec-used
            outcomes[title] = "ok"
        except Exception as error:  # pylint: disable=broad-exception-caught  # the sample's own failure is a result
            outcomes[title] = "refused: {0}".format(error).splitlines()[0]
        done.append((title, code))
        for file_name, after, feature in SDK_CAPTURES:
            if after == title and capture.wanted(file_name):
                capture.write("azure-sdk-sample", file_name, namespace["autoscale_settings_name"], {
                    "version": "azure-mgmt-monitor {0}, azure-ai-ml {1}".format(version("azure-mgmt-monitor"), version("azure-ai-ml")),
                    "feature": feature, "source": source, "input": ["# " + step + code for step, code in done],
                    "notes": SDK_NOTES + ["Outcome of each step: " + "; ".join("{0}: {1}".format(k, v) for k, v in outcomes.items())]})
    print("SDK steps:", json.dumps(outcomes, indent=1))
    capture.delete(namespace["autoscale_settings_name"])


# ---------------------------------------------------------------- azure.azcollection

PEER_VERSIONS = ("import json, importlib.metadata as m; "
                 "print(json.dumps({n: m.version(n) for n in ('ansible', 'ansible-core', 'azure-mgmt-monitor')}))")
PEER_COLLECTION_VERSION = ("import json, os, ansible_collections.azure.azcollection as c; "
                           "print(json.load(open(os.path.join(list(c.__path__)[0], 'MANIFEST.json')))['collection_info']['version'])")


def _yaml_options(options, variables):
    text = json.dumps(options)
    for name, value in variables.items():
        text = text.replace("$" + name, value)
    return textwrap.indent("\n".join("{0}: {1}".format(key, json.dumps(value)) for key, value in json.loads(text).items()), " " * 8)


def capture_azcollection(capture, peer_venv):
    """The peer's playbooks, run by the peer's own ansible-playbook."""
    python = os.path.join(peer_venv, "bin", "python")
    versions = json.loads(_run([python, "-c", PEER_VERSIONS], os.environ.copy()))
    galaxy = _run([python, "-c", PEER_COLLECTION_VERSION], os.environ.copy()).strip()
    env = _clean_env(capture.emulator)
    env.pop("ARM_CLOUD_METADATA_URL", None)  # azure-cli-core would fetch it at import time; the peer takes AZURE_CLOUD_ENVIRONMENT
    variables = capture.variables()
    with tempfile.TemporaryDirectory(prefix="azcollection-") as work:
        env.update({"AZURE_CONFIG_DIR": os.path.join(work, "azure"), "ANSIBLE_COLLECTIONS_PATH": os.path.join(work, "none"),
                    "ANSIBLE_NOCOLOR": "1"})
        for scenario in AZCOLLECTION_SCENARIOS:
            if not capture.wanted(scenario["file"]):
                continue
            options = dict(scenario["options"], resource_group=RESOURCE_GROUP, location="eastus")
            playbook = AZCOLLECTION_TASK.format(title=scenario["feature"], options=_yaml_options(options, variables))
            path = os.path.join(work, scenario["file"] + ".yml")
            Path(path).write_text(playbook, encoding="utf-8")
            _run([os.path.join(peer_venv, "bin", "ansible-playbook"), path], env)
            capture.write("azure.azcollection", scenario["file"], scenario["setting"], {
                "version": "azure.azcollection {0} (ansible {1}, ansible-core {2}, azure-mgmt-monitor {3})".format(
                    galaxy, versions["ansible"], versions["ansible-core"], versions["azure-mgmt-monitor"]),
                "feature": scenario["feature"], "source": AZCOLLECTION_SOURCE.format(version=galaxy, ansible=versions["ansible"]),
                "input": playbook.replace(variables["DEPLOYMENT_ID"], "<deployment id>").replace(variables["ENDPOINT_ID"], "<endpoint id>")
                .splitlines(),
                "notes": ["The peer reached the emulator through cloud_environment (AZURE_CLOUD_ENVIRONMENT: the metadata URL) with "
                          "bench/peer_sitecustomize.py, as make bench runs it."]})
            capture.delete(scenario["setting"])


def main():
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("producer", choices=["azure-cli", "azure-sdk-sample", "azure.azcollection"])
    parser.add_argument("--az", help="the az executable (azure-cli)")
    parser.add_argument("--peer-venv", help="the virtual environment of azure.azcollection (azure.azcollection)")
    parser.add_argument("--out", default="tests/corpus", help="the corpus directory")
    parser.add_argument("--only", nargs="*", help="scenario file names to capture (default: all)")
    args = parser.parse_args()
    isolated, interfaces = _only_loopback()
    if not isolated:
        raise SystemExit("refusing to run with network interfaces {0}: run it under `unshare --net --map-root-user` "
                         "(make corpus-capture)".format(interfaces))
    with tempfile.TemporaryDirectory(prefix="corpus-capture-") as work:
        seed_path = Path(work, "seed.json")
        seed_path.write_text(json.dumps(_seed()), encoding="utf-8")
        with EmulatorProcess.start(Path(work, "state"), seed=seed_path) as emulator:
            capture = Capture(emulator, Path(args.out), args.only)
            if args.producer == "azure-cli":
                capture_cli(capture, os.path.abspath(args.az))
            elif args.producer == "azure-sdk-sample":
                capture_sdk(capture)
            else:
                capture_azcollection(capture, os.path.abspath(args.peer_venv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
