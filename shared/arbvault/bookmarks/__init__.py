"""Bookmarks: niches saved by an API key (name, category, score, and the discover or analyze request they were
found with), listed newest first, and re-run as ``niche`` jobs. HTTP shapes live in
``arbvault.bookmarks.schemas``. Import each piece from its module: the package re-exports nothing, so a function
loads only what it uses::

    from arbvault.bookmarks.runs import run_saved_niche
    from arbvault.bookmarks.store import create_saved_niche

    saved = create_saved_niche(session, values, owner_key_id=identity.key_id)
    submitted = run_saved_niche(saved.id, scope=identity.owner_scope)
"""
