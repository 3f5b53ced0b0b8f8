"""The database key and the people who may unlock it.

The database is encrypted (SQLCipher) with one random 256-bit key. Each person's password, and
the recovery key printed once at set-up, unlock their own wrapped copy of it. Wrapping: argon2id
turns the secret and a fresh random salt into 64 bytes; the first 32 are a one-time pad XORed
with the (random) database key, the last 32 key an HMAC-SHA256 over salt and sealed key, checked
in constant time before anything is unsealed. A fresh salt per wrap means a pad is never reused.
Adding or removing a person, or changing a password, rewraps one copy and never re-encrypts data.

The keyring is a small JSON file beside the database (`mocap.sqlite.keys`): it must be readable
before the database can be opened, and holds nothing but salts and sealed keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw

KEY_BYTES = 32
AAD = b"MOCAP Desktop database key v1"
RECOVERY = "(recovery key)"
FREE_ATTEMPTS = 5  # failed sign-ins in a row before each next one is slowed down
MAX_REFUSED = 1000  # failed sign-ins kept for the audit trail between two sign-ins
MAX_DELAY = 60.0


class KeyringError(Exception):
    """A keyring problem the user can act on; the message says which."""


class WrongPassword(KeyringError):
    pass


@dataclass(frozen=True)
class KdfParams:
    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 2


# Costs for new wraps (about 0.1 s and 64 MiB each here); every wrap records its own.
DEFAULT_KDF = KdfParams()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _pad_and_mac_key(secret: str, salt: bytes, params: KdfParams) -> tuple[bytes, bytes]:
    raw = hash_secret_raw(secret.encode("utf-8"), salt, params.time_cost, params.memory_kib,
                          params.parallelism, 2 * KEY_BYTES, Type.ID)
    return raw[:KEY_BYTES], raw[KEY_BYTES:]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _tag(mac_key: bytes, salt: bytes, sealed: bytes) -> bytes:
    return hmac.new(mac_key, AAD + salt + sealed, hashlib.sha256).digest()


@dataclass(frozen=True)
class WrappedKey:
    salt: str
    sealed: str
    tag: str
    kdf: KdfParams

    @classmethod
    def seal(cls, db_key: bytes, secret: str, params: KdfParams) -> "WrappedKey":
        salt = os.urandom(16)
        pad, mac_key = _pad_and_mac_key(secret, salt, params)
        sealed = _xor(db_key, pad)
        return cls(_b64(salt), _b64(sealed), _b64(_tag(mac_key, salt, sealed)), params)

    def open(self, secret: str) -> bytes:
        salt, sealed = _unb64(self.salt), _unb64(self.sealed)
        pad, mac_key = _pad_and_mac_key(secret, salt, self.kdf)
        if not hmac.compare_digest(_tag(mac_key, salt, sealed), _unb64(self.tag)):
            raise WrongPassword("The name or password is not right.")
        return _xor(sealed, pad)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "WrappedKey":
        return cls(data["salt"], data["sealed"], data["tag"], KdfParams(**data["kdf"]))


def new_database_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_recovery_key() -> str:
    """24 characters in six groups, easy to print and type back: e.g. `K7QF-2MZD-…`."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    chars = "".join(secrets.choice(alphabet) for _ in range(24))
    return "-".join(chars[i:i + 4] for i in range(0, 24, 4))


def normalise_recovery_key(text: str) -> str:
    chars = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


