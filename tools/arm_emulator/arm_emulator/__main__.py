"""Allow ``python -m arm_emulator``."""

import sys

from arm_emulator.cli import main

sys.exit(main())
