#!/usr/bin/env bash
# ansible-test sanity of this checkout with the ansible-test of a venv (make sanity, and the older ansible-core legs).
#
#   hacking/run_sanity.sh VENV_BIN WORK_DIR [ansible-test sanity options]
#
# ansible-test resolves symlinks in the working directory, so it runs in a copy of the files git lists (tracked +
# untracked, minus .gitignore) at WORK_DIR/ansible_collections/mlops/autoscale: .venv, .build and tests/output never
# reach it. The copy gets its own git index so that ansible-test lists its files with git, not those of the outer
# repository. ansible-test bootstraps pip in each sanity venv from a cached get-pip script whose download host is not
# reachable here: hacking/get_pip_offline.py takes its place, under the name of the pip version this ansible-test wants.
set -euo pipefail

bin=$1
work=$2
shift 2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

pip_version=$("$bin/python" - <<'PY'
import inspect
import re

from ansible_test._internal import python_requirements

print(re.search(r"pip='([0-9.]+)'", inspect.getsource(python_requirements.get_venv_packages)).group(1))
PY
)
install -D -m 0644 "$root/hacking/get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"

copy=$work/ansible_collections/mlops/autoscale
"$bin/python" "$root/hacking/export_tree.py" "$root" "$copy"
cd "$copy"
git init -q .
git add -A
exec "$bin/ansible-test" sanity --python 3.11 --venv --color no "$@"