@dataclass
class Keyring:
    """Wrapped copies of one database key, by login, plus failed sign-in counters."""

    path: Path
    wrapped: dict[str, WrappedKey] = field(default_factory=dict)
    failures: dict[str, list[float]] = field(default_factory=dict)  # login -> [count, last time]
    params: KdfParams = field(default_factory=lambda: DEFAULT_KDF)
    # Failed sign-ins not yet in the audit trail (which is inside the still-locked database):
    # [login, time], the login only when it is a real account's (a password typed into the name
    # box is never kept). The next sign-in moves them into the trail.
    refused: list[list] = field(default_factory=list)
    # Audit entries a database open read-only (a full disk, a read-only file) could not take:
    # the read-only sign-in and sign-out, a backup written then. Recorded once it can be written.
    waiting: list[dict] = field(default_factory=list)

    @staticmethod
    def path_for(database: Path) -> Path:
        return database.with_name(database.name + ".keys")

    @classmethod
    def load(cls, path: Path, params: KdfParams | None = None) -> "Keyring":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            wrapped = {login: WrappedKey.from_json(w) for login, w in data["keys"].items()}
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise KeyringError(f"The key file {path} is damaged ({type(err).__name__}); "
                               "restore it from the backup folder.") from None
        return cls(path, wrapped, data.get("failures", {}), params or DEFAULT_KDF,
                   data.get("refused", []), data.get("waiting", []))

    def save(self) -> None:
        data = {"version": 1, "keys": {k: w.to_json() for k, w in self.wrapped.items()},
                "failures": self.failures, "refused": self.refused, "waiting": self.waiting}
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(partial, self.path)

    @property
    def logins(self) -> list[str]:
        return sorted(k for k in self.wrapped if k != RECOVERY)

    def add(self, login: str, password: str, db_key: bytes) -> None:
        if not login or login == RECOVERY:
            raise KeyringError("Choose another sign-in name.")
        if login in self.wrapped:
            raise KeyringError(f"'{login}' already has an account.")
        self.wrapped[login] = WrappedKey.seal(db_key, password, self.params)

    def set_recovery(self, recovery_key: str, db_key: bytes) -> None:
        self.wrapped[RECOVERY] = WrappedKey.seal(db_key, normalise_recovery_key(recovery_key), self.params)

    def remove(self, login: str) -> None:
        if login not in self.wrapped or login == RECOVERY:
            raise KeyringError(f"'{login}' has no account.")
        del self.wrapped[login]
        self.failures.pop(login, None)

    def delay_for(self, login: str, now: float | None = None) -> float:
        """Seconds to wait before `login` may try again (0 while under five failures in a row).
        Names that are no account's share one count, so no name typed is ever kept."""
        count, last = self.failures.get(login if login in self.wrapped else "", [0, 0.0])
        if count < FREE_ATTEMPTS:
            return 0.0
        wait = min(MAX_DELAY, 2.0 ** (count - FREE_ATTEMPTS + 1))
        return max(0.0, last + wait - (time.time() if now is None else now))

    def unlock(self, login: str, password: str, now: float | None = None) -> bytes:
        """The database key for this person, or `WrongPassword`; counts failures in a row."""
        now = time.time() if now is None else now
        wait = self.delay_for(login, now)
        wrapped = self.wrapped.get(login)
        login = login if wrapped is not None else ""  # see delay_for
        if wait > 0:
            raise WrongPassword(f"Too many failed sign-ins. Try again in {wait:.0f} seconds.")
        try:
            if wrapped is None:
                WrappedKey.seal(b"\0" * KEY_BYTES, password, self.params)  # same time as a real try
                raise WrongPassword("The name or password is not right.")
            key = wrapped.open(password)
        except WrongPassword:
            count = self.failures.get(login, [0, 0.0])[0] + 1
            self.failures[login] = [count, now]
            self.refused = [*self.refused, [login, now]][-MAX_REFUSED:]
            self.save()
            raise
        if login in self.failures:
            del self.failures[login]
            self.save()
        return key

    def refused_sign_ins(self) -> list[tuple[str, float]]:
        """The failed sign-ins kept since they were last recorded, oldest first."""
        return [(str(login), float(at)) for login, at in self.refused]

    def forget_refused(self, count: int) -> None:
        """The first `count` failed sign-ins are in the audit trail now: drop them here."""
        if count:
            self.refused = self.refused[count:]
            self.save()

    def keep_waiting(self, entries: list[dict]) -> None:
        """Keep audit entries the database could not take until it can (OSError if this file
        cannot be written either)."""
        if entries:
            self.waiting = [*self.waiting, *entries]
            self.save()

    def forget_waiting(self, count: int) -> None:
        """The first `count` waiting entries are in the audit trail now: drop them here."""
        if count:
            self.waiting = self.waiting[count:]
            self.save()

    def change_password(self, login: str, old: str, new: str) -> None:
        key = self.unlock(login, old)
        self.wrapped[login] = WrappedKey.seal(key, new, self.params)

    def reset_with_recovery(self, recovery_key: str, login: str, new_password: str) -> bytes:
        """Give `login` a new password using the recovery key; returns the database key."""
        key = self.unlock(RECOVERY, normalise_recovery_key(recovery_key))
        self.wrapped[login] = WrappedKey.seal(key, new_password, self.params)
        return key
