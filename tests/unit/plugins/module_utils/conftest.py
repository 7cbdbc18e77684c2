# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the pure-layer tests: fresh copies of the shared wire bodies."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.mlops.autoscale.plugins.module_utils import _model
from ansible_collections.mlops.autoscale.tests.unit.plugins.module_utils.model_data import CLI_RAW, PORTAL_RAW


@pytest.fixture
def portal_raw():
    return copy.deepcopy(PORTAL_RAW)


@pytest.fixture
def cli_raw():
    return copy.deepcopy(CLI_RAW)


@pytest.fixture
def portal_setting():
    return _model.normalise_setting(copy.deepcopy(PORTAL_RAW))
