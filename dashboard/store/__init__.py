"""The store: tables, engine, schema and its migrations."""
