# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils._durations import format_duration, iso_duration, parse_duration


@pytest.mark.parametrize("value, seconds", [
    ("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("1d", 86400), ("1w", 604800), ("1W2D", 777600),
    ("PT5M", 300), ("pt5m", 300), ("PT300S", 300), ("PT1H30M", 5400), ("P1D", 86400), ("P7D", 604800), ("P1W", 604800),
    ("P1DT2H", 93600), ("PT0.0S", 0), ("PT30.000S", 30), (5, 300), ("90", 5400), (" 10 ", 600), (0, 0),
])
def test_parse_duration(value, seconds):
    assert parse_duration(value, "rules[0].cooldown") == seconds


@pytest.mark.parametrize("value", ["", "P", "PT", "P1DT", "5x", "m5", "1.5h", "PT1.5S", -5, True, None, [], "5 m", "1h 30m"])
def test_parse_duration_rejects(value):
    with pytest.raises(ValueError, match=r"^rules\[0\]\.cooldown: .*is not a duration; use 30s, 5m"):
        parse_duration(value, "rules[0].cooldown")


@pytest.mark.parametrize("seconds, human, iso", [
    (0, "0s", "PT0S"), (30, "30s", "PT30S"), (60, "1m", "PT1M"), (300, "5m", "PT5M"), (3600, "1h", "PT1H"), (5400, "1h30m", "PT1H30M"),
    (3690, "1h1m30s", "PT1H1M30S"), (86400, "1d", "P1D"), (93600, "1d2h", "P1DT2H"), (604800, "1w", "P7D"), (43200, "12h", "PT12H"),
])
def test_format_and_iso(seconds, human, iso):
    assert format_duration(seconds) == human
    assert iso_duration(seconds) == iso
    assert parse_duration(human, "x") == parse_duration(iso, "x") == seconds
