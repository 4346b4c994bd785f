#!/usr/bin/env python3
"""Development directories (`lamin connect --here`) as Python LaminDB (2.12.1) sees them.

Usage (with the venv python from scripts/python-env.sh):

    $VENV/bin/python scripts/python-dev-dir.py W S READ_DIR WRITE_DIR SLUG [ACTION...]

W  working directory (the child's HOME is W/home)
S  lamin settings dir (LAMIN_SETTINGS_DIR; the files are in S/.lamin/)
ACTION, run in READ_DIR first, in order:
   init=STORAGE,NAME   LaminDB's init of instance NAME with storage STORAGE (as `lamin init`)
   connect=SLUG        LaminDB's `lamin connect SLUG`, expected to be refused: its error is kept

Runs offline (see lamin_offline.py). In READ_DIR it runs the actions, then asks lamindb_setup
which instance is current and which development directory holds it (settings only, no
database); then, unless WRITE_DIR is `-`, it marks WRITE_DIR as a development directory of SLUG
with lamindb_setup's own writer. Prints ONE JSON line:
{"slug": ..., "dev_dir": ..., "written": <marker path or null>, "initialized": [slug...],
 "connect_errors": [message...]}.
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
    from lamindb_setup._connect_instance import _connect_cli
    from lamindb_setup.core._settings_store import write_local_current_instance

    initialized, connect_errors = [], []
    for action in argv[6:]:
        kind, _, arg = action.partition("=")
        if kind == "init":
            storage, _, name = arg.partition(",")
            ln_setup.init(storage=storage, name=name or None)
            initialized.append(ln_setup.settings.instance.slug)
        elif kind == "connect":
            try:
                _connect_cli(arg)
                connect_errors.append(None)
            except Exception as e:  # the refusal is what the caller checks
                connect_errors.append(str(e))
        else:
            raise SystemExit(f"python-dev-dir.py: unknown action {action!r}")
    dev_dir = ln_setup.settings.dev_dir
    out = {"slug": ln_setup.settings.instance.slug, "dev_dir": None if dev_dir is None else str(dev_dir)}
    out["written"] = None if str(write_dir) == "-" else str(write_local_current_instance(write_dir, slug))
    out["initialized"] = initialized
    out["connect_errors"] = connect_errors
    emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main_w_s(__file__, __doc__, sys.argv, child, CHILD_FLAG, 6))
