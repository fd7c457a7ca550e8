"""Business configuration: layered rules (global < domain < category), versioned writes with audit, history.

Other rooms read rules through :func:`effective_config`; the config function serves the rest over HTTP.

Import each name from the module that defines it: this package's ``__init__`` imports none of them, so a
function loads only the modules its own routes use.
"""
