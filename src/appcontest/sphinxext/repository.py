"""Links to the book's repository exist only when the repository does.

``repository.url`` in ``_config.yml`` is the one place the address is set (Jupyter Book
refuses the buttons without it, so they are switched on here, not there). While it is
empty, the theme's repository, edit and issues buttons and the Binder and Colab launch
buttons are switched off, so no page links to a repository that is not there. Once it is
set, they all appear, and the footer links to it.
"""

from __future__ import annotations

BUTTONS = ("use_repository_button", "use_edit_page_button", "use_issues_button")


def configure(options: dict) -> dict:
    """The theme options with the repository links on or off, by whether a URL is set."""
    options = dict(options)
    url = (options.get("repository_url") or "").strip()
    if not url:
        for button in BUTTONS:
            options[button] = False
        options["launch_buttons"] = {}
        return options
    for button in BUTTONS:
        options[button] = True
    footer = options.get("extra_footer", "")
    options["extra_footer"] = footer + f'<p>Source, data and issues: <a href="{url}">{url}</a>.</p>'
    return options


def _config_inited(app, config):
    config.html_theme_options = configure(config.html_theme_options)


def setup(app):
    app.connect("config-inited", _config_inited)
