"""``python -m kerasdoctor``."""

from kerasdoctor.cli import main

raise SystemExit(main())
