"""HTTP plumbing shared by every route-group function: app factory (``app``), error envelope (``errors``),
identity, pagination, headers and bounded schema types; import each from its module, so a function loads only
what it uses."""
