#!/usr/bin/env python3
"""Read a Python-LaminDB (2.12.1) SQLite instance back with Python, as an interop check.

Usage (with the venv python from scripts/python-env.sh):

    $VENV/bin/python scripts/python-read-instance.py W S [--storage UID] [--ulabel NAME]

W  working directory of an instance made by python-make-instance.py (storage W/pydata)
S  lamin settings dir (LAMIN_SETTINGS_DIR; the files are in S/.lamin/)

Runs offline exactly like python-make-instance.py (HOME=W/home, LAMIN_SETTINGS_DIR=S, cwd=W,
stdin=/dev/null, `_is_on_hub = False`), connects to anonymous/pydata and prints ONE JSON line:

  * slug, uid, django_migrations (row count), and foreign_tables: the tables whose names do
    not start with lamindb_, bionty_ or django_ (a migration run by another tool shows up here)
  * storages: every Storage row (id, uid, root, type, region, instance_uid, description,
    created_at as str or null when Django could not parse it), ordered by id
  * ulabels: every ULabel row (id, uid, name, description, created_by_id, created_at), by id
  * dataframe: the uids in `ln.Storage.filter().to_dataframe()` and `ln.ULabel...`
  * markers: for each local storage row, what lamindb_setup reads from its marker file:
    `parse_storage_mark` -> uid and instance_id, and `mark_storage_root` with the row's uid
    ("__is_marked__" means lamindb_setup accepts the marker as it is and writes nothing)
  * search: for each --search QUERY, the ULabel names in the order ln.ULabel.search ranks them
  * get_storage / get_ulabel: `ln.Storage.get(UID)` / `ln.ULabel.get(name=NAME)`, as
    {"ok": true, "uid": ..., ...} or {"ok": false, "error": "..."}
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from lamin_offline import json_channel, rerun_offline

CHILD_FLAG = "_LAMINDB_RS_READ_INSTANCE_CHILD"
INSTANCE = "anonymous/pydata"


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog=argv[0])
    p.add_argument("w", type=Path)
    p.add_argument("s", type=Path)
    p.add_argument("--storage", help="uid for ln.Storage.get(uid)")
    p.add_argument("--ulabel", help="name for ln.ULabel.get(name=...)")
    p.add_argument(
        "--search",
        action="append",
        default=[],
        help="query for ln.ULabel.search(...): names in LaminDB's ranked order (repeatable)",
    )
    return p.parse_args(argv[1:])


def parent(argv: list[str], w: Path, s: Path) -> int:
    return rerun_offline(__file__, argv[1:], w, s, CHILD_FLAG)


def attempt(f) -> dict:
    try:
        return {"ok": True, **f()}
    except Exception as e:  # reported to the caller, which asserts on it
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}


def child(args: argparse.Namespace) -> int:
    emit = json_channel()

    import lamindb_setup as ln_setup

    ln_setup.connect(INSTANCE)

    import lamindb as ln
    from django.db import connection
    from lamindb_setup.core._settings_storage import (
        STORAGE_UID_FILE_KEY,
        mark_storage_root,
        parse_storage_mark,
    )

    isettings = ln.setup.settings.instance
    # The .env file does not store is_on_hub; reading it would ask the hub.
    isettings._is_on_hub = False

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM django_migrations")
        django_migrations = cur.fetchone()[0]
    foreign_tables = sorted(
        t
        for t in connection.introspection.table_names()
        if not t.startswith(("lamindb_", "bionty_", "django_"))
    )

    def stamp(row: dict) -> dict:
        value = row.get("created_at")
        row["created_at"] = None if value is None else str(value)
        return row

    storages = [
        stamp(r)
        for r in ln.Storage.filter()
        .order_by("id")
        .values(
            "id",
            "uid",
            "root",
            "type",
            "region",
            "instance_uid",
            "description",
            "created_at",
        )
    ]
    ulabels = [
        stamp(r)
        for r in ln.ULabel.filter()
        .order_by("id")
        .values("id", "uid", "name", "description", "created_by_id", "created_at")
    ]
    dataframe = {
        "storage_uids": sorted(ln.Storage.filter().to_dataframe()["uid"].tolist()),
        "ulabel_uids": sorted(ln.ULabel.filter().to_dataframe()["uid"].tolist()),
    }

    markers = {}
    for row in storages:
        if row["type"] != "local":
            continue
        path = Path(row["root"]) / STORAGE_UID_FILE_KEY
        if not path.exists():
            markers[row["root"]] = None
            continue
        uid, instance_id = parse_storage_mark(path.read_text())
        markers[row["root"]] = {
            "uid": uid,
            "instance_id": None if instance_id is None else instance_id.hex,
            "mark_storage_root": mark_storage_root(
                row["root"], row["uid"], isettings._id, isettings.slug
            ),
        }

    result = {
        "slug": isettings.slug,
        "uid": isettings.uid,
        "django_migrations": django_migrations,
        "foreign_tables": foreign_tables,
        "storages": storages,
        "ulabels": ulabels,
        "dataframe": dataframe,
        "markers": markers,
    }
    if args.storage is not None:

        def get_storage() -> dict:
            s = ln.Storage.get(args.storage)
            return {"uid": s.uid, "root": s.root, "description": s.description}

        result["get_storage"] = attempt(get_storage)
    if args.ulabel is not None:

        def get_ulabel() -> dict:
            u = ln.ULabel.get(name=args.ulabel)
            return {"uid": u.uid, "name": u.name, "created_at": str(u.created_at)}

        result["get_ulabel"] = attempt(get_ulabel)

    if args.search:
        result["search"] = {
            q: [r.name for r in ln.ULabel.search(q, limit=None)] for q in args.search
        }

    emit(result)
    return 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if os.environ.get(CHILD_FLAG) == "1":
        return child(args)
    w, s = args.w.expanduser().resolve(), args.s.expanduser().resolve()
    if not (w / "pydata" / ".lamindb" / "lamin.db").exists():
        print(f"python-read-instance: no instance at {w / 'pydata'}", file=sys.stderr)
        return 2
    return parent(argv, w, s)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
