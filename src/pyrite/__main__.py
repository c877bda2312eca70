"""`python -m pyrite`: the shell."""

from pyrite.cli.shell import main

raise SystemExit(main())
