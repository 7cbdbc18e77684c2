# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role endpoint_autoscale on a fleet: playbooks/configure_fleet.yml over 20 online deployments.

A module-scoped ARM emulator (separate from the harness's) is seeded with
``python -m arm_emulator make-seed`` (2 workspaces x 5 endpoints x 2 deployments), and an inventory
with one host per deployment is generated in a temporary directory, plus two hosts that must fail
alone: a deployment that does not exist and a policy that violates the capacity limits.

The tests run in order on the same fleet: check mode on a new fleet writes nothing; the first run
makes exactly one write per deployment; the second none; an out-of-band edit shows in check mode as
a diff without a write; ``--limit`` converges only the hosts it names, one write each.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from conftest import playbook_env  # pylint: disable=import-error

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'configure_fleet.yml'
OUTPUT_DIR = COLLECTION_ROOT / 'tests' / 'output' / 'integration'
TIMEOUT = int(os.environ.get('INTEGRATION_TARGET_TIMEOUT', '900'))
FORKS = '8'
API_VERSION = '2022-10-01'
AUTOSCALE_PATH = re.compile(r'/providers/microsoft\.insights/autoscalesettings/', re.IGNORECASE)
RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.MULTILINE)

MISSING_HOST = 'ws-fleet-000.ep-000-00.missing'
BAD_LIMITS_HOST = 'bad-limits.ws-fleet-000.ep-000-00.blue'
BROKEN = (MISSING_HOST, BAD_LIMITS_HOST)


