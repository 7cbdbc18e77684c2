# Copyright (c) 2026 mlops.autoscale contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sphinx configuration of the collection's documentation site (`make docs`, hacking/build_docs.py).

As `antsibull-docs sphinx-init` sets up a collection's docsite, plus MyST for the Markdown guides in docs/.
The build is offline: intersphinx reads the inventory that hacking/build_docs.py writes from ansible_devel.objects,
whose links point at docs.ansible.com.
"""

project = "mlops.autoscale"
copyright = "mlops.autoscale contributors"  # pylint: disable=redefined-builtin
title = "mlops.autoscale documentation"
html_short_title = "mlops.autoscale"

extensions = ["sphinx.ext.intersphinx", "sphinx_antsibull_ext", "myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence"]

pygments_style = "ansible"
highlight_language = "YAML+Jinja"

html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

intersphinx_mapping = {
    "ansible_devel": ("https://docs.ansible.com/projects/ansible/devel/", "ansible_devel.inv"),
}

default_role = "any"
nitpicky = True
