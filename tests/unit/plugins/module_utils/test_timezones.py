# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every time zone id the modules accept replays in its real zone (CLDR's windowsZones through tzlocal), not at UTC."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _engine, _model, _timezones

UTC = datetime.timezone.utc

# The standard (winter, for the north) UTC offset of each accepted id as the Azure CLI lists it
# (AUTOSCALE_TIMEZONES in azure/cli/command_modules/monitor/_autoscale_util.py, azure-cli 2.91.0); for the ids only the
# REST specification names, the offset the CLI gives the Windows StandardName of that id (STANDARD_NAMES), UTC for UTC.
CLI_STANDARD_OFFSETS = {
    "Dateline Standard Time": "-12:00", "UTC-11": "-11:00", "Aleutian Standard Time": "-10:00",
    "Hawaiian Standard Time": "-10:00", "Marquesas Standard Time": "-09:30", "Alaskan Standard Time": "-09:00",
    "UTC-09": "-09:00", "Pacific Standard Time (Mexico)": "-08:00", "UTC-08": "-08:00",
    "Pacific Standard Time": "-08:00", "US Mountain Standard Time": "-07:00",
    "Mountain Standard Time (Mexico)": "-07:00", "Mountain Standard Time": "-07:00",
    "Central America Standard Time": "-06:00", "Central Standard Time": "-06:00",
    "Easter Island Standard Time": "-06:00", "Central Standard Time (Mexico)": "-06:00",
    "Canada Central Standard Time": "-06:00", "SA Pacific Standard Time": "-05:00",
    "Eastern Standard Time (Mexico)": "-05:00", "Eastern Standard Time": "-05:00",
    "Haiti Standard Time": "-05:00", "Cuba Standard Time": "-05:00", "US Eastern Standard Time": "-05:00",
    "Turks and Caicos Standard Time": "-05:00", "Paraguay Standard Time": "-04:00",
    "Atlantic Standard Time": "-04:00", "Venezuela Standard Time": "-04:00",
    "Central Brazilian Standard Time": "-04:00", "SA Western Standard Time": "-04:00",
    "Pacific SA Standard Time": "-04:00", "Newfoundland Standard Time": "-03:30",
    "Tocantins Standard Time": "-03:00", "E. South America Standard Time": "-03:00",
    "SA Eastern Standard Time": "-03:00", "Argentina Standard Time": "-03:00",
    "Greenland Standard Time": "-03:00", "Montevideo Standard Time": "-03:00",
    "Magallanes Standard Time": "-03:00", "Saint Pierre Standard Time": "-03:00", "Bahia Standard Time": "-03:00",
    "UTC-02": "-02:00", "Mid-Atlantic Standard Time": "-02:00", "Azores Standard Time": "-01:00",
    "Cabo Verde Standard Time": "-01:00", "Coordinated Universal Time": "+00:00",
    "Morocco Standard Time": "+00:00", "GMT Standard Time": "+00:00", "Greenwich Standard Time": "+00:00",
    "W. Europe Standard Time": "+01:00", "Central Europe Standard Time": "+01:00",
    "Romance Standard Time": "+01:00", "Central European Standard Time": "+01:00",
    "W. Central Africa Standard Time": "+01:00", "Jordan Standard Time": "+02:00", "GTB Standard Time": "+02:00",
    "Middle East Standard Time": "+02:00", "Egypt Standard Time": "+02:00", "E. Europe Standard Time": "+02:00",
    "Syria Standard Time": "+02:00", "West Bank Gaza Standard Time": "+02:00",
    "South Africa Standard Time": "+02:00", "FLE Standard Time": "+02:00", "Jerusalem Standard Time": "+02:00",
    "Russia TZ 1 Standard Time": "+02:00", "Sudan Standard Time": "+02:00", "Libya Standard Time": "+02:00",
    "Namibia Standard Time": "+02:00", "Arabic Standard Time": "+03:00", "Turkey Standard Time": "+03:00",
    "Arab Standard Time": "+03:00", "Belarus Standard Time": "+03:00", "Russia TZ 2 Standard Time": "+03:00",
    "E. Africa Standard Time": "+03:00", "Iran Standard Time": "+03:30", "Arabian Standard Time": "+04:00",
    "Astrakhan Standard Time": "+04:00", "Azerbaijan Standard Time": "+04:00",
    "Russia TZ 3 Standard Time": "+04:00", "Mauritius Standard Time": "+04:00", "Saratov Standard Time": "+04:00",
    "Georgian Standard Time": "+04:00", "Caucasus Standard Time": "+04:00", "Afghanistan Standard Time": "+04:30",
    "West Asia Standard Time": "+05:00", "Russia TZ 4 Standard Time": "+05:00",
    "Pakistan Standard Time": "+05:00", "India Standard Time": "+05:30", "Sri Lanka Standard Time": "+05:30",
    "Nepal Standard Time": "+05:45", "Central Asia Standard Time": "+06:00", "Bangladesh Standard Time": "+06:00",
    "Omsk Standard Time": "+06:00", "Myanmar Standard Time": "+06:30", "SE Asia Standard Time": "+07:00",
    "Altai Standard Time": "+07:00", "W. Mongolia Standard Time": "+07:00", "Russia TZ 6 Standard Time": "+07:00",
    "Novosibirsk Standard Time": "+07:00", "Tomsk Standard Time": "+07:00", "China Standard Time": "+08:00",
    "Russia TZ 7 Standard Time": "+08:00", "Malay Peninsula Standard Time": "+08:00",
    "W. Australia Standard Time": "+08:00", "Taipei Standard Time": "+08:00",
    "Ulaanbaatar Standard Time": "+08:00", "North Korea Standard Time": "+08:30",
    "Aus Central W. Standard Time": "+08:45", "Transbaikal Standard Time": "+09:00",
    "Tokyo Standard Time": "+09:00", "Korea Standard Time": "+09:00", "Russia TZ 8 Standard Time": "+09:00",
    "Cen. Australia Standard Time": "+09:30", "AUS Central Standard Time": "+09:30",
    "E. Australia Standard Time": "+10:00", "AUS Eastern Standard Time": "+10:00",
    "West Pacific Standard Time": "+10:00", "Tasmania Standard Time": "+10:00",
    "Russia TZ 9 Standard Time": "+10:00", "Lord Howe Standard Time": "+10:30",
    "Bougainville Standard Time": "+11:00", "Russia TZ 10 Standard Time": "+11:00",
    "Magadan Standard Time": "+11:00", "Norfolk Standard Time": "+11:00", "Sakhalin Standard Time": "+11:00",
    "Central Pacific Standard Time": "+11:00", "Russia TZ 11 Standard Time": "+12:00",
    "New Zealand Standard Time": "+12:00", "UTC+12": "+12:00", "Fiji Standard Time": "+12:00",
    "Kamchatka Standard Time": "+12:00", "Chatham Islands Standard Time": "+12:45", "UTC+13": "+13:00",
    "Tonga Standard Time": "+13:00", "Samoa Standard Time": "+13:00", "Line Islands Standard Time": "+14:00",
    "Cape Verde Standard Time": "-01:00", "UTC": "+00:00", "Israel Standard Time": "+02:00",
    "Kaliningrad Standard Time": "+02:00", "Russian Standard Time": "+03:00", "Russia Time Zone 3": "+04:00",
    "Ekaterinburg Standard Time": "+05:00", "N. Central Asia Standard Time": "+07:00",
    "North Asia Standard Time": "+07:00", "North Asia East Standard Time": "+08:00",
    "Singapore Standard Time": "+08:00", "Yakutsk Standard Time": "+09:00", "Vladivostok Standard Time": "+10:00",
    "Russia Time Zone 10": "+11:00", "Russia Time Zone 11": "+12:00",

}

