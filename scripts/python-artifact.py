#!/usr/bin/env python3
"""Get or save an artifact with Python LaminDB (2.12.1), as an interop check.

Usage (with the venv python from scripts/python-env.sh):

    $VENV/bin/python scripts/python-artifact.py W S get UID
    $VENV/bin/python scripts/python-artifact.py W S save PATH KEY

W  working directory of an instance made by python-make-instance.py (storage W/pydata)
S  lamin settings dir (LAMIN_SETTINGS_DIR; the files are in S/.lamin/)

Runs offline like python-read-instance.py (HOME=W/home, LAMIN_SETTINGS_DIR=S, cwd=W,
stdin=/dev/null, `_is_on_hub = False`), connects to anonymous/pydata and prints ONE JSON line
describing the artifact: uid, key, suffix, otype, size, hash, hash_type, key_is_virtual, is_latest,
branch_id, storage_root, path (str of `.path`), and for `get` also `cache` (the path `.cache()`
returns) and `cache_hex` (its bytes, hex).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lamin_offline import json_channel, rerun_offline

CHILD_FLAG = "_LAMINDB_RS_ARTIFACT_CHILD"
INSTANCE = "anonymous/pydata"


def parent(argv: list[str], w: Path, s: Path) -> int:
    return rerun_offline(__file__, argv[1:], w, s, CHILD_FLAG)


def describe(a) -> dict:
    return {
        "uid": a.uid,
        "key": a.key,
        "suffix": a.suffix,
        "otype": a.otype,
        "size": a.size,
        "hash": a.hash,
        "hash_type": a._hash_type,
        "key_is_virtual": a._key_is_virtual,
        "is_latest": a.is_latest,
        "branch_id": a.branch_id,
        "storage_root": a.storage.root,
        "path": str(a.path),
    }


def child(argv: list[str]) -> int:
    emit = json_channel()

    import lamindb_setup as ln_setup

    ln_setup.connect(INSTANCE)

    import lamindb as ln

    ln.setup.settings.instance._is_on_hub = False

    command = argv[3]
    if command == "get":
        a = ln.Artifact.get(argv[4])
        out = describe(a)
        cache = a.cache()
        out["cache"] = str(cache)
        out["cache_hex"] = Path(cache).read_bytes().hex()
    elif command == "save":
        a = ln.Artifact(argv[4], key=argv[5]).save()
        out = describe(a)
    else:
        print(f"python-artifact: unknown command {command}", file=sys.stderr)
        return 2
    emit(out)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    if os.environ.get(CHILD_FLAG) == "1":
        return child(argv)
    w, s = Path(argv[1]).expanduser().resolve(), Path(argv[2]).expanduser().resolve()
    if not (w / "pydata" / ".lamindb" / "lamin.db").exists():
        print(f"python-artifact: no instance at {w / 'pydata'}", file=sys.stderr)
        return 2
    return parent(argv, w, s)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
