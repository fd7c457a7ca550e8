"""Stored analyses: list them (filters, any sort, keyset cursor), the top N, read, create manually, delete.

>>> page = list_analyses(session, owner_key_id=identity.owner_scope, filters=AnalysisFilters(roi_min=Decimal(30)),
...                      sort=Sort("roi_pct", "desc"))
>>> page.next_position.as_dict()  # encode it as the next page's cursor

Every read and delete takes ``owner_key_id``: the caller's key id for a sourcer, ``None`` for an admin
(``Identity.owner_scope``); rows of other owners are invisible (404 by id).

Reading and deleting (``listing``, ``store``) need no engine; ``manual`` (creating an analysis from stated
prices) runs the rules. Routes take the response schema, the query filters and the cursors from ``schemas``
(the only module here that imports FastAPI).

Import each name from the module that defines it: this package's ``__init__`` imports none of them, so a
function loads only the modules its own routes use.
"""