class Fleet:
    """The emulator, the generated inventory, and a runner of configure_fleet.yml."""

    def __init__(self, emulator, root: Path):
        self.emulator = emulator
        self.root = root
        self.deployments = list(emulator.env['deployments'])
        self.hosts = {}
        for item in self.deployments:
            names = _names(item['id'])
            self.hosts['{workspace}.{endpoint}.{deployment}'.format(**names)] = names
        self.env = playbook_env(emulator)
        self.inventory = root / 'inventory'
        self._write_inventory()
        self.runs = 0

    def _write_inventory(self):
        (self.inventory / 'group_vars').mkdir(parents=True)
        fleet = {}
        for index, (host, names) in enumerate(sorted(self.hosts.items())):
            fleet[host] = {
                'endpoint_autoscale_resource_group': names['resource_group'],
                'endpoint_autoscale_workspace': names['workspace'],
                'endpoint_autoscale_endpoint': names['endpoint'],
                'endpoint_autoscale_deployment': names['deployment'],
                # Policies differ from host to host.
                'endpoint_autoscale_capacity': {'minimum': 1, 'maximum': 3 + index % 3, 'default': 1},
            }
        first = self.hosts['ws-fleet-000.ep-000-00.blue']
        broken = {
            MISSING_HOST: dict(fleet['ws-fleet-000.ep-000-00.blue'], endpoint_autoscale_deployment='missing'),
            BAD_LIMITS_HOST: {
                'endpoint_autoscale_resource_group': first['resource_group'],
                'endpoint_autoscale_workspace': first['workspace'],
                'endpoint_autoscale_endpoint': first['endpoint'],
                'endpoint_autoscale_deployment': first['deployment'],
                'endpoint_autoscale_capacity': {'minimum': 5, 'maximum': 2, 'default': 5},
            },
        }
        hosts = {'all': {'children': {'fleet': {'hosts': fleet}, 'broken': {'hosts': broken}}}}
        (self.inventory / 'hosts.yml').write_text(json.dumps(hosts, indent=1), encoding='utf-8')
        group_vars = {
            'ansible_connection': 'local',
            'ansible_python_interpreter': sys.executable,
            'fleet_cpu_out': 70,
            'endpoint_autoscale_rules': [
                {'metric_name': 'CpuUtilizationPercentage', 'operator': 'GreaterThan', 'threshold': '{{ fleet_cpu_out }}',
                 'direction': 'Increase', 'value': 1},
                {'metric_name': 'CpuUtilizationPercentage', 'operator': 'LessThan', 'threshold': 25,
                 'direction': 'Decrease', 'value': 1, 'cooldown': '30m'},
            ],
            # Scheduled profiles, so that a drift of one threshold has to be found among several profiles' rules.
            'endpoint_autoscale_profiles': [
                {'name': 'weekend', 'capacity': {'minimum': 1, 'maximum': 2, 'default': 1},
                 'recurrence': {'days': ['Saturday', 'Sunday'], 'time_zone': 'W. Europe Standard Time', 'start': '00:00'},
                 'rules': [{'metric_name': 'CpuUtilizationPercentage', 'operator': 'GreaterThan', 'threshold': 85,
                            'direction': 'Increase', 'value': 1}]},
                {'name': 'black-friday', 'capacity': {'minimum': 2, 'maximum': 6, 'default': 2},
                 'fixed_date': {'start': '2031-11-28T00:00:00', 'end': '2031-11-29T23:59:00', 'time_zone': 'Eastern Standard Time'},
                 'rules': [{'metric_name': 'CpuUtilizationPercentage', 'operator': 'GreaterThan', 'threshold': 60,
                            'direction': 'Increase', 'value': 2},
                           {'metric_name': 'CpuUtilizationPercentage', 'operator': 'LessThan', 'threshold': 20,
                            'direction': 'Decrease', 'value': 1, 'cooldown': '30m'}]},
            ],
            'endpoint_autoscale_tags': {'managed-by': 'ansible'},
        }
        (self.inventory / 'group_vars' / 'all.yml').write_text(json.dumps(group_vars, indent=1), encoding='utf-8')

    def run(self, *extra: str) -> tuple[str, dict, Counter]:
        """Run configure_fleet.yml; return the output, the recap {host: (ok, changed, failed)} and the writes per setting."""
        self.emulator.clear_requests()
        self.runs += 1
        command = [str(Path(sys.executable).with_name('ansible-playbook')), '-i', str(self.inventory), str(PLAYBOOK),
                   '--forks', FORKS, *extra]
        started = time.monotonic()
        result = subprocess.run(command, env=self.env, cwd=str(self.root), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT, check=False)
        elapsed = time.monotonic() - started
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        (OUTPUT_DIR / f'fleet-{self.runs}.log').write_text(
            f'$ {" ".join(command)}\n# rc={result.returncode} elapsed={elapsed:.1f}s\n{result.stdout}', encoding='utf-8')
        recap = {match.group(1): (int(match.group(2)), int(match.group(3)), int(match.group(5)))
                 for match in RECAP.finditer(result.stdout)}
        writes = Counter(entry['path'].lower() for entry in self.emulator.requests()
                         if entry['method'] in ('PUT', 'PATCH', 'DELETE') and AUTOSCALE_PATH.search(entry['path']))
        return result.stdout, recap, writes

    def listings(self) -> Counter:
        """Listings in the last run: of autoscale settings per resource group, of endpoints per workspace."""
        paths = [entry['path'].lower() for entry in self.emulator.requests() if entry['method'] == 'GET']
        return Counter(path for path in paths if path.endswith(('/autoscalesettings', '/onlineendpoints')))

    def setting_path(self, host: str) -> str:
        """The ARM path of the autoscale setting the role creates for a host."""
        names = self.hosts[host]
        return ('/subscriptions/{0}/resourcegroups/{1}/providers/microsoft.insights/autoscalesettings/autoscale-{2}-{3}'.format(
            names['subscription_id'], names['resource_group'], names['endpoint'], names['deployment'])).lower()

    def edit_out_of_band(self, host: str, threshold: float):
        """GET the setting, raise its first scale-out threshold and PUT it back, as the portal would."""
        token = self.emulator.token()
        context = ssl.create_default_context(cafile=self.emulator.env['REQUESTS_CA_BUNDLE'])
        url = f'{self.emulator.base_url}{self.setting_path(host)}?api-version={API_VERSION}'

        def call(method, body=None):
            data = json.dumps(body).encode() if body is not None else None
            request = urllib.request.Request(url, data=data, method=method, headers={
                'Authorization': f'Bearer {token}', 'Content-Type': 'application/json'})
            with urllib.request.urlopen(request, context=context, timeout=30) as response:
                return json.loads(response.read())

        body = call('GET')
        rule = next(rule for rule in body['properties']['profiles'][0]['rules'] if rule['scaleAction']['direction'] == 'Increase')
        rule['metricTrigger']['threshold'] = threshold
        call('PUT', {key: body[key] for key in ('location', 'tags', 'properties')})


def _names(deployment_id: str) -> dict:
    parts = deployment_id.strip('/').split('/')
    lower = [part.lower() for part in parts]
    return {'subscription_id': parts[lower.index('subscriptions') + 1],
            'resource_group': parts[lower.index('resourcegroups') + 1],
            'workspace': parts[lower.index('workspaces') + 1],
            'endpoint': parts[lower.index('onlineendpoints') + 1],
            'deployment': parts[lower.index('deployments') + 1]}


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    """A fresh emulator with 20 online deployments and an inventory for them."""
    from arm_emulator.testing import EmulatorProcess  # pylint: disable=import-outside-toplevel

    root = tmp_path_factory.mktemp('fleet')
    seed = root / 'seed.json'
    seed.write_text(subprocess.run(
        [sys.executable, '-m', 'arm_emulator', 'make-seed', '--workspaces', '2', '--endpoints-per-workspace', '5',
         '--deployments-per-endpoint', '2', '--resource-groups', '2'],
        check=True, stdout=subprocess.PIPE, text=True).stdout, encoding='utf-8')
    emulator = EmulatorProcess.start(root / 'state', seed=seed)
    try:
        yield Fleet(emulator, root)
    finally:
        emulator.stop()


