"""The demo district: synthetic, deterministic data that exercises every rule and screen."""

from __future__ import annotations

from mocap_desktop.store import Store
from mocap_desktop.store.district import DistrictProfile, DistrictRepo


def ensure_demo_data(store: Store) -> bool:
    """Seed the demo district into an empty database. Returns True when it seeded."""
    repo = DistrictRepo(store)
    if repo.profile() is not None:
        return False
    repo.save_profile(DistrictProfile(code="048078", name="Maple Valley R-IV School District"))
    return True
