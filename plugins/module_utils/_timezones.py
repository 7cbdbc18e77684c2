# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Time zones of autoscale schedules: the Windows ids Azure accepts, and the IANA zone each one stands for.

The Windows -> IANA mapping is CLDR's windowsZones (the zone of territory 001 of each Windows id), as the tzlocal
library ships it (``tzlocal.windows_tz``); STANDARD_NAMES covers the names the Azure CLI offers that are not Windows ids.
"""

from __future__ import annotations

try:
    from tzlocal.windows_tz import tz_win as _IANA_TO_WINDOWS, win_tz as _WINDOWS_TO_IANA
except ImportError:  # reported by iana_zone(); the accepted ids do not need it
    _IANA_TO_WINDOWS = _WINDOWS_TO_IANA = None

# The list `az monitor autoscale profile list-timezones` offers (AUTOSCALE_TIMEZONES in the Azure CLI's monitor module).
CLI_TIME_ZONES = (
    "Dateline Standard Time",
    "UTC-11",
    "Aleutian Standard Time",
    "Hawaiian Standard Time",
    "Marquesas Standard Time",
    "Alaskan Standard Time",
    "UTC-09",
    "Pacific Standard Time (Mexico)",
    "UTC-08",
    "Pacific Standard Time",
    "US Mountain Standard Time",
    "Mountain Standard Time (Mexico)",
    "Mountain Standard Time",
    "Central America Standard Time",
    "Central Standard Time",
    "Easter Island Standard Time",
    "Central Standard Time (Mexico)",
    "Canada Central Standard Time",
    "SA Pacific Standard Time",
    "Eastern Standard Time (Mexico)",
    "Eastern Standard Time",
    "Haiti Standard Time",
    "Cuba Standard Time",
    "US Eastern Standard Time",
    "Turks and Caicos Standard Time",
    "Paraguay Standard Time",
    "Atlantic Standard Time",
    "Venezuela Standard Time",
    "Central Brazilian Standard Time",
    "SA Western Standard Time",
    "Pacific SA Standard Time",
    "Newfoundland Standard Time",
    "Tocantins Standard Time",
    "E. South America Standard Time",
    "SA Eastern Standard Time",
    "Argentina Standard Time",
    "Greenland Standard Time",
    "Montevideo Standard Time",
    "Magallanes Standard Time",
    "Saint Pierre Standard Time",
    "Bahia Standard Time",
    "UTC-02",
    "Mid-Atlantic Standard Time",
    "Azores Standard Time",
    "Cabo Verde Standard Time",
    "Coordinated Universal Time",
    "Morocco Standard Time",
    "GMT Standard Time",
    "Greenwich Standard Time",
    "W. Europe Standard Time",
    "Central Europe Standard Time",
    "Romance Standard Time",
    "Central European Standard Time",
    "W. Central Africa Standard Time",
    "Jordan Standard Time",
    "GTB Standard Time",
    "Middle East Standard Time",
    "Egypt Standard Time",
    "E. Europe Standard Time",
    "Syria Standard Time",
    "West Bank Gaza Standard Time",
    "South Africa Standard Time",
    "FLE Standard Time",
    "Jerusalem Standard Time",
    "Russia TZ 1 Standard Time",
    "Sudan Standard Time",
    "Libya Standard Time",
    "Namibia Standard Time",
    "Arabic Standard Time",
    "Turkey Standard Time",
    "Arab Standard Time",
    "Belarus Standard Time",
    "Russia TZ 2 Standard Time",
    "E. Africa Standard Time",
    "Iran Standard Time",
    "Arabian Standard Time",
    "Astrakhan Standard Time",
    "Azerbaijan Standard Time",
    "Russia TZ 3 Standard Time",
    "Mauritius Standard Time",
    "Saratov Standard Time",
    "Georgian Standard Time",
    "Caucasus Standard Time",
    "Afghanistan Standard Time",
    "West Asia Standard Time",
    "Russia TZ 4 Standard Time",
    "Pakistan Standard Time",
    "India Standard Time",
    "Sri Lanka Standard Time",
    "Nepal Standard Time",
    "Central Asia Standard Time",
    "Bangladesh Standard Time",
    "Omsk Standard Time",
    "Myanmar Standard Time",
    "SE Asia Standard Time",
    "Altai Standard Time",
    "W. Mongolia Standard Time",
    "Russia TZ 6 Standard Time",
    "Novosibirsk Standard Time",
    "Tomsk Standard Time",
    "China Standard Time",
    "Russia TZ 7 Standard Time",
    "Malay Peninsula Standard Time",
    "W. Australia Standard Time",
    "Taipei Standard Time",
    "Ulaanbaatar Standard Time",
    "North Korea Standard Time",
    "Aus Central W. Standard Time",
    "Transbaikal Standard Time",
    "Tokyo Standard Time",
    "Korea Standard Time",
    "Russia TZ 8 Standard Time",
    "Cen. Australia Standard Time",
    "AUS Central Standard Time",
    "E. Australia Standard Time",
    "AUS Eastern Standard Time",
    "West Pacific Standard Time",
    "Tasmania Standard Time",
    "Russia TZ 9 Standard Time",
    "Lord Howe Standard Time",
    "Bougainville Standard Time",
    "Russia TZ 10 Standard Time",
    "Magadan Standard Time",
    "Norfolk Standard Time",
    "Sakhalin Standard Time",
    "Central Pacific Standard Time",
    "Russia TZ 11 Standard Time",
    "New Zealand Standard Time",
    "UTC+12",
    "Fiji Standard Time",
    "Kamchatka Standard Time",
    "Chatham Islands Standard Time",
    "UTC+13",
    "Tonga Standard Time",
    "Samoa Standard Time",
    "Line Islands Standard Time",)

# Ids the REST API specification (autoscale_API.json, 2022-10-01) names as valid that the CLI list lacks.
SPEC_ONLY_TIME_ZONES = (
    "Cape Verde Standard Time",
    "UTC",
    "Israel Standard Time",
    "Kaliningrad Standard Time",
    "Russian Standard Time",
    "Russia Time Zone 3",
    "Ekaterinburg Standard Time",
    "N. Central Asia Standard Time",
    "North Asia Standard Time",
    "North Asia East Standard Time",
    "Singapore Standard Time",
    "Yakutsk Standard Time",
    "Vladivostok Standard Time",
    "Russia Time Zone 10",
    "Russia Time Zone 11",)

WINDOWS_TIME_ZONES = CLI_TIME_ZONES + SPEC_ONLY_TIME_ZONES

# Names in the Azure CLI's list that are not Windows time zone ids but the StandardName of one (.NET
# TimeZoneInfo.FindSystemTimeZoneById(id).StandardName; for example the id "Kaliningrad Standard Time" has the
# StandardName "Russia TZ 1 Standard Time"), or ids Windows has retired: the id whose zone each one means.
STANDARD_NAMES = {
    "Cabo Verde Standard Time": "Cape Verde Standard Time",
    "Coordinated Universal Time": "UTC",
    "Jerusalem Standard Time": "Israel Standard Time",
    "Malay Peninsula Standard Time": "Singapore Standard Time",
    "Novosibirsk Standard Time": "N. Central Asia Standard Time",
    "Russia TZ 1 Standard Time": "Kaliningrad Standard Time",
    "Russia TZ 2 Standard Time": "Russian Standard Time",
    "Russia TZ 3 Standard Time": "Russia Time Zone 3",
    "Russia TZ 4 Standard Time": "Ekaterinburg Standard Time",
    "Russia TZ 6 Standard Time": "North Asia Standard Time",
    "Russia TZ 7 Standard Time": "North Asia East Standard Time",
    "Russia TZ 8 Standard Time": "Yakutsk Standard Time",
    "Russia TZ 9 Standard Time": "Vladivostok Standard Time",
    "Russia TZ 10 Standard Time": "Russia Time Zone 10",
    "Russia TZ 11 Standard Time": "Russia Time Zone 11",
    "Turks and Caicos Standard Time": "Turks And Caicos Standard Time",
    "West Bank Gaza Standard Time": "West Bank Standard Time",
    # Retired Windows ids ("(UTC+12:00) Petropavlovsk-Kamchatsky - Old", "(UTC-02:00) Mid-Atlantic - Old"): CLDR no
    # longer maps them; they mean the zone of their successor.
    "Kamchatka Standard Time": "Russia Time Zone 11",
    "Mid-Atlantic Standard Time": "UTC-02",
}

_BY_LOWER_NAME = {zone.lower(): zone for zone in WINDOWS_TIME_ZONES}
_IANA_HINT = "install the Python library tzlocal, which ships CLDR's Windows time zone mapping"


class TimeZoneDataMissing(ValueError):
    """tzlocal (CLDR's Windows time zone mapping) is not installed."""


def _mapping():
    if _WINDOWS_TO_IANA is None:
        raise TimeZoneDataMissing("the Windows to IANA time zone mapping is not available: {0}".format(_IANA_HINT))
    return _WINDOWS_TO_IANA


def iana_zone(windows_id):
    """The IANA zone a Windows time zone id (or a name the Azure CLI offers) stands for, or None when it has none.

    Raises TimeZoneDataMissing without tzlocal.
    """
    mapping = _mapping()
    accepted = _BY_LOWER_NAME.get(str(windows_id).strip().lower(), windows_id)
    return mapping.get(STANDARD_NAMES.get(accepted, accepted))


def _from_iana(value):
    """The accepted Windows id of an IANA zone name (``Europe/Berlin``), or None."""
    if "/" not in value or _IANA_TO_WINDOWS is None:
        return None
    lowered = value.lower()
    windows_id = next((zone for name, zone in _IANA_TO_WINDOWS.items() if name.lower() == lowered), None)
    if windows_id is None:
        return None
    return _BY_LOWER_NAME.get(windows_id.lower()) or next(
        (name for name, target in STANDARD_NAMES.items() if target == windows_id and name in _BY_LOWER_NAME.values()), None)


def canonical_time_zone(value, field):
    """The canonical spelling of a Windows time zone id, matched case-insensitively; an IANA zone name
    (``Europe/Berlin``) becomes the Windows id Azure needs."""
    text = str(value).strip() if value is not None else ""
    zone = _BY_LOWER_NAME.get(text.lower()) or _from_iana(text)
    if zone is None:
        hint = " ({0} to give IANA names)".format(_IANA_HINT) if "/" in text and _IANA_TO_WINDOWS is None else ""
        raise ValueError(
            "{0}: {1!r} is not a Windows time zone id Azure autoscale accepts, such as 'UTC', 'Pacific Standard Time' or "
            "'W. Europe Standard Time', nor an IANA zone with one{2} (the full list: az monitor autoscale profile "
            "list-timezones)".format(field, value, hint))
    return zone
