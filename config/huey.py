"""The huey queue of `make run`: SQLite in var/ (settings.HUEY). It only carries wake-ups and
periodic scans: every task is a doorbell for work whose state is in the main database (the
outbox, webhook deliveries, deadlines), and a periodic scan does the same work every minute.
So a queued task need not survive a power cut, and its commit need not wait for the disk:
synchronous=NORMAL in WAL mode (safe against corruption, may lose the last commits on an OS
crash) instead of huey's FULL, which cost every committing request a few milliseconds of fsync."""

from huey import SqliteHuey
from huey.storage import SqliteStorage


class DoorbellSqliteStorage(SqliteStorage):
    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn


class DoorbellSqliteHuey(SqliteHuey):
    storage_class = DoorbellSqliteStorage