# Zones whose standard offset changed after the Azure CLI's list was written (tzdata, the IANA database, has each change).
CHANGED_SINCE = {
    "Paraguay Standard Time": ("-03:00", "Paraguay adopted permanent UTC-3 in October 2024"),
    "Greenland Standard Time": ("-02:00", "Greenland (America/Nuuk) moved to UTC-2 in March 2023"),
    "Morocco Standard Time": ("+01:00", "Morocco kept UTC+1 from October 2018, UTC+0 only during Ramadan"),
    "Jordan Standard Time": ("+03:00", "Jordan adopted permanent UTC+3 in October 2022"),
    "Syria Standard Time": ("+03:00", "Syria adopted permanent UTC+3 in October 2022"),
    "North Korea Standard Time": ("+09:00", "North Korea returned to UTC+9 in May 2018"),
}
WINTER, SUMMER = datetime.datetime(2025, 1, 15, 12, tzinfo=UTC), datetime.datetime(2025, 7, 15, 12, tzinfo=UTC)


def _minutes(text):
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text.lstrip("+-").split(":")
    return sign * (int(hours) * 60 + int(minutes))


def test_the_table_covers_every_accepted_id():
    assert sorted(CLI_STANDARD_OFFSETS) == sorted(_timezones.WINDOWS_TIME_ZONES)


