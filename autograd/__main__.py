"""``python -m autograd``: the same as the ``chainrule`` command (see :mod:`autograd.views.cli`)."""

import sys

from .views.cli import main

# Guarded, because pytest's --doctest-modules imports every module of the package.
if __name__ == "__main__":
    sys.exit(main())
