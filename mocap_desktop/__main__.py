import sys

if getattr(sys, "frozen", False) and ("--multiprocessing-fork" in sys.argv or "-c" in sys.argv):
    # The bundle started as a big import's reader process (services/import_reader.py), or as the
    # resource tracker that multiprocessing starts beside it (`-c "from multiprocessing…"`): run
    # it, then exit.
    import multiprocessing

    multiprocessing.freeze_support()

from mocap_desktop.cli import main  # noqa: E402

raise SystemExit(main())
