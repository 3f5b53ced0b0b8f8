from mocap_desktop.cli import main

raise SystemExit(main())
