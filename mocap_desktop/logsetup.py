"""Logging to a rotating file in the data folder. Student names and IDs go to DEBUG only."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(logs: Path, level: int = logging.INFO) -> Path:
    """Send the app's log records to `logs/mocap.log` (1 MB × 5 files). Returns the file."""
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / "mocap.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_mocap", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler._mocap = True  # type: ignore[attr-defined]
    handler.handleError = lambda record: None  # a full disk loses a log line, never prints a traceback
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    return path
