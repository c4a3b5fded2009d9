"""Schema steps that do nothing when already done, for the migrations' upgrades.

Every upgrade runs in one transaction (dashboard/store/schema.py, schema_transaction), so a killed one
leaves nothing half done. Stores upgraded by earlier releases may be: on SQLite each CREATE or ALTER
committed on its own, and a process killed between one and the revision's record left the table,
column or index in place under the older revision, and every later upgrade failed on it ("table
account already exists", "duplicate column name"). Written with these steps, a migration finds
what is there and does the rest. A new migration needs none of them: no release ran it outside one
transaction.
"""

import sqlalchemy as sa
from alembic import op


def _inspector():
    return sa.inspect(op.get_bind())  # a new one each time: an inspector caches what it read


def create_table(name: str, *columns, **kw) -> None:
    if not _inspector().has_table(name):
        op.create_table(name, *columns, **kw)


def create_index(name: str, table: str, columns: list[str], *, unique: bool = False) -> None:
    if name not in {index["name"] for index in _inspector().get_indexes(table)}:
        op.create_index(name, table, columns, unique=unique)


def add_column(table: str, column: sa.Column) -> None:
    if column.name not in {c["name"] for c in _inspector().get_columns(table)}:
        op.add_column(table, column)