def _assert_broken_failed_alone(output, recap):
    for host in BROKEN:
        assert recap[host][2] == 1, f'{host} should fail:\n{output}'
    # The message says why: the deployment is not found / the capacity range is invalid.
    missing = re.search(r'^fatal: \[' + re.escape(MISSING_HOST) + r'\].*$', output, re.MULTILINE)
    bad = re.search(r'^fatal: \[' + re.escape(BAD_LIMITS_HOST) + r'\].*$', output, re.MULTILINE)
    assert missing and re.search(r'(?i)missing', missing.group(0)) and re.search(r'(?i)not ?found', missing.group(0)), output
    assert bad and re.search(r'(?i)minimum|maximum', bad.group(0)), output


def test_fleet_has_20_deployments(fleet):
    assert len(fleet.hosts) >= 20


def test_check_mode_on_a_new_fleet_writes_nothing(fleet):
    some = sorted(fleet.hosts)[-5:]
    output, recap, writes = fleet.run('--check', '--diff', '--limit', ','.join(some))
    assert not writes, writes
    assert {host: values[1:] for host, values in recap.items()} == {host: (1, 0) for host in some}, output
    assert output.count('+++ after') == len(some), output


def test_first_run_one_write_per_deployment_and_failures_stay_local(fleet):
    output, recap, writes = fleet.run()
    for host in fleet.hosts:
        assert recap[host][1:] == (1, 0), f'{host}: {recap.get(host)}\n{output}'
    assert writes == Counter({fleet.setting_path(host): 1 for host in fleet.hosts}), writes
    _assert_broken_failed_alone(output, recap)
    # The forks share one listing per resource group and per workspace (not one per deployment).
    listings = fleet.listings()
    resource_groups = {names['resource_group'].lower() for names in fleet.hosts.values()}
    assert sorted(path.split('/')[4] for path in listings if path.endswith('/autoscalesettings')) == sorted(resource_groups), listings
    assert all(count == 1 for count in listings.values()), listings


def test_second_run_writes_nothing(fleet):
    output, recap, writes = fleet.run('--limit', 'fleet')
    assert not writes, writes
    assert set(recap) == set(fleet.hosts)
    assert all(values[1:] == (0, 0) for values in recap.values()), output


def _diff_of(output: str, host: str) -> list:
    """The lines of the diff ansible-playbook printed for ``host``'s converge task (from ``--- before`` to its result)."""
    lines = output.splitlines()
    end = next(index for index, line in enumerate(lines) if line.startswith(f'changed: [{host}]'))
    start = max(index for index in range(end) if lines[index].startswith('--- before'))
    return [line for line in lines[start:end] if line.strip()]


def test_drift_shows_in_check_mode_and_limit_converges_one_write_each(fleet):
    edited = sorted(fleet.hosts)[:3]
    for host in edited:
        fleet.edit_out_of_band(host, 95)

    output, recap, writes = fleet.run('--limit', 'fleet', '--check', '--diff')
    assert not writes, writes
    assert sorted(host for host, values in recap.items() if values[1]) == edited, output
    # The diff names the path of what drifted, and only that.
    path = r'"profiles\.default\.rules\[CpuUtilizationPercentage > 70 Increase\]\.threshold"'
    assert re.search(r'^-\s+' + path + ': 95', output, re.MULTILINE), output
    assert re.search(r'^\+\s+' + path + ': 70', output, re.MULTILINE), output
    diff = _diff_of(output, edited[0])
    assert len(diff) <= 15 and any(re.search(path, line) for line in diff), '\n'.join(diff)

    output, recap, writes = fleet.run('--limit', ','.join(edited[:2]))
    assert set(recap) == set(edited[:2]), output
    assert writes == Counter({fleet.setting_path(host): 1 for host in edited[:2]}), writes

    output, recap, writes = fleet.run('--limit', 'fleet')
    assert writes == Counter({fleet.setting_path(edited[2]): 1}), writes
    assert [host for host, values in recap.items() if values[1]] == [edited[2]], output
