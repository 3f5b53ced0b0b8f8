"""The district sync's place in the status bar: its state in a few words, and the changes the
server refused, with what the server kept instead (district mode, services/district.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from mocap_desktop.services import district
from mocap_desktop.store import Store


@dataclass(frozen=True)
class RefusedLine:
    when: str
    who: str
    summary: str


class SyncView(Protocol):
    def show_sync(self, text: str, tooltip: str, attention: bool) -> None: ...

    def show_refused(self, lines: list[RefusedLine]) -> None: ...


class SyncPresenter:
    """Reads the background sync's status (`tick`, on a timer of the window's) and refreshes the
    screens when rows from other PCs have arrived."""

    def __init__(self, view: SyncView, store: Store, worker: "district.BackgroundSync",
                 refresh: Callable[[], None]):
        self.view, self.store, self.worker, self.refresh = view, store, worker, refresh
        self._received = 0
        self._shown: tuple | None = None

    def tick(self) -> None:
        now = self.worker.status
        shown = (now.line, now.last_sync, now.server, now.last_error, now.stopped)
        if shown != self._shown:
            self._shown = shown
            tip = [f"District server: {now.server}", f"This PC: {now.pc_name} (PC {now.pc})",
                   f"Last sync: {now.last_sync.replace('T', ' ') if now.last_sync else 'not yet'}"]
            if now.waiting:
                tip.append(f"{now.waiting} change{'s' if now.waiting != 1 else ''} of this PC waiting to go up; "
                           "they are kept here and sent as soon as the server answers.")
            if now.last_error and now.offline_since:
                tip.append(now.last_error)
            if now.stopped:
                tip.append(now.stopped)
            if now.refused:
                tip.append("Click to see what the server refused and what it kept instead.")
            self.view.show_sync(f"District: {now.line[0].lower() + now.line[1:]}", "\n".join(tip),
                                bool(now.refused or now.stopped))
        if self.worker.received != self._received:
            self._received = self.worker.received
            self.refresh()

    def refused_requested(self) -> None:
        rows = district.refused_changes(self.store)
        self.view.show_refused([RefusedLine(r["made_at"].replace("T", " ")[:16], r["actor"], r["summary"])
                                for r in rows])
        district.mark_refused_seen(self.store)
        self._shown = None
