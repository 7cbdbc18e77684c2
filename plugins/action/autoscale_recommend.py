# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin of autoscale_recommend: the module, told which playbook run it is in (see plugin_utils/_action.py)."""

from __future__ import annotations

from ansible_collections.mlops.autoscale.plugins.plugin_utils._action import AutoscaleAction


class ActionModule(AutoscaleAction):
    """Runs mlops.autoscale.autoscale_recommend."""
