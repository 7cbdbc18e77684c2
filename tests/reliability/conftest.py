# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the reliability and security suite (issue 5).

Each test file gets its own ARM emulator (tools/arm_emulator) on 127.0.0.1; modules run in-process (fast) or through
ansible-playbook. Every test adds its figures to ``tests/output/reliability/figures.json`` (see ``figures.py``), from
which docs/reliability.md is filled.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from arm_emulator.testing import ArmClient

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import helpers  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.mlops.autoscale.tests.unit.plugins.modules import utils as module_utils  # noqa: E402  pylint: disable=wrong-import-position

_FIGURES = {}


@pytest.fixture(scope="session")
def figures():
    """A dict of sections; each test stores its figures under its own section name."""
    return _FIGURES


def pytest_sessionfinish(session, exitstatus):  # pylint: disable=unused-argument
    """Merge this session's figures into figures.json (sections of tests that did not run are kept)."""
    if not _FIGURES:
        return
    helpers.OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path = helpers.OUTPUT_DIR / "figures.json"
    merged = {}
    if path.exists():
        try:
            merged = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            merged = {}
    merged.update(_FIGURES)
    path.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """An emulator with the default seed, for one test file."""
    from arm_emulator.testing import EmulatorProcess  # pylint: disable=import-outside-toplevel

    emu = EmulatorProcess.start(tmp_path_factory.mktemp("arm-emulator"))
    module_utils.forget_cloud(emu.env["cloud_name"])
    try:
        yield emu
    finally:
        emu.stop()
        module_utils.forget_cloud(emu.env["cloud_name"])


@pytest.fixture(scope="module")
def arm(emulator):
    """Raw REST client as the writer principal (setup, checks, and "the portal")."""
    return ArmClient(emulator)


@pytest.fixture
def client_env(emulator, monkeypatch, tmp_path):
    """Point in-process module runs at the emulator; a private HOME; the token cache under tests/output/reliability."""
    helpers.point_env_at(monkeypatch, emulator, tmp_path)
    emulator.clear_faults()
    emulator.clear_requests()
    yield emulator.env
    emulator.clear_faults()


@pytest.fixture(scope="session")
def ansible_env():
    """Base environment of ansible-playbook runs (the emulator's variables are added per run)."""
    return helpers.ansible_base_env()


def pytest_configure(config):  # pylint: disable=unused-argument
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
