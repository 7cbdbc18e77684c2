# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report of playbooks/configure_fleet.yml on the example inventory, against a fresh emulator.

The drift scan an operator runs, ``--check --diff -e fleet_report=DIR``, writes DIR/fleet-report.json and
DIR/fleet-report.md naming each drifted deployment and what drifted, and writes nothing to Azure. A deployment that
fails is in the report with its message and still fails the run; when every deployment fails the report is still
written.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import playbook_env, venv_tool  # pylint: disable=import-error

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = COLLECTION_ROOT / 'playbooks' / 'configure_fleet.yml'
INVENTORY = COLLECTION_ROOT / 'playbooks' / 'inventory'
OUTPUT_DIR = COLLECTION_ROOT / 'tests' / 'output' / 'integration'
HOSTS = {'ws-prod.ep-fraud.blue', 'ws-prod.ep-fraud.green', 'ws-prod.ep-recommend.blue', 'ws-prod.ep-recommend.green',
         'ws-dev.ep-fraud-dev.blue'}
EDITED = 'ws-prod.ep-fraud.blue'
RETIRED = 'ws-prod.ep-fraud.retired'
THRESHOLD = 'profiles.default.rules[CpuUtilizationPercentage > 70 Increase].threshold'
AUTOSCALE_PATH = re.compile(r'/providers/microsoft\.insights/autoscalesettings/', re.IGNORECASE)
RECAP = re.compile(r'^(\S+)\s*:\s*ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)', re.MULTILINE)


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    """A fresh emulator with the default seed, the example inventory converged on it, then one deployment edited."""
    from arm_emulator.testing import EmulatorProcess  # pylint: disable=import-outside-toplevel

    emulator = EmulatorProcess.start(tmp_path_factory.mktemp('report-emulator'))
    try:
        env = playbook_env(emulator)
        rc, output = _playbook(env, 'report-converge')
        assert rc == 0, output
        edit = subprocess.run(
            [sys.executable, str(COLLECTION_ROOT / 'hacking' / 'demo_portal_edit.py'), '--resource-group=rg-ml-prod',
             '--workspace=ws-prod', '--endpoint=ep-fraud', '--deployment=blue', '--scale-out-threshold=90', '--drop-profile=weekend'],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        assert edit.returncode == 0, edit.stdout
        yield emulator, env
    finally:
        emulator.stop()


def _playbook(env, label, *args):
    command = [venv_tool('ansible-playbook'), '-i', str(INVENTORY), str(PLAYBOOK), *map(str, args)]
    result = subprocess.run(command, env=env, cwd=str(COLLECTION_ROOT), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=600, check=False)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / f'{label}.log').write_text(f'$ {" ".join(command)}\n{result.stdout}', encoding='utf-8')
    return result.returncode, result.stdout


def _writes(emulator):
    return [entry for entry in emulator.requests() if entry['method'] in ('PUT', 'PATCH', 'DELETE') and AUTOSCALE_PATH.search(entry['path'])]


def _retired_host(tmp_path):
    """An extra inventory source: a production deployment that no longer exists."""
    path = tmp_path / 'retired.yml'
    path.write_text(json.dumps({'all': {'children': {'production': {'hosts': {RETIRED: {
        'endpoint_autoscale_endpoint': 'ep-fraud', 'endpoint_autoscale_deployment': 'retired'}}}}}}), encoding='utf-8')
    return path


def _report(directory):
    return (json.loads((directory / 'fleet-report.json').read_text(encoding='utf-8')),
            (directory / 'fleet-report.md').read_text(encoding='utf-8'))


def test_drift_scan_writes_a_report_naming_each_drifted_deployment_and_what_drifted(fleet, tmp_path):
    emulator, env = fleet
    emulator.clear_requests()
    rc, output = _playbook(env, 'report-drift-scan', '--check', '--diff', '-e', f'fleet_report={tmp_path / "scan"}')
    assert rc == 0, output
    assert _writes(emulator) == []
    # Writing the report files changes nothing a drift scan counts: only the drifted deployment is "changed".
    assert {host: (changed, failed) for host, changed, failed in RECAP.findall(output)} == {
        host: ('1' if host == EDITED else '0', '0') for host in HOSTS}, output

    data, markdown = _report(tmp_path / 'scan')
    assert data['mode'] == 'check' and 'markdown' not in data
    assert data['summary'] == {'hosts': 5, 'changed': 1, 'failed': 0, 'ok': 4}
    drifted = {entry['host']: entry for entry in data['hosts'] if entry['status'] == 'changed'}
    assert list(drifted) == [EDITED]
    assert drifted[EDITED]['changes'] == [THRESHOLD, 'profiles.weekend'] and drifted[EDITED]['action'] == 'update'
    row = next(line for line in markdown.splitlines() if line.startswith(f'| {EDITED} |'))
    assert f'`{THRESHOLD}`' in row and '`profiles.weekend`' in row, markdown
    assert 'nothing was written' in markdown
    unchanged = markdown.split('## Unchanged')[1]
    assert all(host in unchanged for host in HOSTS - {EDITED}), markdown


def test_a_failing_deployment_is_in_the_report_and_still_fails(fleet, tmp_path):
    emulator, env = fleet
    emulator.clear_requests()
    rc, output = _playbook(env, 'report-with-failure', '-i', _retired_host(tmp_path), '--check', '-e', f'fleet_report={tmp_path / "r"}')
    assert rc == 2, output
    recap = {host: (changed, failed) for host, changed, failed in RECAP.findall(output)}
    assert recap[RETIRED] == ('0', '1') and all(recap[host][1] == '0' for host in HOSTS), output
    data, markdown = _report(tmp_path / 'r')
    assert data['summary'] == {'hosts': 6, 'changed': 1, 'failed': 1, 'ok': 4}
    [failed] = [entry for entry in data['hosts'] if entry['status'] == 'failed']
    assert failed['host'] == RETIRED and "online deployment 'retired'" in failed['msg'] and failed['task'], failed
    assert re.search(r"^\| {0} \| .+ \| .*online deployment 'retired'.* \|$".format(re.escape(RETIRED)), markdown, re.MULTILINE), markdown
    assert _writes(emulator) == []


def test_the_report_is_written_when_every_deployment_fails(fleet, tmp_path):
    _emulator, env = fleet
    rc, output = _playbook(env, 'report-all-failed', '-i', _retired_host(tmp_path), '--limit', RETIRED, '-e', f'fleet_report={tmp_path / "r"}')
    assert rc == 2, output
    data, markdown = _report(tmp_path / 'r')
    assert data['mode'] == 'apply' and data['summary'] == {'hosts': 1, 'changed': 0, 'failed': 1, 'ok': 0}
    assert '## Failed' in markdown and RETIRED in markdown


def test_a_report_mapping_from_an_awx_workflow_is_not_taken_for_a_directory(fleet, tmp_path):
    """A workflow passes the previous job's artifacts on as extra variables: fleet_report is then the report itself."""
    _emulator, env = fleet
    artifacts = json.dumps({'fleet_report': {'mode': 'check', 'summary': {'hosts': 5}}})
    rc, output = _playbook(env, 'report-workflow', '--check', '--limit', 'ws-dev.*', '-e', artifacts)
    assert rc == 0, output
    assert 'Write the report as JSON' in output and not list(COLLECTION_ROOT.glob('*fleet-report*')), output
