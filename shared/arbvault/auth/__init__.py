"""API keys: issue them (shown once, stored as a SHA-256 digest), authenticate requests, list and revoke them.

>>> from arbvault.auth.store import authenticate, create_api_key
>>> row, key = create_api_key(session, name="laptop", role="sourcer")
>>> authenticate(session, key).id == row.id
True

``keys`` holds what a key is (its format, digest, name and role rules, and how a request presents it),
``store`` the table's reads and writes, ``exceptions`` the errors. Import each name from the module that
defines it: this package's ``__init__`` imports none of them.
"""
