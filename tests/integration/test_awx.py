# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/configure_fleet.yml as AWX runs it: through ansible-runner, with the credentials only in the
environment variables that AWX's "Microsoft Azure Resource Manager" credential injects.

A module-scoped ARM emulator with the default seed (separate from the harness's) stands in for Azure, and
the example inventory (playbooks/inventory, one host per deployment of that seed) is the job's inventory.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import SCRUBBED_NAMES, SCRUBBED_PREFIXES, ensure_collection_link  # pylint: disable=import-error

ansible_runner = pytest.importorskip('ansible_runner')

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'configure_fleet.yml'
INVENTORY = COLLECTION_ROOT / 'playbooks' / 'inventory'
HOSTS = ('ws-prod.ep-fraud.blue', 'ws-prod.ep-fraud.green', 'ws-prod.ep-recommend.blue',
         'ws-prod.ep-recommend.green', 'ws-dev.ep-fraud-dev.blue')
AUTOSCALE_PATH = re.compile(r'/providers/microsoft\.insights/autoscalesettings/', re.IGNORECASE)


@pytest.fixture(scope='module')
def awx_emulator(tmp_path_factory):
    """A fresh emulator with the default seed (the example inventory's fleet)."""
    from arm_emulator.testing import EmulatorProcess  # pylint: disable=import-outside-toplevel

    emulator = EmulatorProcess.start(tmp_path_factory.mktemp('awx-emulator'))
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def awx_job(awx_emulator, tmp_path, monkeypatch):
    """Run configure_fleet.yml like an AWX job: ansible-runner, credential env vars, nothing inherited."""
    for key in list(os.environ):
        if key.startswith(SCRUBBED_PREFIXES) or key in SCRUBBED_NAMES:
            monkeypatch.delenv(key)
    # The execution environment's ansible-playbook is this venv's.
    monkeypatch.setenv('PATH', f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env = awx_emulator.env
    metadata = urlsplit(env['AZURE_CLOUD_ENVIRONMENT'])
    assert metadata.hostname == '127.0.0.1'
    envvars = {
        # What the AWX credential injects ...
        'AZURE_CLIENT_ID': env['AZURE_CLIENT_ID'],
        'AZURE_SECRET': env['AZURE_SECRET'],
        'AZURE_TENANT': env['AZURE_TENANT'],
        'AZURE_SUBSCRIPTION_ID': env['AZURE_SUBSCRIPTION_ID'],
        'AZURE_CLOUD_ENVIRONMENT': env['AZURE_CLOUD_ENVIRONMENT'],
        # ... and what a private cloud needs (the execution environment's CA bundle, the token authority).
        'REQUESTS_CA_BUNDLE': env['REQUESTS_CA_BUNDLE'],
        'AZURE_AUTHORITY_HOST': f'{metadata.scheme}://{metadata.netloc}',
        'ANSIBLE_COLLECTIONS_PATH': str(ensure_collection_link()),
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_NOCOLOR': '1',
        'PYTHONDONTWRITEBYTECODE': '1',
    }

    private_data_dir = tmp_path / 'runner'
    private_data_dir.mkdir()

    def run():
        awx_emulator.clear_requests()
        result = ansible_runner.run(
            private_data_dir=str(private_data_dir), playbook=str(PLAYBOOK), inventory=str(INVENTORY),
            envvars=envvars, forks=5, quiet=True, rotate_artifacts=1)
        output = result.stdout.read()
        writes = [entry for entry in awx_emulator.requests()
                  if entry['method'] in ('PUT', 'PATCH', 'DELETE') and AUTOSCALE_PATH.search(entry['path'])]
        return result, output, writes

    return run


def test_awx_job_converges_the_fleet_then_changes_nothing(awx_job):
    result, output, writes = awx_job()
    assert result.status == 'successful' and result.rc == 0, output
    # The example inventory with the role's defaults is a policy the collection's own lints have nothing to say about.
    assert 'Policy lint' not in output, output
    stats = result.stats
    assert set(stats['ok']) == set(HOSTS), stats
    assert stats['changed'] == {host: 1 for host in HOSTS}, stats
    assert not stats['failures'] and not stats['dark'], stats
    assert len(writes) == len(HOSTS), writes
    converged = [event for event in result.events
                 if event.get('event') == 'runner_on_ok' and event['event_data'].get('task_action') == 'mlops.autoscale.autoscale_state']
    assert {event['event_data']['host'] for event in converged} == set(HOSTS)
    report = _artifacts(result)['fleet_report']
    assert report['summary'] == {'hosts': len(HOSTS), 'changed': len(HOSTS), 'failed': 0, 'ok': 0}, report
    assert {entry['host']: entry['action'] for entry in report['hosts']} == {host: 'create' for host in HOSTS}

    result, output, writes = awx_job()
    assert result.status == 'successful' and result.rc == 0, output
    assert not result.stats['changed'] and not result.stats['failures'], result.stats
    assert set(result.stats['ok']) == set(HOSTS)
    assert writes == [], writes
    assert _artifacts(result)['fleet_report']['summary'] == {'hosts': len(HOSTS), 'changed': 0, 'failed': 0, 'ok': len(HOSTS)}


def _artifacts(result):
    """What the job published with set_stats: AWX shows it as the job's artifacts (the stats event's artifact_data)."""
    [stats] = [event for event in result.events if event.get('event') == 'playbook_on_stats']
    return stats['event_data'].get('artifact_data') or {}
