# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Durations: friendly (``1h30m``), ISO 8601 (``PT1H30M``) and integer minutes, all to and from seconds."""

from __future__ import annotations

import datetime
import re

UNIT_SECONDS = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))

HUMAN_DURATION = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
ISO_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.0+)?S)?)?$")
DURATION_FORMS = "30s, 5m, 1h, 1h30m, 1d, 1w, ISO 8601 (PT5M, PT1H30M, P1D) or an integer of minutes"


def _sum_units(match):
    return sum(int(amount) * seconds for amount, (_unit, seconds) in zip(match.groups(), UNIT_SECONDS) if amount)


def parse_duration(value, field):
    """Seconds in ``value``; ``field`` names the option in the error."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value * 60
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text) * 60
        for pattern, candidate in ((HUMAN_DURATION, text.lower()), (ISO_DURATION, text.upper())):
            match = pattern.match(candidate)
            if match and any(match.groups()) and not candidate.endswith("T"):
                return _sum_units(match)
    raise ValueError("{0}: {1!r} is not a duration; use {2}".format(field, value, DURATION_FORMS))


def _split_units(seconds):
    parts = []
    for unit, size in UNIT_SECONDS:
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append((amount, unit))
    return parts


def format_duration(seconds):
    """The canonical friendly form: ``90`` minutes (5400 s) is ``1h30m``."""
    return "".join("{0}{1}".format(amount, unit) for amount, unit in _split_units(seconds)) or "0s"


def iso_duration(seconds):
    """The ISO 8601 form ARM and the Azure CLI write: ``PT5M``, ``PT1H30M``, ``P1D``, ``P7D``."""
    days, rest = divmod(seconds, 86400)
    clock = "".join("{0}{1}".format(amount, unit.upper()) for amount, unit in _split_units(rest))
    text = "P" + ("{0}D".format(days) if days else "")
    if clock or not days:
        text += "T" + (clock or "0S")
    return text


def parse_utc_minute(value, field):
    """An aware UTC datetime floored to the minute from ``YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]`` (no zone: UTC)."""
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError("{0}: {1!r} is not a date and time; use YYYY-MM-DDTHH:MM:SSZ (UTC)".format(field, value)) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).replace(second=0, microsecond=0)


def utc_window(window, end, field_range, now=None):
    """(start, end) of a history window: ``window`` a duration within ``field_range`` (low and high seconds and how to
    say them), ``end`` a UTC date and time or None (the current minute)."""
    seconds = parse_duration(window, "window")
    low, high, allowed = field_range
    if not low <= seconds <= high:
        raise ValueError("window: {0} is out of range; allowed: {1}".format(window, allowed))
    stop = parse_utc_minute(end, "end") if end else (now or datetime.datetime.now(datetime.timezone.utc)).replace(second=0, microsecond=0)
    return stop - datetime.timedelta(seconds=seconds), stop
