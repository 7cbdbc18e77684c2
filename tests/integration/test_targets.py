# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run every integration target (tests/integration/targets/<name>) against the ARM emulator.

Targets use ansible-test's layout (``tasks/main.yml`` + ``aliases``) and run as a role
on localhost. As with ansible-test, hidden targets (alias ``hidden``, or a name starting
with ``setup_`` or ``prepare_``) are helpers for other targets and are not run; an
``aliases`` line ``disabled`` or ``unsupported`` skips a target.
Each target runs twice: with the modules run in the controller's worker process (the default for these local hosts,
plugin_utils/_in_controller.py) and shipped as module processes (``MLOPS_AUTOSCALE_IN_CONTROLLER=0``). A test callback
records every task result of the collection; the two runs must agree on each (changed, failed, the message, the diff,
the returned resource, the warnings), after removing what differs between any two runs (ids, times, tracebacks).
Each run's full output is saved to ``tests/output/integration/<target>[-process].log``.

    make integration                       # all targets
    make integration PYTEST_ARGS='-k rule'  # some of them
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import venv_tool  # pylint: disable=import-error

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
TARGETS_DIR = COLLECTION_ROOT / 'tests' / 'integration' / 'targets'
OUTPUT_DIR = COLLECTION_ROOT / 'tests' / 'output' / 'integration'

SKIP_ALIASES = frozenset(('disabled', 'unsupported', 'hidden'))
HIDDEN_PREFIXES = ('setup_', 'prepare_')
TIMEOUT = int(os.environ.get('INTEGRATION_TARGET_TIMEOUT', '900'))
CALLBACKS = Path(__file__).resolve().parent / 'callback_plugins'
PATHS = {'controller': '1', 'process': '0'}
OUR_PAYLOADS = ('AnsiballZ_autoscale_', 'AnsiballZ_manual_scale')
#: What two runs of one task may differ in, whichever path ran it.
VOLATILE = [
    (re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'), '<uuid>'),
    (re.compile(r'\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?Z?'), '<time>'),
    (re.compile(r'\d{8}T\d{6}Z'), '<time>'),
    (re.compile(r'ansible-tmp-[\d.-]+'), '<tmp>'),
]
COMPARED = ('changed', 'failed', 'msg', 'diff', 'changes', 'warnings', 'autoscale_setting', 'autoscale_settings', 'deployment',
            'deployments', 'error', 'skipped')


def _aliases(target: Path) -> set[str]:
    path = target / 'aliases'
    if not path.is_file():
        return set()
    lines = path.read_text(encoding='utf-8').splitlines()
    return {line.split('#', 1)[0].strip() for line in lines} - {''}


def discover_targets() -> list:
    """One pytest param per target directory that has tasks/main.yml."""
    params = []
    if not TARGETS_DIR.is_dir():
        return params
    for target in sorted(TARGETS_DIR.iterdir()):
        if not target.is_dir() or not (target / 'tasks' / 'main.yml').is_file():
            continue
        if target.name.startswith(HIDDEN_PREFIXES) or 'hidden' in _aliases(target):
            continue
        skipped = sorted(_aliases(target) & SKIP_ALIASES)
        marks = [pytest.mark.skip(reason=f'aliases: {", ".join(skipped)}')] if skipped else []
        params.append(pytest.param(target.name, id=target.name, marks=marks))
    return params


def test_targets_exist():
    """The harness must not pass by finding nothing to run."""
    assert discover_targets(), f'no integration targets under {TARGETS_DIR}'


def _normalise(value):
    if isinstance(value, dict):
        return {key: _normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    if isinstance(value, str):
        for pattern, replacement in VOLATILE:
            value = pattern.sub(replacement, value)
    return value


def recorded(path: Path) -> list:
    """The compared part of each recorded task result."""
    entries = []
    for line in path.read_text(encoding='utf-8').splitlines():
        entry = json.loads(line)
        result = {key: entry['result'][key] for key in COMPARED if key in entry['result']}
        entries.append(_normalise({'task': entry['task'], 'status': entry['status'], 'result': result}))
    return entries


def run_target(target, integration_env, tmp_path, path_name):
    """Run one target as a role on localhost, in-controller or as module processes; returns (rc, output, elapsed)."""
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text(
        f'localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n',
        encoding='utf-8',
    )
    playbook = tmp_path / f'{target}.yml'
    playbook.write_text(
        '- hosts: localhost\n'
        '  gather_facts: false\n'
        '  roles:\n'
        f'    - {target}\n',
        encoding='utf-8',
    )
    command = [venv_tool('ansible-playbook'), '-i', str(inventory), str(playbook)]
    verbosity = os.environ.get('INTEGRATION_VERBOSITY')  # e.g. -vvv
    if verbosity:
        command.append(verbosity)
    record = OUTPUT_DIR / f'{target}-{path_name}.results.jsonl'
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    record.unlink(missing_ok=True)
    env = dict(integration_env, MLOPS_AUTOSCALE_IN_CONTROLLER=PATHS[path_name], MLOPS_RECORD_FILE=str(record),
               ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS), ANSIBLE_CALLBACKS_ENABLED='mlops_record',
               ANSIBLE_REMOTE_TMP=str(tmp_path / 'remote'), ANSIBLE_KEEP_REMOTE_FILES='1')
    started = time.monotonic()
    try:
        result = subprocess.run(
            command, env=env, cwd=str(tmp_path), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT, check=False,
        )
        output, returncode = result.stdout, result.returncode
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout or ''
        output = partial.decode('utf-8', 'replace') if isinstance(partial, bytes) else partial
        output += f'\n*** timed out after {TIMEOUT}s ***\n'
        returncode = None
    elapsed = time.monotonic() - started
    suffix = '' if path_name == 'controller' else '-process'
    (OUTPUT_DIR / f'{target}{suffix}.log').write_text(
        f'$ MLOPS_AUTOSCALE_IN_CONTROLLER={PATHS[path_name]} {" ".join(command)}\n# rc={returncode} elapsed={elapsed:.1f}s\n{output}',
        encoding='utf-8',
    )
    return returncode, output, elapsed, record


@pytest.mark.parametrize('target', discover_targets())
def test_target(target, emulator, integration_env, tmp_path):
    """Run one target both ways; both must succeed and every task of the collection must give the same result."""
    runs = {}
    for path_name in PATHS:
        emulator.clear_requests()
        (tmp_path / path_name).mkdir()
        returncode, output, elapsed, record = run_target(target, integration_env, tmp_path / path_name, path_name)
        assert returncode == 0, f'target {target} failed ({path_name}, rc={returncode}) after {elapsed:.1f}s:\n{output}'
        runs[path_name] = recorded(record)
    assert runs['controller'], f'target {target} ran no task of the collection'
    shipped = {name: sorted(path.name for path in (tmp_path / name / 'remote').rglob('AnsiballZ_*.py')
                            if path.name.startswith(OUR_PAYLOADS)) for name in PATHS}
    assert shipped['controller'] == [] and shipped['process'], shipped  # the controller path shipped none of ours
    for controller, process in zip(runs['controller'], runs['process']):
        assert controller == process, f'{target}: the two paths differ on task {controller["task"]!r}'
    assert len(runs['controller']) == len(runs['process'])
