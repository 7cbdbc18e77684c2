# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The inventory plugin mlops.autoscale.online_deployments against the ARM emulator.

``ansible-inventory -i <tmp>/fleet.online_deployments.yml --list`` with the harness's environment (credentials from
AZURE_* variables, as AWX injects them): one host per seeded online deployment, the role's target variables,
``online_deployment`` facts, default groups, keyed groups on tags; a policy given to a tag group through group_vars
reaches the role (check mode, no write); bad credentials fail the source with the modules' message.

Tags are put on ws-prod/ep-fraud (endpoint) and ws-prod/ep-fraud/blue (deployment) and removed at the end.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import venv_tool  # pylint: disable=import-error

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
FLEET_PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'configure_fleet.yml'
OUTPUT_DIR = COLLECTION_ROOT / 'tests' / 'output' / 'integration'
TIMEOUT = int(os.environ.get('INTEGRATION_TARGET_TIMEOUT', '900'))
ML_API_VERSION = '2024-04-01'
AUTOSCALE_PATH = re.compile(r'/providers/microsoft\.insights/autoscalesettings', re.IGNORECASE)

SEEDED = {
    'ws-prod.ep-fraud.blue': ('rg-ml-prod', 'ws-prod', 'ep-fraud', 'blue', 3, 100),
    'ws-prod.ep-fraud.green': ('rg-ml-prod', 'ws-prod', 'ep-fraud', 'green', 1, 0),
    'ws-prod.ep-recommend.blue': ('rg-ml-prod', 'ws-prod', 'ep-recommend', 'blue', 2, 100),
    'ws-prod.ep-recommend.green': ('rg-ml-prod', 'ws-prod', 'ep-recommend', 'green', 1, 0),
    'ws-dev.ep-fraud-dev.blue': ('rg-ml-dev', 'ws-dev', 'ep-fraud-dev', 'blue', 1, 100),
}

CONFIG = """\
plugin: mlops.autoscale.online_deployments
workspaces:
  - resource_group: rg-ml-prod
    name: ws-prod
  - resource_group: rg-ml-dev
    name: ws-dev
keyed_groups:
  - key: online_deployment.endpoint_tags | combine(online_deployment.tags)
    prefix: tag
groups:
  serving: online_deployment.traffic > 0
compose:
  instance_count: online_deployment.instance_count
"""

TIER_POLICY = """\
endpoint_autoscale_capacity: {minimum: 3, maximum: 6, default: 3}
endpoint_autoscale_rules:
  - {metric_name: CpuUtilizationPercentage, operator: GreaterThan, threshold: 70, direction: Increase, value: 1, cooldown: 15m}
  - {metric_name: CpuUtilizationPercentage, operator: LessThan, threshold: 30, direction: Decrease, value: 1, cooldown: 30m}
"""


def _run(env, cwd, label, *command, expect_rc=0):
    result = subprocess.run(list(command), env=env, cwd=str(cwd), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, timeout=TIMEOUT, check=False)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / f'inventory-{label}.log').write_text(
        f'$ {" ".join(command)}\n# rc={result.returncode}\n{result.stdout}\n--- stderr\n{result.stderr}', encoding='utf-8')
    if expect_rc is not None:
        assert result.returncode == expect_rc, f'{label}: rc={result.returncode}\n{result.stdout}\n{result.stderr}'
    return result


