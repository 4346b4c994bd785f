#!/usr/bin/env python3
"""Development directories (`lamin connect --here`) as Python LaminDB (2.12.1) sees them.

Usage (with the venv python from scripts/python-env.sh):

    $VENV/bin/python scripts/python-dev-dir.py W S READ_DIR WRITE_DIR SLUG

W  working directory (the child's HOME is W/home)
S  lamin settings dir (LAMIN_SETTINGS_DIR; the files are in S/.lamin/)

Runs offline (see lamin_offline.py). In READ_DIR it asks lamindb_setup which instance is current
and which development directory holds it (settings only, no database); then it marks WRITE_DIR
as a development directory of SLUG with lamindb_setup's own writer. Prints ONE JSON line:
{"slug": ..., "dev_dir": ..., "written": <marker path>}.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lamin_offline import json_channel, main_w_s

CHILD_FLAG = "_LAMINDB_RS_DEV_DIR_CHILD"


def child(argv: list[str]) -> int:
    emit = json_channel()
    read_dir, write_dir, slug = Path(argv[3]), Path(argv[4]), argv[5]
    os.chdir(read_dir)
    import lamindb_setup as ln_setup
    from lamindb_setup.core._settings_store import write_local_current_instance

    dev_dir = ln_setup.settings.dev_dir
    out = {"slug": ln_setup.settings.instance.slug, "dev_dir": None if dev_dir is None else str(dev_dir)}
    out["written"] = str(write_local_current_instance(write_dir, slug))
    emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main_w_s(__file__, __doc__, sys.argv, child, CHILD_FLAG, 6))
