from maliradio.cli import main

raise SystemExit(main())
