"""The analysis engine: pure business rules over plain values, in ``Decimal``, from one rules document.

Read the effective rules once with ``config_view.read_config`` (or hand the document to ``analyze``), then::

    from arbvault.engine.analyze import analyze

    result = analyze(product, rules_document, now=datetime.now(UTC), buy_price=Decimal("4.00"))
    result.profit.roi_pct, result.velocity.score, result.recommendation.label, result.buy_condition

Nothing here does I/O or imports the database, the Keepa client, the web layer or boto3.

Import each name from the module that defines it: this package's ``__init__`` imports none of them, so a
function loads only the modules its own routes use.
"""
