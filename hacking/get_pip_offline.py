# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for the get-pip bootstrap script that ansible-test downloads.

ansible-test bootstraps pip in every virtual environment it creates by running
``~/.ansible/test/cache/get_pip_<version>.py`` (``get_pip_24_2.py`` for 2.19; downloading
it from the Ansible CI file host when it is missing). That host is not reachable from our
machines, so hacking/run_sanity.sh copies this script to the cache path instead.

It is called as ``python get_pip.py [pip options] pip==<version> --no-setuptools --no-wheel``
and must leave a working pip of that version in the interpreter's environment.

1. ``ensurepip`` installs the pip bundled with the interpreter, without network access.
2. ensurepip sets ``PIP_CONFIG_FILE=/dev/null`` in ``os.environ``, which would hide the
   machine's pip configuration (CA bundle, index settings): drop it again.
3. That pip then installs the requested packages (that pip version) from the package index.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys

# get-pip.py options that ``pip install`` does not know.
GET_PIP_ONLY_OPTIONS = frozenset(('--no-setuptools', '--no-wheel'))


def main(argv: list[str]) -> int:
    """Bootstrap pip, then install the requested packages with it."""
    saved = os.environ.get('PIP_CONFIG_FILE')

    ensurepip.bootstrap(upgrade=True)

    if saved is None:
        os.environ.pop('PIP_CONFIG_FILE', None)
    else:
        os.environ['PIP_CONFIG_FILE'] = saved

    args = [arg for arg in argv if arg not in GET_PIP_ONLY_OPTIONS]

    if not any(not arg.startswith('-') for arg in args):
        return 0

    return subprocess.call([sys.executable, '-m', 'pip', 'install'] + args)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
