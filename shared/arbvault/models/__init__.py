"""SQLAlchemy 2 models; Alembic migrations in ``arbvault.migrations`` are the only way the schema changes.

Each module maps one group of tables; import a model from its module (``from arbvault.models.job import Job``)
so that a function loads only the tables it uses. ``arbvault.models.tables`` loads them all, for the schema
as a whole (Alembic's comparison, tests).
"""
