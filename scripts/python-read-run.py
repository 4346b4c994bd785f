#!/usr/bin/env python3
"""Read a run and its lineage with Python LaminDB (2.12.1), as an interop check.

Usage (with the venv python from scripts/python-env.sh):

    $VENV/bin/python scripts/python-read-run.py W S SLUG RUN_UID

W        working directory (HOME=W/home for the child)
S        lamin settings dir (LAMIN_SETTINGS_DIR; the files are in S/.lamin/)
SLUG     the instance (`owner/name`)
RUN_UID  the run to read

Runs offline like python-read-instance.py and prints ONE JSON line: the run's uid, status,
params, cli_args, started_at/finished_at (as text), its transform (key, kind, uid, hash),
`ln.Run.get(uid).input_artifacts` (uids), the artifacts whose `run` is it (uids, with each one's
`artifact.run.transform.key`), the report (uid, kind, description, text), and the uid of the
run that started it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lamin_offline import json_channel, main_w_s

CHILD_FLAG = "_LAMINDB_RS_READ_RUN_CHILD"


def child(argv: list[str]) -> int:
    emit = json_channel()
    slug, run_uid = argv[3], argv[4]

    import lamindb_setup as ln_setup

    ln_setup.connect(slug)

    import lamindb as ln

    ln.setup.settings.instance._is_on_hub = False

    run = ln.Run.get(run_uid)
    outputs = ln.Artifact.filter(run=run).order_by("id")
    report = run.report
    out = {
        "uid": run.uid,
        "status": run.status,
        "params": run.params,
        "cli_args": run.cli_args,
        "started_at": str(run.started_at),
        "finished_at": None if run.finished_at is None else str(run.finished_at),
        "transform": {
            "key": run.transform.key,
            "kind": run.transform.kind,
            "uid": run.transform.uid,
            "hash": run.transform.hash,
        },
        "inputs": sorted(a.uid for a in run.input_artifacts.all()),
        "outputs": {a.uid: a.run.transform.key for a in outputs if a.kind != "__lamindb_run__"},
        "report": None
        if report is None
        else {
            "uid": report.uid,
            "kind": report.kind,
            "description": report.description,
            "text": Path(report.cache()).read_text(),
        },
        "initiated_by_run": None if run.initiated_by_run is None else run.initiated_by_run.uid,
    }
    emit(out, default=str)
    return 0


def main(argv: list[str]) -> int:
    return main_w_s(__file__, __doc__, argv, child, CHILD_FLAG, 5)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
