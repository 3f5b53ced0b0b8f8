"""Store.unchanged: what a screen reads again and again, kept while the database is unchanged."""

from __future__ import annotations

import pytest

from mocap_desktop.store import db as store_db
from mocap_desktop.store import open_store


def test_a_value_is_kept_until_a_write_here_or_a_commit_elsewhere(store, data_dir):
    made = []

    def compute():
        made.append(1)
        return store.conn.execute("SELECT count(*) FROM buildings").fetchone()[0]

    assert store.unchanged("n", compute) == 0
    assert store.unchanged("n", compute) == 0 and len(made) == 1  # read once
    with store.transaction() as db:
        db.execute("INSERT INTO buildings (code, name) VALUES ('4000', 'Maple Valley High')")
    assert store.unchanged("n", compute) == 1 and len(made) == 2  # written through this connection
    other = open_store(data_dir.database())
    try:
        with other.transaction() as db:
            db.execute("INSERT INTO buildings (code, name) VALUES ('5000', 'Oak Grove Elementary')")
    finally:
        other.close()
    assert store.unchanged("n", compute) == 2 and len(made) == 3  # committed through another
    with pytest.raises(RuntimeError), store.transaction() as db:  # rolled back: read again, the same
        db.execute("DELETE FROM buildings")
        raise RuntimeError("stop")
    assert store.unchanged("n", compute) == 2 and len(made) == 4


def test_the_newest_keys_are_kept(store, monkeypatch):
    monkeypatch.setattr(store_db, "MEMO_ENTRIES", 3)
    made = []
    for key in ("a", "b", "c", "a", "d"):  # "a" used again: "b" is the oldest when "d" comes
        store.unchanged(key, lambda key=key: made.append(key) or key)
    assert made == ["a", "b", "c", "d"]
    store.unchanged("a", lambda: made.append("a again"))
    store.unchanged("b", lambda: made.append("b again"))
    assert made[-1] == "b again" and "a again" not in made
