# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Export -> apply round trip against the ARM emulator.

On rg-ml-prod/ws-prod (seeded with ep-fraud/{blue,green} and ep-recommend/{blue,green}):
settings are made with the collection (ep-fraud/blue: scheduled profiles, notifications with a secret webhook, tags;
ep-recommend/blue: disabled) and straight through the REST API in the portal's shape (ep-recommend/green: the portal's
default profile name, an end profile, an empty notification block); ep-fraud/green has none.
``playbooks/export_policies.yml`` writes them to an inventory; ``playbooks/configure_fleet.yml`` applied to it
makes no write; after two settings are edited out of band it makes exactly one write for each, and the settings
are the exported policy again (a second export is identical to the first).

Every setting this module creates in rg-ml-prod is deleted at the end, whatever happens.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import venv_tool  # pylint: disable=import-error
import yaml

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
EXPORT_PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'export_policies.yml'
FLEET_PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'configure_fleet.yml'
OUTPUT_DIR = COLLECTION_ROOT / 'tests' / 'output' / 'integration'
TIMEOUT = int(os.environ.get('INTEGRATION_TARGET_TIMEOUT', '900'))

RESOURCE_GROUP = 'rg-ml-prod'
WORKSPACE = 'ws-prod'
API_VERSION = '2022-10-01'
AUTOSCALE_PATH = re.compile(r'/providers/microsoft\.insights/autoscalesettings', re.IGNORECASE)
WRITE_METHODS = ('PUT', 'PATCH', 'DELETE')
RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.MULTILINE)
SECRET_WEBHOOK = 'https://hooks.example.com/scale?team=search&sig=s3cr3t-signature'
PORTAL_NAME = 'ep-recommend-green-Autoscale-771'

HOSTS = {
    'ws-prod.ep-fraud.blue': 'autoscale-ep-fraud-blue',
    'ws-prod.ep-recommend.blue': 'autoscale-ep-recommend-blue',
    'ws-prod.ep-recommend.green': PORTAL_NAME,
}


def _autoscale_writes(emulator) -> list:
    return [entry for entry in emulator.requests()
            if entry['method'] in WRITE_METHODS and AUTOSCALE_PATH.search(entry['path'])]


def _run(env, tmp_path, label, *args) -> tuple[str, dict]:
    command = list(args)
    started = time.monotonic()
    result = subprocess.run(command, env=env, cwd=str(tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT, check=False)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / f'export-{label}.log').write_text(
        f'$ {" ".join(command)}\n# rc={result.returncode} elapsed={time.monotonic() - started:.1f}s\n{result.stdout}',
        encoding='utf-8')
    assert result.returncode == 0, f'{label} failed (rc={result.returncode}):\n{result.stdout}'
    recaps = {host: {'ok': int(ok), 'changed': int(changed), 'unreachable': int(unreachable), 'failed': int(failed)}
              for host, ok, changed, unreachable, failed in RECAP.findall(result.stdout)}
    return result.stdout, recaps


