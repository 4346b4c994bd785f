#!/usr/bin/env python3
"""Benchmark baseline: how long Python LaminDB (2.12.1) takes to transfer N artifacts (their
metadata, LaminDB's default transfer="sqlrecord") from one local SQLite instance to another.

Usage (with the venv python from scripts/python-env.sh):

    $VENV/bin/python scripts/python-transfer-bench.py W S N [bulk|save]

W   working directory (source instance storage W/src, target W/dst, files W/files; HOME=W/home);
    use a fresh W (and S) for every run
S   lamin settings dir (LAMIN_SETTINGS_DIR; the files are in S/.lamin/)
N   number of artifacts
bulk|save   the transfer call (default `bulk`, see below)

Setup (timed as setup_seconds, including `import lamindb`): `ln_setup.init(storage=W/src)`, the
ULabel `lung`, and N small files W/files/f{i}.csv with unique content, each saved as an artifact
with key `raw/f{i}.csv` and labelled with `artifact.ulabels.add(lung)`. 2.12.1 cannot switch
instances inside one process (a second `ln_setup.init` re-sets Django, and later queries fail
with "Branch has no field named 'in'. The app cache isn't ready yet"), so the source is made in
a child process of its own with the same offline environment. The benchmark process then runs
`ln_setup.init(storage=W/dst)` (not timed), which makes the target the current instance.

Transfer (timed as transfer_seconds): `qs = ln.Artifact.connect(<source slug>)` and the
artifacts of `qs.filter(key__startswith="raw/")` are saved into the target, using LaminDB's
default transfer ("sqlrecord": the artifact rows plus the FK rows they need; labels are not
transferred):

- `bulk` (default, the fastest public API): `ln.save(list)`. LaminDB 2.12.1 has no real bulk
  transfer: for artifacts, `ln.save` runs the same per-record `SQLRecord.save` (which does the
  transfer) inside one `transaction.atomic()` and then its `store_artifacts` pass (nothing to
  upload here). The target ends up the same as with `save`: N artifacts with their uids, one
  transfer transform and one run. It takes about half the time of `save` because on SQLite it
  commits once instead of N times (presumably; not profiled). `ln.save`'s docstring only promises bulk creation of new
  records, so this uses the function for something it does not document.
- `save`: `artifact.save()` one by one. This is the documented transfer flow
  (https://docs.lamin.ai/transfer), with one transaction per artifact.

Afterwards the target must hold exactly N artifacts (`ln.Artifact.filter().count() == N`);
otherwise the script exits 1. Prints ONE JSON line: n, setup_seconds, transfer_seconds,
per_artifact_ms, api (what was called), source and target slugs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import lamin_offline
from lamin_offline import json_channel, main_w_s

CHILD_FLAG = "_LAMINDB_RS_TRANSFER_BENCH_CHILD"
SOURCE_FLAG = "_LAMINDB_RS_TRANSFER_BENCH_SOURCE"

APIS = {
    "save": 'for a in ln.Artifact.connect(slug).filter(key__startswith="raw/").all(): a.save()',
    "bulk": 'ln.save(list(ln.Artifact.connect(slug).filter(key__startswith="raw/").all()))',
}


def make_source(w: Path, n: int) -> dict:
    """The source instance with N labelled artifacts (own process: see the module docstring)."""
    import lamindb_setup as ln_setup

    t0 = time.perf_counter()
    ln_setup.init(storage=str(w / "src"))

    import lamindb as ln

    ln.setup.settings.instance._is_on_hub = False
    lung = ln.ULabel(name="lung").save()
    files = w / "files"
    files.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        path = files / f"f{i}.csv"
        path.write_text(f"i,sq\n{i},{i * i}\n")
        artifact = ln.Artifact(str(path), key=f"raw/f{i}.csv").save()
        artifact.ulabels.add(lung)
    setup_seconds = time.perf_counter() - t0
    n_src = ln.Artifact.filter(key__startswith="raw/").count()
    n_labelled = ln.Artifact.filter(ulabels=lung).count()
    if n_src != n or n_labelled != n:
        raise SystemExit(f"source holds {n_src} artifacts ({n_labelled} labelled), expected {n}")
    return {"slug": ln_setup.settings.instance.slug, "setup_seconds": setup_seconds}


def child(argv: list[str]) -> int:
    emit = json_channel()
    w = Path(argv[1]).resolve()
    n = int(argv[3])
    api = argv[4] if len(argv) > 4 else "bulk"
    if api not in APIS:
        print(f"unknown api {api!r}; use one of {sorted(APIS)}", file=sys.stderr)
        return 2

    if os.environ.get(SOURCE_FLAG) == "1":
        emit(make_source(w, n))
        return 0

    # 2.12.1 cannot switch instances inside one process: a second ln_setup.init re-sets Django
    # and later queries fail ("Branch has no field named 'in'. The app cache isn't ready yet").
    # So the source is made by a child of this (offline) child, with the same environment.
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), *argv[1:]],
        env={**os.environ, SOURCE_FLAG: "1"},
        cwd=os.getcwd(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    if proc.returncode != 0:
        print(f"making the source instance failed (exit {proc.returncode})", file=sys.stderr)
        return 1
    source = json.loads(proc.stdout.strip().splitlines()[-1])
    src_slug = source["slug"]

    import lamindb_setup as ln_setup

    ln_setup.init(storage=str(w / "dst"))

    import lamindb as ln

    ln.setup.settings.instance._is_on_hub = False
    dst_slug = ln_setup.settings.instance.slug
    if dst_slug == src_slug:
        print(f"target slug equals source slug {src_slug!r}", file=sys.stderr)
        return 1

    t1 = time.perf_counter()
    qs = ln.Artifact.connect(src_slug)
    records = list(qs.filter(key__startswith="raw/").all())
    if api == "bulk":
        ln.save(records)
    else:
        for record in records:
            record.save()
    transfer_seconds = time.perf_counter() - t1

    n_dst = ln.Artifact.filter().count()
    if len(records) != n or n_dst != n:
        print(
            f"transfer incomplete: read {len(records)}, target holds {n_dst}, expected {n}",
            file=sys.stderr,
        )
        return 1

    out = {
        "n": n,
        "setup_seconds": round(source["setup_seconds"], 3),
        "transfer_seconds": round(transfer_seconds, 3),
        "per_artifact_ms": round(1000 * transfer_seconds / n, 3) if n else None,
        "api": APIS[api].replace("slug", repr(src_slug)),
        "source": src_slug,
        "target": dst_slug,
    }
    emit(out)
    return 0


def main(argv: list[str]) -> int:
    # the shared 180 s child time-out is too short for large N
    lamin_offline.TIMEOUT_S = max(lamin_offline.TIMEOUT_S, 1800)
    return main_w_s(__file__, __doc__, argv, child, CHILD_FLAG, 4)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
