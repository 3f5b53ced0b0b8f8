"""Key wrapping: one database key, one sealed copy per person and for the recovery key."""

from __future__ import annotations

import base64
import json

import pytest

from mocap_desktop.store.keys import (
    RECOVERY,
    KdfParams,
    Keyring,
    KeyringError,
    WrongPassword,
    new_database_key,
    new_recovery_key,
)

FAST = KdfParams(time_cost=1, memory_kib=1024, parallelism=1)


@pytest.fixture
def ring(tmp_path):
    ring = Keyring(tmp_path / "mocap.sqlite.keys", params=FAST)
    return ring


def test_each_person_unlocks_the_same_key(ring):
    key = new_database_key()
    ring.add("admin", "correct horse", key)
    ring.add("frontdesk", "battery staple", key)
    ring.save()
    again = Keyring.load(ring.path, FAST)
    assert again.unlock("admin", "correct horse") == key
    assert again.unlock("frontdesk", "battery staple") == key
    assert again.logins == ["admin", "frontdesk"]


def test_wrong_password_and_unknown_person_are_refused_alike(ring):
    key = new_database_key()
    ring.add("admin", "right", key)
    with pytest.raises(WrongPassword, match="not right"):
        ring.unlock("admin", "wrong")
    with pytest.raises(WrongPassword, match="not right"):
        ring.unlock("nobody", "right")


def test_key_file_holds_no_key_or_password(ring):
    key = new_database_key()
    ring.add("admin", "s3cret-passphrase", key)
    ring.save()
    text = ring.path.read_text()
    assert "s3cret" not in text and key.hex() not in text
    assert set(json.loads(text)["keys"]["admin"]) == {"salt", "sealed", "tag", "kdf"}


def test_change_password_and_remove_person_keep_the_key(ring):
    key = new_database_key()
    ring.add("admin", "old", key)
    ring.add("counselor", "pw", key)
    ring.change_password("admin", "old", "new")
    assert ring.unlock("admin", "new") == key
    with pytest.raises(WrongPassword):
        ring.unlock("admin", "old")
    ring.remove("counselor")
    with pytest.raises(WrongPassword):
        ring.unlock("counselor", "pw")
    with pytest.raises(KeyringError):
        ring.remove("counselor")


def test_recovery_key_resets_a_forgotten_password(ring):
    key, recovery = new_database_key(), new_recovery_key()
    ring.add("admin", "forgotten", key)
    ring.set_recovery(recovery, key)
    typed = recovery.lower().replace("-", " ")  # typed back carelessly
    assert ring.reset_with_recovery(typed, "admin", "fresh") == key
    assert ring.unlock("admin", "fresh") == key
    assert RECOVERY not in ring.logins
    with pytest.raises(WrongPassword):
        ring.reset_with_recovery(new_recovery_key(), "admin", "x")


def test_five_failures_in_a_row_slow_the_next_tries(ring):
    key = new_database_key()
    ring.add("admin", "right", key)
    t = 1_000.0
    for _ in range(5):
        with pytest.raises(WrongPassword, match="not right"):
            ring.unlock("admin", "wrong", now=t)
    assert ring.delay_for("admin", now=t) == pytest.approx(2.0)
    with pytest.raises(WrongPassword, match="Too many"):
        ring.unlock("admin", "right", now=t + 1)  # even the right password waits
    assert ring.unlock("admin", "right", now=t + 2.5) == key
    assert ring.delay_for("admin", now=t + 3) == 0.0


def test_damaged_key_file_is_named(tmp_path):
    path = tmp_path / "x.keys"
    path.write_text("{not json")
    with pytest.raises(KeyringError, match="damaged"):
        Keyring.load(path)


def test_a_tampered_copy_is_refused_not_misread(ring):
    key = new_database_key()
    ring.add("admin", "right", key)
    wrapped = ring.wrapped["admin"]
    sealed = bytearray(base64.b64decode(wrapped.sealed))
    sealed[0] ^= 1
    ring.wrapped["admin"] = type(wrapped)(wrapped.salt, base64.b64encode(bytes(sealed)).decode(),
                                          wrapped.tag, wrapped.kdf)
    with pytest.raises(WrongPassword):
        ring.unlock("admin", "right")


def test_names_that_are_no_account_share_one_count_and_are_not_kept(ring):
    ring.add("admin", "right", new_database_key())
    t = 1_000.0
    for name in ("adnim", "Secret-Passw0rd", "x", "y", "z"):
        with pytest.raises(WrongPassword):
            ring.unlock(name, "whatever", now=t)
    assert ring.delay_for("anyone-else", now=t) == pytest.approx(2.0)
    assert ring.delay_for("admin", now=t) == 0.0  # a real account is not locked out by strangers
    text = ring.path.read_text(encoding="utf-8")
    assert "Secret-Passw0rd" not in text and "adnim" not in text
    assert [login for login, _ in ring.refused_sign_ins()] == [""] * 5
    ring.forget_refused(3)  # recorded in the audit trail
    assert len(ring.refused_sign_ins()) == 2 and len(Keyring.load(ring.path, FAST).refused_sign_ins()) == 2
