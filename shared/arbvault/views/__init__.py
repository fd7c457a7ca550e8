"""Views: products scored for one screen (view-specific weights, ``scoring``) and the five strategic views
(ranking, filters, target sell prices, ``strategic``). Products come through the catalog and the engine, exactly
as ingest's do; ``schemas`` holds the response fields every view's product shares. Import each piece from its
module: the package re-exports nothing, so a function loads only what it uses."""