class _Rest:
    """Direct ARM calls on the autoscale settings of rg-ml-prod, as the portal or the CLI would make them."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.subscription = emulator.env['AZURE_SUBSCRIPTION_ID']
        self.context = ssl.create_default_context(cafile=emulator.env['REQUESTS_CA_BUNDLE'])
        self.url = (f'{emulator.base_url}/subscriptions/{self.subscription}/resourceGroups/{RESOURCE_GROUP}'
                    '/providers/Microsoft.Insights/autoscalesettings')

    def deployment_id(self, endpoint: str, deployment: str) -> str:
        return (f'/subscriptions/{self.subscription}/resourceGroups/{RESOURCE_GROUP}/providers/'
                f'Microsoft.MachineLearningServices/workspaces/{WORKSPACE}/onlineEndpoints/{endpoint}/deployments/{deployment}')

    def call(self, method: str, name: str = '', body=None) -> tuple[int, object]:
        url = f'{self.url}/{name}' if name else self.url
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f'{url}?api-version={API_VERSION}', data=data, method=method, headers={
            'Authorization': f'Bearer {self.emulator.token()}', 'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
                payload = response.read()
                return response.status, json.loads(payload) if payload else None
        except urllib.error.HTTPError as error:
            payload = error.read()
            return error.code, json.loads(payload) if payload else None

    def names(self) -> set:
        status, body = self.call('GET')
        assert status == 200, body
        return {item['name'] for item in body.get('value', [])}

    def get(self, name: str) -> dict:
        status, body = self.call('GET', name)
        assert status == 200, body
        return body

    def put(self, name: str, body: dict) -> dict:
        status, result = self.call('PUT', name, body)
        assert status in (200, 201), result
        return result


def _portal_body(rest: _Rest) -> dict:
    """A setting in the shape the Azure portal writes: its default profile name, an end profile, empty notifications."""
    target = rest.deployment_id('ep-recommend', 'green')
    trigger = {'metricName': 'CpuUtilizationPercentage',
               'metricNamespace': 'microsoft.machinelearningservices/workspaces/onlineendpoints/deployments',
               'metricResourceUri': target, 'timeGrain': 'PT1M', 'statistic': 'Average', 'timeWindow': 'PT10M',
               'timeAggregation': 'Average', 'operator': 'GreaterThan', 'threshold': 75, 'dividePerInstance': False,
               'dimensions': []}
    rules = [
        {'metricTrigger': trigger, 'scaleAction': {'direction': 'Increase', 'type': 'ChangeCount', 'value': '1', 'cooldown': 'PT15M'}},
        {'metricTrigger': dict(trigger, operator='LessThan', threshold=25),
         'scaleAction': {'direction': 'Decrease', 'type': 'ChangeCount', 'value': '1', 'cooldown': 'PT15M'}},
    ]
    return {
        'location': 'eastus',
        'tags': {},
        'properties': {
            'name': PORTAL_NAME,
            'enabled': True,
            'targetResourceUri': target,
            'predictiveAutoscalePolicy': {'scaleMode': 'Disabled'},
            'notifications': [{'operation': 'Scale', 'webhooks': [],
                               'email': {'sendToSubscriptionAdministrator': False, 'sendToSubscriptionCoAdministrators': False,
                                         'customEmails': []}}],
            'profiles': [
                {'name': 'Auto created scale condition', 'capacity': {'minimum': '1', 'maximum': '4', 'default': '1'}, 'rules': rules},
                {'name': 'nights', 'capacity': {'minimum': '1', 'maximum': '1', 'default': '1'}, 'rules': [],
                 'recurrence': {'frequency': 'Week', 'schedule': {
                     'timeZone': 'W. Europe Standard Time', 'hours': [22], 'minutes': [0],
                     'days': ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']}}},
                {'name': '{"name":"Auto created scale condition","for":"nights"}',
                 'capacity': {'minimum': '1', 'maximum': '4', 'default': '1'}, 'rules': rules,
                 'recurrence': {'frequency': 'Week', 'schedule': {
                     'timeZone': 'W. Europe Standard Time', 'hours': [6], 'minutes': [30],
                     'days': ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']}}},
            ],
        },
    }


SETUP_PLAYBOOK = """
- name: Create autoscale settings with the collection
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/mlops.autoscale.azure:
      resource_group: rg-ml-prod
      workspace: ws-prod
  tasks:
    - name: ep-fraud/blue, a whole policy
      mlops.autoscale.autoscale_state:
        endpoint: ep-fraud
        deployment: blue
        enabled: true
        tags: {team: fraud, env: prod}
        notifications:
          custom_emails: [oncall@example.com]
          webhooks:
            - service_uri: "%(webhook)s"
              properties: {channel: ops}
        profiles:
          - name: default
            capacity: {minimum: 2, maximum: 6, default: 3}
            rules:
              - {metric_name: CpuUtilizationPercentage, operator: GreaterThan, threshold: 70, direction: Increase,
                 value: 2, cooldown: 15m, time_window: 10m}
              - {metric_name: CpuUtilizationPercentage, operator: LessThan, threshold: 30, direction: Decrease,
                 value: 1, cooldown: 30m, time_window: 10m}
              - {metric_name: RequestLatency, metric_resource: endpoint, operator: GreaterThan, threshold: 500,
                 direction: Increase, value: 1, cooldown: 15m, statistic: Max, time_aggregation: Maximum}
          - name: weekend
            capacity: {minimum: 2, maximum: 3, default: 2}
            recurrence: {days: [Saturday, Sunday], time_zone: Pacific Standard Time, start: "08:00", end: "20:00"}
            rules: []
          - name: black-friday
            capacity: {minimum: 4, maximum: 10, default: 6}
            fixed_date: {time_zone: UTC, start: "2026-11-27T00:00:00", end: "2026-11-28T23:59:00"}
            rules:
              - {metric_name: CpuUtilizationPercentage, operator: GreaterThan, threshold: 60, direction: Increase,
                 value: 3, cooldown: 15m}
              - {metric_name: CpuUtilizationPercentage, operator: LessThan, threshold: 20, direction: Decrease,
                 value: 1, cooldown: 30m}

    - name: ep-recommend/blue, a fixed size, switched off
      mlops.autoscale.autoscale_state:
        endpoint: ep-recommend
        deployment: blue
        enabled: false
        profiles:
          - name: default
            capacity: {minimum: 2, maximum: 2, default: 2}
            rules: []
