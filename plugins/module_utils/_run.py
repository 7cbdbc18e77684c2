# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE and should only be used by this collection. Breaking changes can occur any time.

"""Which ansible-playbook run a module process belongs to (no imports: the controller's action plugins use it too)."""

from __future__ import annotations

import os

#: Set by the collection's action plugins (plugin_utils/_action.py) to one value per ansible-playbook run.
RUN_ID_ENV = "MLOPS_AUTOSCALE_RUN_ID"


def current_run_id():
    """The run's id, or None when the module runs outside the collection's action plugins."""
    return os.environ.get(RUN_ID_ENV) or None
