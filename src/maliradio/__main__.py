import os

if os.environ.get("MALIRADIO_NEWS_WORKER"):
    # A news refresh started this executable as a worker process (a built app has no Python
    # of its own to start): see maliradio.news.steps.worker_main.
    from maliradio.news.steps import worker_main

    worker_main()
    raise SystemExit(0)

from maliradio.cli import main  # noqa: E402

raise SystemExit(main())
