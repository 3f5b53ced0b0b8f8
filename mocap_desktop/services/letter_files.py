"""The kept PDF of every letter, inside the (encrypted) database, table `letter_files`, its
SHA-256 checked on every read; PDFs an older version kept as files under the data folder's
`letters/` are moved in and deleted."""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import date
from pathlib import Path

from mocap_desktop.letters.model import LetterDataError
from mocap_desktop.store import Store
from mocap_desktop.store.letters import LetterRow

log = logging.getLogger(__name__)


def letters_root(store: Store) -> Path:
    """`letters/` beside the database, in the data folder."""
    return store.path.parent / "letters"


def store_bytes(store: Store, pdf: bytes, stem: str, when: date, sub: str | None = None) -> tuple[str, str]:
    """Keep `pdf` in the database's `letter_files` under the name letters/YYYY/MM/STEM-SHA.pdf (a
    key, not a file on disk); returns (that name, sha256). Call it inside the transaction that
    adds the letter rows, so a failure keeps neither."""
    sha = hashlib.sha256(pdf).hexdigest()
    key = f"letters/{sub or f'{when:%Y}/{when:%m}'}/{stem}-{sha[:10]}.pdf"
    with store.transaction() as db:
        db.execute("INSERT OR REPLACE INTO letter_files (file, pdf) VALUES (?, ?)", [key, pdf])
    return key, sha


def _legacy_file(store: Store, file: str) -> Path | None:
    """A letter's PDF where an older version kept it (under the data folder), if it is there."""
    if not file:
        return None
    path = store.path.parent / file
    try:
        path.resolve().relative_to(store.path.parent.resolve())
    except ValueError:
        return None
    return path if path.is_file() else None


def _adopt(store: Store, file: str, sha: str) -> bytes | None:
    """Move the plain file `file` (an older version's) into `letter_files` and delete it when its
    SHA-256 is the recorded one; its bytes, or None when it is missing or was changed (then it is
    left where it is)."""
    path = _legacy_file(store, file)
    if path is None:
        return None
    pdf = path.read_bytes()
    if hashlib.sha256(pdf).hexdigest() != sha:
        return None
    with store.transaction() as db:
        db.execute("INSERT OR REPLACE INTO letter_files (file, pdf) VALUES (?, ?)", [file, pdf])
    remove_file_quietly(path)
    return pdf


def adopt_letter_files(store: Store) -> int:
    """Move every letter PDF an older version left under the data folder's `letters/` into the
    database, deleting each file once it is in (only files whose SHA-256 is the recorded one);
    returns how many. Cheap when there is nothing to move: it looks at the disk only when
    `letters/` exists. Called at sign-in; reading a letter does the same for its own file."""
    if not letters_root(store).is_dir():
        return 0
    moved = 0
    rows = store.query("SELECT DISTINCT l.file, l.sha256 FROM letters l LEFT JOIN letter_files f ON f.file = l.file "
                       "WHERE f.file IS NULL AND l.file != ''")
    for r in rows:
        try:
            if _adopt(store, r["file"], r["sha256"]) is not None:
                moved += 1
        except OSError as exc:
            log.warning("A kept letter file could not be moved into the database: %s", exc.strerror or exc)
    if moved:
        log.info("%d letter files moved from the data folder into the database", moved)
    return moved


def letter_pdf(store: Store, row: LetterRow) -> bytes:
    """The kept PDF of letter `row`, from the database, its SHA-256 checked (a file an older
    version left on disk is moved in first). No permission check: callers check theirs."""
    found = store.query("SELECT pdf FROM letter_files WHERE file = ?", (row.file,))
    if found:
        pdf = bytes(found[0]["pdf"])
    else:
        try:
            pdf = _adopt(store, row.file, row.sha256)
        except OSError:
            pdf = None
        if pdf is None:
            if _legacy_file(store, row.file) is not None:
                raise LetterDataError(f"The file of letter {row.id} ({row.file}) was changed after it was made; "
                                      "it was not printed. Make the letter again.")
            raise LetterDataError(f"The file of letter {row.id} is missing ({row.file}); make the letter again.")
    if hashlib.sha256(pdf).hexdigest() != row.sha256:
        raise LetterDataError(f"The file of letter {row.id} ({row.file}) was changed after it was made; "
                              "it was not printed. Make the letter again.")
    return pdf


def remove_file_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
