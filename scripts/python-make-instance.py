#!/usr/bin/env python3
"""Create a Python-LaminDB (2.12.1) SQLite instance as an interop fixture.

Usage (with the venv python from scripts/python-env.sh):

    $VENV/bin/python scripts/python-make-instance.py W S

W  target working directory (created if missing); the instance storage is W/pydata
S  lamin settings dir: lamindb_setup reads LAMIN_SETTINGS_DIR and writes its files
   to S/.lamin/ (note the appended ".lamin"; see lamindb_setup/core/_settings_store.py)

What it does, fully offline (no prompts, no hub requests):
  * HOME=W/home, LAMIN_SETTINGS_DIR=S, cwd=W, stdin=/dev/null
  * ln.setup.init(storage=W/pydata)                -> instance anonymous/pydata
    (also writes the dev-dir marker W/.lamin/current_instance, since cwd=W)
  * ln.setup.settings.instance._is_on_hub = False  (else Storage.save() asks the hub)
  * ln.Storage(W/pystorage2, description='second').save()
  * ln.ULabel(name='label-a'/'label-b').save()
  * prints ONE JSON line to stdout (all LaminDB logging goes to stderr): instance slug/uid/id,
    default storage, user, the Storage and ULabel rows, the django_migrations row count

The work runs in a child process (same interpreter) so that the environment is
set before lamindb_setup is imported (it reads LAMIN_SETTINGS_DIR at import time)
and so that a hang is killed by a timeout.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from lamin_offline import json_channel, rerun_offline

CHILD_FLAG = "_LAMINDB_RS_MAKE_INSTANCE_CHILD"
INSTANCE_DIRNAME = "pydata"
STORAGE2_DIRNAME = "pystorage2"


def parent(w: Path, s: Path) -> int:
    w = w.expanduser().resolve()
    s = s.expanduser().resolve()
    if (w / INSTANCE_DIRNAME / ".lamindb").exists():
        print(
            f"python-make-instance: {w / INSTANCE_DIRNAME} already holds an instance;"
            " use a fresh directory",
            file=sys.stderr,
        )
        return 2
    (w / "home").mkdir(parents=True, exist_ok=True)
    s.mkdir(parents=True, exist_ok=True)

    return rerun_offline(__file__, [str(w), str(s)], w, s, CHILD_FLAG)


def child(w: Path, s: Path) -> int:
    emit = json_channel()

    import lamindb_setup as ln_setup

    ln_setup.init(storage=str(w / INSTANCE_DIRNAME))

    import lamindb as ln

    isettings = ln.setup.settings.instance
    # The .env file does not store is_on_hub; reading it would ask the hub.
    isettings._is_on_hub = False

    ln.Storage(str(w / STORAGE2_DIRNAME), description="second").save()
    ln.ULabel(name="label-a").save()
    ln.ULabel(name="label-b").save()

    storage_rows = list(
        ln.Storage.filter()
        .order_by("id")
        .values("id", "uid", "root", "type", "region", "instance_uid", "description")
    )
    ulabel_rows = list(ln.ULabel.filter().order_by("id").values("id", "uid", "name"))
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM django_migrations")
        django_migrations = cur.fetchone()[0]
    result = {
        "lamindb_version": ln.__version__,
        "lamindb_setup_version": ln_setup.__version__,
        "slug": isettings.slug,
        "owner": isettings.owner,
        "name": isettings.name,
        "uid": isettings.uid,
        "id_hex": isettings._id.hex,
        "db": str(isettings.db),
        "storage_root": str(ln.settings.storage.root),
        "storage_uid": ln.settings.storage.uid,
        "user_handle": ln.setup.settings.user.handle,
        "user_uid": ln.setup.settings.user.uid,
        "home": os.environ["HOME"],
        "lamin_settings_dir_env": os.environ["LAMIN_SETTINGS_DIR"],
        "settings_dir": str(s / ".lamin"),
        "storages": storage_rows,
        "ulabels": ulabel_rows,
        "django_migrations": django_migrations,
    }
    emit(result)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(f"usage: {argv[0]} W SETTINGS_DIR", file=sys.stderr)
        return 2
    w, s = Path(argv[1]), Path(argv[2])
    if os.environ.get(CHILD_FLAG) == "1":
        return child(w, s)
    return parent(w, s)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