def _plain(value):
    """ansible-inventory's JSON with ansible-core 2.19's ``{"__ansible_unsafe": ...}`` wrappers removed."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _list(env, tmp_path, label, source):
    result = _run(env, tmp_path, label, venv_tool('ansible-inventory'), '-i', str(source), '--list')
    assert 'WARNING' not in result.stderr or 'online_deployments' not in result.stderr, result.stderr
    return _plain(json.loads(result.stdout))


def _members(inventory, group):
    return set(inventory.get(group, {}).get('hosts', []))


class _Arm:
    """Tags on ML resources through ARM, as the portal would set them."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.context = ssl.create_default_context(cafile=emulator.env['REQUESTS_CA_BUNDLE'])
        self.base = f"{emulator.base_url}/subscriptions/{emulator.env['AZURE_SUBSCRIPTION_ID']}"

    def _call(self, method, path, body=None):
        request = urllib.request.Request(f'{self.base}{path}?api-version={ML_API_VERSION}', method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={'Authorization': f'Bearer {self.emulator.token()}',
                                                  'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
                return json.loads(response.read() or b'null')
        except urllib.error.HTTPError as error:
            pytest.fail(f'{method} {path}: {error.code} {error.read()[:500]!r}')

    def set_tags(self, path, tags):
        current = self._call('GET', path)
        return self._call('PUT', path, {'location': current['location'], 'tags': tags})


ENDPOINT_PATH = '/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/ws-prod/onlineEndpoints/ep-fraud'
DEPLOYMENT_PATH = ENDPOINT_PATH + '/deployments/blue'


@pytest.fixture
def tagged(emulator):
    """ws-prod/ep-fraud tagged team=fraud and its deployment blue tier=critical, untagged afterwards."""
    arm = _Arm(emulator)
    arm.set_tags(ENDPOINT_PATH, {'team': 'fraud'})
    arm.set_tags(DEPLOYMENT_PATH, {'tier': 'critical'})
    yield arm
    arm.set_tags(DEPLOYMENT_PATH, {})
    arm.set_tags(ENDPOINT_PATH, {})


def test_inventory_lists_deployments_with_vars_and_groups(emulator, integration_env, tmp_path, tagged):
    """Hosts, variables and groups of the seeded deployments of two workspaces."""
    source = tmp_path / 'fleet.online_deployments.yml'
    source.write_text(CONFIG, encoding='utf-8')
    inventory = _list(integration_env, tmp_path, 'list', source)
    hostvars = inventory['_meta']['hostvars']
    assert set(hostvars) == set(SEEDED)
    subscription = emulator.env['AZURE_SUBSCRIPTION_ID']
    for host, (resource_group, workspace, endpoint, deployment, count, traffic) in SEEDED.items():
        variables = hostvars[host]
        assert variables['endpoint_autoscale_resource_group'] == resource_group
        assert variables['endpoint_autoscale_workspace'] == workspace
        assert variables['endpoint_autoscale_endpoint'] == endpoint
        assert variables['endpoint_autoscale_deployment'] == deployment
        assert variables['endpoint_autoscale_subscription_id'] == subscription
        assert variables['ansible_connection'] == 'local'
        facts = variables['online_deployment']
        assert facts['id'].lower() == (f'/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/'
                                       f'Microsoft.MachineLearningServices/workspaces/{workspace}/onlineEndpoints/{endpoint}/'
                                       f'deployments/{deployment}').lower()
        assert facts['instance_count'] == count == variables['instance_count']
        assert facts['traffic'] == traffic
        assert facts['instance_type'].startswith('Standard_')
        assert facts['location'] in ('eastus', 'westeurope')
    assert hostvars['ws-prod.ep-fraud.blue']['online_deployment']['tags'] == {'tier': 'critical'}
    assert hostvars['ws-prod.ep-fraud.green']['online_deployment']['endpoint_tags'] == {'team': 'fraud'}

    assert _members(inventory, 'workspace_ws_prod') == {host for host in SEEDED if host.startswith('ws-prod.')}
    assert _members(inventory, 'workspace_ws_dev') == {'ws-dev.ep-fraud-dev.blue'}
    assert _members(inventory, 'endpoint_ws_prod_ep_fraud') == {'ws-prod.ep-fraud.blue', 'ws-prod.ep-fraud.green'}
    assert _members(inventory, 'endpoint_ws_dev_ep_fraud_dev') == {'ws-dev.ep-fraud-dev.blue'}
    assert _members(inventory, 'tag_tier_critical') == {'ws-prod.ep-fraud.blue'}
    assert _members(inventory, 'tag_team_fraud') == {'ws-prod.ep-fraud.blue', 'ws-prod.ep-fraud.green'}
    assert _members(inventory, 'serving') == {host for host, spec in SEEDED.items() if spec[5] > 0}


def test_inventory_of_the_whole_subscription(integration_env, tmp_path):
    """Without workspaces, every workspace of the subscription is listed."""
    source = tmp_path / 'all.online_deployments.yaml'
    source.write_text('plugin: mlops.autoscale.online_deployments\n', encoding='utf-8')
    inventory = _list(integration_env, tmp_path, 'list-subscription', source)
    assert set(SEEDED) <= set(inventory['_meta']['hostvars'])
    assert {'workspace_ws_prod', 'workspace_ws_dev'} <= set(inventory['all']['children'])


def test_policy_by_tag_through_group_vars_reaches_the_role(emulator, integration_env, tmp_path, tagged):
    """group_vars/tag_tier_critical.yml next to the source gives the tagged deployment its policy (check mode: no write)."""
    if not FLEET_PLAYBOOK.exists():
        pytest.fail(f'{FLEET_PLAYBOOK} is missing')
    inventory_dir = tmp_path / 'inventory'
    (inventory_dir / 'group_vars').mkdir(parents=True)
    (inventory_dir / 'fleet.online_deployments.yml').write_text(CONFIG, encoding='utf-8')
    (inventory_dir / 'group_vars' / 'tag_tier_critical.yml').write_text(TIER_POLICY, encoding='utf-8')
    emulator.clear_requests()
    result = _run(integration_env, tmp_path, 'policy-by-tag', venv_tool('ansible-playbook'), '-i', str(inventory_dir),
                  str(FLEET_PLAYBOOK), '--limit', 'tag_tier_critical', '--check', '--diff')
    recap = re.findall(r'^(\S+)\s*:\s*ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=(\d+)', result.stdout, re.MULTILINE)
    assert [(host, int(changed), int(failed)) for host, changed, failed in recap] == [('ws-prod.ep-fraud.blue', 1, 0)], result.stdout
    assert '"maximum": 6' in result.stdout or 'maximum: 6' in result.stdout, result.stdout
    assert not [entry for entry in emulator.requests()
                if entry['method'] in ('PUT', 'PATCH', 'DELETE') and AUTOSCALE_PATH.search(entry['path'])]


def test_bad_credentials_fail_the_source_with_the_modules_message(integration_env, tmp_path):
    """A wrong client secret: the source fails, and the message names the action, the Entra ID code and what to check."""
    source = tmp_path / 'fleet.online_deployments.yml'
    source.write_text(CONFIG, encoding='utf-8')
    env = dict(integration_env, AZURE_SECRET='not-the-secret', ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED='true')
    result = _run(env, tmp_path, 'bad-credentials', venv_tool('ansible-inventory'), '-i', str(source), '--list', expect_rc=None)
    assert result.returncode != 0
    output = ' '.join((result.stdout + result.stderr).split())
    assert 'Failed to list the online endpoints of workspace' in output, output
    assert 'AADSTS' in output
    assert 'check client_id, secret and tenant' in output


def test_ansible_doc_renders(integration_env, tmp_path):
    """The plugin's documentation renders, with the auth options of the modules and the inventory cache's ``cache``."""
    result = _run(integration_env, tmp_path, 'doc', venv_tool('ansible-doc'), '--json', '-t', 'inventory',
                  'mlops.autoscale.online_deployments')
    options = json.loads(result.stdout)['mlops.autoscale.online_deployments']['doc']['options']
    assert {'auth_source', 'subscription_id', 'client_id', 'secret', 'tenant', 'profile', 'cloud_environment', 'workspaces',
            'keyed_groups', 'compose', 'groups', 'strict', 'cache_plugin'} <= set(options)
    assert options['cache']['default'] is False
    assert options['cache']['env'] == [{'name': 'ANSIBLE_INVENTORY_CACHE'}]