""" % {'webhook': SECRET_WEBHOOK}


@pytest.fixture
def rest(emulator):
    """REST access; every setting created in rg-ml-prod during the test is deleted afterwards."""
    client = _Rest(emulator)
    before = client.names()
    assert not before & set(HOSTS.values()), f'settings of this test exist already: {before}'
    yield client
    for name in client.names() - before:
        client.call('DELETE', name)


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding='utf-8'))


def _export(env, tmp_path, label, export_dir: Path, *extra) -> dict:
    _run(env, tmp_path, label, venv_tool('ansible-playbook'), str(EXPORT_PLAYBOOK), '-e', f'export_dir={export_dir}', *extra)
    return {str(path.relative_to(export_dir)): path.read_text(encoding='utf-8')
            for path in sorted(export_dir.rglob('*.yml'))}


def _apply(env, tmp_path, label, export_dir: Path) -> tuple[str, dict]:
    return _run(env, tmp_path, label, venv_tool('ansible-playbook'), '-i', str(export_dir), str(FLEET_PLAYBOOK))


def test_export_then_apply_round_trip(emulator, integration_env, tmp_path, rest):
    """Export the live settings; applying the export writes nothing, and restores out-of-band edits in one write each."""
    if not FLEET_PLAYBOOK.exists():
        pytest.fail(f'{FLEET_PLAYBOOK} is missing')
    setup = tmp_path / 'setup.yml'
    setup.write_text(SETUP_PLAYBOOK, encoding='utf-8')
    _run(integration_env, tmp_path, 'setup', venv_tool('ansible-playbook'), '-i', 'localhost,', str(setup))
    rest.put(PORTAL_NAME, _portal_body(rest))

    # ------------------------------------------------------------ export
    export_dir = tmp_path / 'exported'
    files = _export(integration_env, tmp_path, 'export', export_dir, '-e', f'workspace={WORKSPACE}',
                    '-e', f'resource_group={RESOURCE_GROUP}')
    assert set(files) == {'hosts.yml', 'group_vars/all.yml'} | {f'host_vars/{host}.yml' for host in HOSTS}, sorted(files)

    hosts = _load(export_dir / 'hosts.yml')
    assert set(hosts['all']['hosts']) == set(HOSTS)
    assert set(hosts['all']['children']['workspace_ws_prod']['hosts']) == set(HOSTS)
    assert set(hosts['all']['children']['endpoint_ws_prod_ep_recommend']['hosts']) == {
        'ws-prod.ep-recommend.blue', 'ws-prod.ep-recommend.green'}
    assert _load(export_dir / 'group_vars' / 'all.yml')['ansible_connection'] == 'local'

    for host, setting_name in HOSTS.items():
        variables = _load(export_dir / 'host_vars' / f'{host}.yml')
        workspace, endpoint, deployment = host.split('.')
        assert variables['endpoint_autoscale_resource_group'] == RESOURCE_GROUP
        assert (variables['endpoint_autoscale_workspace'], variables['endpoint_autoscale_endpoint'],
                variables['endpoint_autoscale_deployment']) == (workspace, endpoint, deployment)
        assert variables['endpoint_autoscale_subscription_id'] == rest.subscription
        assert variables['endpoint_autoscale_setting_name'] == setting_name
        assert 'metric_resource_uri' not in files[f'host_vars/{host}.yml']

    fraud = _load(export_dir / 'host_vars' / 'ws-prod.ep-fraud.blue.yml')
    assert fraud['endpoint_autoscale_capacity'] == {'minimum': 2, 'maximum': 6, 'default': 3}
    assert {(rule['metric_name'], rule['metric_resource'], rule['direction']) for rule in fraud['endpoint_autoscale_rules']} == {
        ('CpuUtilizationPercentage', 'deployment', 'Increase'), ('CpuUtilizationPercentage', 'deployment', 'Decrease'),
        ('RequestLatency', 'endpoint', 'Increase')}
    profiles = {profile['name']: profile for profile in fraud['endpoint_autoscale_profiles']}
    assert profiles['weekend']['recurrence'] == {'days': ['Saturday', 'Sunday'], 'time_zone': 'Pacific Standard Time',
                                                 'start': '08:00', 'end': '20:00'}
    assert profiles['black-friday']['fixed_date']['start'] == '2026-11-27T00:00:00'
    assert len(profiles['black-friday']['rules']) == 2
    assert fraud['endpoint_autoscale_tags'] == {'team': 'fraud', 'env': 'prod'}
    # The webhook's signature is a secret: masked, kept apart, never written as a real URI.
    assert 's3cr3t' not in files['host_vars/ws-prod.ep-fraud.blue.yml']
    assert fraud['endpoint_autoscale_masked_webhook_uris'] == ['https://hooks.example.com/scale?team=search&sig=VALUE_REDACTED']
    assert fraud['endpoint_autoscale_notifications']['webhooks'] == [
        {'service_uri': '{{ endpoint_autoscale_masked_webhook_uris[0] }}', 'properties': {'channel': 'ops'}}]
    assert fraud['endpoint_autoscale_notifications']['custom_emails'] == ['oncall@example.com']

    fixed = _load(export_dir / 'host_vars' / 'ws-prod.ep-recommend.blue.yml')
    assert fixed['endpoint_autoscale_enabled'] is False
    assert fixed['endpoint_autoscale_rules'] == [] and fixed['endpoint_autoscale_profiles'] == []

    portal = _load(export_dir / 'host_vars' / 'ws-prod.ep-recommend.green.yml')
    assert portal['endpoint_autoscale_default_profile_name'] == 'Auto created scale condition'
    assert [profile['name'] for profile in portal['endpoint_autoscale_profiles']] == ['nights']
    assert portal['endpoint_autoscale_profiles'][0]['recurrence']['end'] == '06:30'
    assert portal['endpoint_autoscale_notifications'] == {
        'send_to_subscription_administrator': False, 'send_to_subscription_co_administrators': False,
        'custom_emails': [], 'webhooks': []}

    # ------------------------------------------------------------ apply: nothing to do
    emulator.clear_requests()
    output, recaps = _apply(integration_env, tmp_path, 'apply-unchanged', export_dir)
    assert set(recaps) == set(HOSTS), output
    assert all(recap['changed'] == 0 and recap['failed'] == 0 for recap in recaps.values()), output
    assert _autoscale_writes(emulator) == [], f'applying an unchanged export wrote to Azure:\n{output}'

    # ------------------------------------------------------------ out-of-band edits (as in the portal)
    edited = rest.get(PORTAL_NAME)
    edited['properties']['profiles'][0]['capacity']['maximum'] = '8'
    edited['properties']['profiles'][0]['rules'][0]['metricTrigger']['threshold'] = 90
    rest.put(PORTAL_NAME, edited)
    edited = rest.get(HOSTS['ws-prod.ep-fraud.blue'])
    edited['tags']['owner'] = 'someone-else'
    edited['properties']['profiles'] = [profile for profile in edited['properties']['profiles'] if profile['name'] != 'black-friday']
    rest.put(HOSTS['ws-prod.ep-fraud.blue'], edited)

    emulator.clear_requests()
    output, recaps = _apply(integration_env, tmp_path, 'apply-drifted', export_dir)
    writes = _autoscale_writes(emulator)
    assert sorted(entry['path'].rsplit('/', 1)[-1].lower() for entry in writes) == sorted(
        [PORTAL_NAME.lower(), HOSTS['ws-prod.ep-fraud.blue'].lower()]), f'expected one write per edited deployment:\n{output}'
    assert all(entry['method'] == 'PUT' for entry in writes)
    assert {host for host, recap in recaps.items() if recap['changed']} == {'ws-prod.ep-fraud.blue', 'ws-prod.ep-recommend.green'}
    assert all(recap['failed'] == 0 for recap in recaps.values()), output

    # The settings are the exported policy again: a new export is the same, file for file; the webhook kept its secret.
    again = _export(integration_env, tmp_path, 'export-again', tmp_path / 'again', '-e', f'workspace={WORKSPACE}',
                    '-e', f'resource_group={RESOURCE_GROUP}')
    assert again == files
    webhooks = rest.get(HOSTS['ws-prod.ep-fraud.blue'])['properties']['notifications'][0]['webhooks']
    assert [item['serviceUri'] for item in webhooks] == [SECRET_WEBHOOK]

    emulator.clear_requests()
    output, recaps = _apply(integration_env, tmp_path, 'apply-restored', export_dir)
    assert all(recap['changed'] == 0 for recap in recaps.values()), output
    assert _autoscale_writes(emulator) == []


def test_export_of_the_whole_subscription(integration_env, tmp_path, rest):
    """Without -e workspace, every online-deployment setting of the subscription is exported, each in its host's file."""
    rest.put(PORTAL_NAME, _portal_body(rest))
    export_dir = tmp_path / 'all'
    files = _export(integration_env, tmp_path, 'export-subscription', export_dir)
    hosts = _load(export_dir / 'hosts.yml')['all']['hosts']
    assert 'ws-prod.ep-recommend.green' in hosts
    assert {name for name in files if name.startswith('host_vars/')} == {f'host_vars/{host}.yml' for host in hosts}
    for host in hosts:
        variables = _load(export_dir / 'host_vars' / f'{host}.yml')
        assert host == '.'.join(variables[f'endpoint_autoscale_{key}'] for key in ('workspace', 'endpoint', 'deployment')) \
            or host.startswith(variables['endpoint_autoscale_resource_group'] + '.')


def test_export_requires_export_dir(integration_env, tmp_path):
    """A missing export_dir fails with a message saying what to give."""
    result = subprocess.run([venv_tool('ansible-playbook'), str(EXPORT_PLAYBOOK)], env=integration_env, cwd=str(tmp_path),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            timeout=TIMEOUT, check=False)
    assert result.returncode != 0
    assert '-e export_dir=DIR' in result.stdout
