"""A real PostgreSQL server for the district-mode tests: a throwaway cluster in a temporary
folder, on a free loopback port, started with Debian's server binaries (`postgresql` package;
`build/dev.sh test` installs it). PostgreSQL refuses to run as root, so as root the cluster
belongs to the `postgres` account and its commands run as that account."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

SUPERUSER = "mocap_it"  # the district IT account that runs `district init-server`
SUPERUSER_PASSWORD = "it-secret-1"


def server_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """initdb, start, stop, kill: one cluster, its superuser `mocap_it` (password auth over TCP)."""

    def __init__(self, root: Path):
        self.bin = server_binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's server is not installed (Debian: apt-get install postgresql); "
                               "`bash build/dev.sh test` installs it")
        self.root = root
        self.data = root / "cluster"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def init(self) -> "PgServer":
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.root, "postgres")
            os.chmod(self.root, 0o755)
        pwfile = self.root / "pw"
        pwfile.write_text(SUPERUSER_PASSWORD)
        if self.as_root:
            shutil.chown(pwfile, "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--pwfile", str(pwfile),
                  "-A", "scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        pwfile.unlink()
        return self.start()

    def start(self) -> "PgServer":
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.root / "log"), "-o",
                  f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
                  "-c fsync=off -c full_page_writes=off", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m", mode, "stop", check=False)

    def kill(self) -> None:
        """kill -9 of the postmaster and every backend: the server as a power cut leaves it."""
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            subprocess.run(["pkill", "-9", "-P", str(pid)], check=False)
            os.kill(pid, 9)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)

    def url(self, user: str = SUPERUSER, password: str | None = SUPERUSER_PASSWORD, db: str = "mocap") -> str:
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str = "mocap") -> str:
        import psycopg

        with psycopg.connect(self.url(db="postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(db=name)

    def add_login(self, login: str, password: str, group: str, db: str = "mocap") -> str:
        """A login for one office PC or person, a member of one of the app's group roles."""
        import psycopg

        with psycopg.connect(self.url(db=db), autocommit=True) as conn:
            conn.execute(f'CREATE ROLE "{login}" LOGIN PASSWORD %s IN ROLE "{group}"'.replace("%s", "'" + password + "'"))
        return self.url(login, password, db)