@pytest.mark.parametrize("windows_id", _timezones.WINDOWS_TIME_ZONES)
def test_every_accepted_id_replays_in_its_zone(windows_id):
    """The standard offset is the lower of a winter and a summer date's offset (the one without daylight saving)."""
    zone, warning = _engine.resolve_time_zone(windows_id, "error")
    assert warning is None
    offsets = [int(moment.astimezone(zone).utcoffset().total_seconds() // 60) for moment in (WINTER, SUMMER)]
    expected = CHANGED_SINCE.get(windows_id, (CLI_STANDARD_OFFSETS[windows_id],))[0]
    assert min(offsets) == _minutes(expected), (windows_id, _timezones.iana_zone(windows_id), offsets)


@pytest.mark.parametrize("windows_id, utc_time", [
    ("Arabic Standard Time", "05:00"), ("SA Eastern Standard Time", "11:00"), ("Myanmar Standard Time", "01:30"),
    ("Russia TZ 1 Standard Time", "06:00"), ("Coordinated Universal Time", "08:00"), ("Cabo Verde Standard Time", "09:00"),
    ("W. Europe Standard Time", "06:00"),
])
def test_a_schedule_switches_at_its_local_hour(windows_id, utc_time):
    """A recurring profile at 08:00 local time starts at the UTC hour of that zone (July), not at 08:00 UTC."""
    profiles = [{"name": "default", "capacity": {"minimum": 1, "maximum": 1, "default": 1}, "rules": []},
                {"name": "day", "capacity": {"minimum": 2, "maximum": 2, "default": 2}, "rules": [],
                 "recurrence": {"days": list(_model.WEEKDAYS), "time_zone": windows_id, "start": "08:00", "end": "20:00"}}]
    start = datetime.datetime(2025, 7, 15, 0, tzinfo=UTC)
    result = _engine.simulate({"profiles": profiles}, {}, start, start + datetime.timedelta(hours=24), {"initial_count": 1})
    assert result["warnings"] == []
    switch = next(point for point in result["timeline"] if point["profile"] == "day")
    assert switch["time"] == "2025-07-15T{0}:00Z".format(utc_time)


@pytest.mark.parametrize("given, windows_id", [
    ("Europe/Berlin", "W. Europe Standard Time"), ("America/Los_Angeles", "Pacific Standard Time"), ("asia/tokyo", "Tokyo Standard Time"),
    ("Etc/UTC", "UTC"), ("Asia/Kolkata", "India Standard Time"), ("Europe/Kaliningrad", "Kaliningrad Standard Time"),
])
def test_iana_names_become_the_windows_id_azure_needs(given, windows_id):
    assert _timezones.canonical_time_zone(given, "recurrence.time_zone") == windows_id


@pytest.mark.parametrize("given", ["Mars/Olympus_Mons", "CET+1", ""])
def test_unknown_zones_are_refused_naming_the_field(given):
    with pytest.raises(ValueError, match=r"^recurrence\.time_zone: .* is not a Windows time zone id"):
        _timezones.canonical_time_zone(given, "recurrence.time_zone")
