# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Ansible argument specs, derived from the vocabulary (_vocabulary.py; documented by the generated doc fragments)."""

from __future__ import annotations

from ansible_collections.mlops.autoscale.plugins.module_utils import _vocabulary as vocabulary

# The facts an Ansible argument spec takes; the others (description, range, wire, ...) are documentation or model.
SPEC_FACTS = ("type", "elements", "required", "choices", "default", "aliases", "no_log")

TARGET_NAMES = ("resource_group", "workspace", "endpoint", "deployment", "target_id")

TARGET_CONSTRAINTS = {
    "mutually_exclusive": [("target_id", "workspace"), ("target_id", "endpoint"), ("target_id", "deployment")],
    "required_one_of": [("target_id", "deployment")],
    "required_together": [("resource_group", "workspace", "endpoint", "deployment")],
}


def option_spec(field, partial=False):
    """The argument spec of one vocabulary field; ``partial`` drops ``required`` and ``default`` (fields to merge)."""
    spec = {key: list(value) if isinstance(value, tuple) else value for key, value in field.items()
            if key in SPEC_FACTS and not (partial and key in ("required", "default"))}
    if isinstance(spec.get("default"), (list, dict)):
        spec["default"] = type(spec["default"])(spec["default"])
    if "suboptions" in field:
        spec["options"] = argument_spec(field["suboptions"], partial or field.get("partial", False))
    return spec


def argument_spec(fields, partial=False):
    """The argument specs of a group of vocabulary fields."""
    return {name: option_spec(field, partial) for name, field in fields.items()}


def rule_options():
    """The fields of one rule (operator, threshold and direction are checked by the model when a rule is present)."""
    return argument_spec(vocabulary.RULE)


def profile_options():
    """The fields of one profile, as autoscale_profile takes them at the top level."""
    return argument_spec(vocabulary.PROFILE)


def profiles_spec():
    """The ``profiles`` list of autoscale_state."""
    return {"type": "list", "elements": "dict", "options": argument_spec(vocabulary.PROFILE_ITEM),
            "mutually_exclusive": [("recurrence", "fixed_date")]}


def notifications_spec():
    """The ``notifications`` option of autoscale_state."""
    return option_spec(vocabulary.NOTIFICATIONS_OPTION)


def policy_spec():
    """The ``policy`` option of autoscale_state (the role's vocabulary)."""
    spec = option_spec(vocabulary.POLICY_OPTION)
    spec["options"]["profiles"]["mutually_exclusive"] = [("recurrence", "fixed_date")]
    return spec


def target_spec():
    """The options that name the online deployment."""
    return argument_spec({name: vocabulary.TARGET[name] for name in TARGET_NAMES})


def simulation_parameters_spec():
    """The ``parameters`` option of autoscale_simulate."""
    return option_spec(vocabulary.SIMULATION_PARAMETERS_OPTION)


def slo_spec():
    """The ``slo`` option of autoscale_simulate and autoscale_recommend."""
    return option_spec(vocabulary.SLO_OPTION)


def common_write_spec():
    """Options every write module takes besides its own: target, setting name, location, strict, state."""
    spec = argument_spec(vocabulary.TARGET)
    spec["state"] = {"type": "str", "choices": ["present", "absent"], "default": "present"}
    return spec
