# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`make docs`: the collection's HTML documentation site, built as the community builds collection docs.

1. `antsibull-docs collection --use-current` writes the RST of every plugin and role (the collection must be on
   ANSIBLE_COLLECTIONS_PATH), with the docsite configuration of hacking/docsite/.
2. README.md and docs/*.md become the Guides (MyST): links to another of them stay links between pages, links to
   other files of the repository point at the repository on GitHub (galaxy.yml's `repository`).
3. `sphinx-build -W` renders HTML into the output directory, offline: intersphinx reads an inventory written from
   hacking/docsite/ansible_devel.objects.
4. The site must have a page for every module, inventory and filter plugin and role in the repository, and every guide.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCSITE = ROOT / "hacking" / "docsite"
PLUGIN_TYPES = {"modules": "module", "inventory": "inventory", "filter": "filter"}
LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def guides():
    """The Markdown pages of the site, by repository path."""
    return ["README.md"] + sorted("docs/" + path.name for path in (ROOT / "docs").glob("*.md"))


def rewrite_links(text, source, pages, blob_url):
    """Relative links of ``source``: to a guide, the guide's page; to any other file, its URL on GitHub."""
    def replace(match):
        target = match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return match.group(0)
        path, hash_sign, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        new = pages[resolved] if resolved in pages else "{0}/{1}".format(blob_url, resolved)
        return match.group(1) + new + hash_sign + anchor + match.group(3)
    return LINK.sub(replace, text)


def write_guides(source_dir):
    repository = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))["repository"].rstrip("/")
    blob_url = repository + "/blob/main"
    sources = guides()
    pages = {path: Path(path).name for path in sources}
    for path in sources:
        text = (ROOT / path).read_text(encoding="utf-8")
        target = source_dir / "guides" / Path(path).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rewrite_links(text, path, pages, blob_url), encoding="utf-8")


def write_inventory(objects, target):
    """A Sphinx (intersphinx) inventory, version 2, of the lines of ``objects``: name domain:role priority uri dispname."""
    lines = [line for line in objects.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    header = "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is compressed using zlib.\n"
    target.write_bytes(header.encode() + zlib.compress(("\n".join(lines) + "\n").encode()))


def expected_pages(namespace, name):
    """The HTML pages the site must have: one per plugin and role, one per guide."""
    base = "collections/{0}/{1}".format(namespace, name)
    pages = ["{0}/{1}_{2}.html".format(base, path.stem, kind)
             for directory, kind in PLUGIN_TYPES.items()
             for path in sorted((ROOT / "plugins" / directory).glob("*.py")) if not path.name.startswith("_")]
    pages += ["{0}/{1}_role.html".format(base, path.name) for path in sorted((ROOT / "roles").iterdir()) if path.is_dir()]
    pages += ["guides/{0}.html".format(Path(path).stem) for path in guides()]
    return pages


def run(command, **kwargs):
    print("+ " + " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, required=True, help="directory of antsibull-docs and sphinx-build")
    parser.add_argument("--work", type=Path, required=True, help="directory for the generated sources")
    parser.add_argument("--output", type=Path, required=True, help="directory of the HTML site")
    args = parser.parse_args()
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))
    for path in (args.work, args.output):
        shutil.rmtree(path, ignore_errors=True)
    args.work.mkdir(parents=True)
    args.work.chmod(0o755)  # antsibull-docs refuses a destination others can write to
    for name in ("conf.py", "index.rst"):
        shutil.copy(DOCSITE / name, args.work / name)
    run([args.bin / "antsibull-docs", "--config-file", DOCSITE / "antsibull-docs.cfg", "collection", "--use-current",
         "--fail-on-error", "--dest-dir", args.work, "{0}.{1}".format(galaxy["namespace"], galaxy["name"])])
    write_guides(args.work)
    write_inventory(DOCSITE / "ansible_devel.objects", args.work / "ansible_devel.inv")
    run([args.bin / "sphinx-build", "-b", "html", "-W", "--keep-going", "-q", "-c", args.work, args.work, args.output])
    missing = [page for page in expected_pages(galaxy["namespace"], galaxy["name"]) if not (args.output / page).is_file()]
    if missing:
        sys.exit("the documentation site lacks pages: " + ", ".join(missing))
    print("docs: {0} (every plugin, role and guide has its page)".format(args.output / "index.html"))


if __name__ == "__main__":
    main()
