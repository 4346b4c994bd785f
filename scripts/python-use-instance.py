#!/usr/bin/env python3
"""Work on an instance that `lamin` made, with Python LaminDB (2.12.1), as an interop check.

Usage (with the venv python from scripts/python-env.sh):

    $VENV/bin/python scripts/python-use-instance.py W S SLUG INPUT_UID

W          working directory (created if missing); files to save are written below W/py-files
S          lamin settings dir (LAMIN_SETTINGS_DIR; the files are in S/.lamin/)
SLUG       the instance (`owner/name`), as `lamin init` wrote its settings
INPUT_UID  an artifact of the instance that the run loads as its input

Runs offline like python-read-instance.py (HOME=W/home, LAMIN_SETTINGS_DIR=S, cwd=W,
stdin=/dev/null, `_is_on_hub = False`) and, under `ln.track()`:
  * caches the artifact INPUT_UID (a run input),
  * saves two artifacts, a ULabel, a Project, a Record type and a Record, a Collection of the two
    artifacts, and one Feature per dtype (int, float, bool, str, datetime, date, dict,
    list[str], cat[ULabel], cat[Record]) with values on the first artifact,
  * calls `describe()` on the artifact and `ln.finish()`.
Prints ONE JSON line: what it saved (uids, keys, names, feature values as Python reads them back,
the run's inputs and status) and `warnings`, the LaminDB warnings logged meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

from lamin_offline import json_channel, main_w_s

CHILD_FLAG = "_LAMINDB_RS_USE_INSTANCE_CHILD"


class Collect(logging.Handler):
    """Keeps the messages of warnings and errors."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def child(argv: list[str]) -> int:
    emit = json_channel()
    slug, input_uid = argv[3], argv[4]

    import lamindb_setup as ln_setup

    # LaminDB's messages go through lamindb_setup's own root logger, which must keep its one
    # handler: its warning methods are wrapped instead.
    collected = Collect()
    logging.getLogger().addHandler(collected)
    lamin_logger = ln_setup.logger
    for method in ("warning", "warn", "error"):
        original = getattr(lamin_logger, method)

        def wrapped(msg, *args, _original=original, **kwargs):
            collected.messages.append(str(msg))
            return _original(msg, *args, **kwargs)

        setattr(lamin_logger, method, wrapped)

    ln_setup.connect(slug)

    import lamindb as ln

    ln.setup.settings.instance._is_on_hub = False

    ln.track()
    run = ln.context.run

    inp = ln.Artifact.get(input_uid)
    inp.cache()

    files = Path("py-files")
    files.mkdir(exist_ok=True)
    (files / "a.csv").write_text("gene,count\nA,1\nB,2\n")
    (files / "b.txt").write_text("made by python\n")
    a = ln.Artifact(files / "a.csv", key="py/a.csv", description="from python").save()
    b = ln.Artifact(files / "b.txt", key="py/b.txt").save()

    label = ln.ULabel(name="py-label").save()
    a.ulabels.add(label)
    project = ln.Project(name="py-project").save()
    a.projects.add(project)
    sheet = ln.Record(name="py-sheet", is_type=True).save()
    record = ln.Record(name="py-record", type=sheet).save()

    dtypes = {
        "f_int": (int, 7),
        "f_float": (float, 2.5),
        "f_bool": (bool, True),
        "f_str": (str, "hello"),
        "f_datetime": (dt.datetime, dt.datetime(2024, 5, 6, 7, 8, 9)),
        "f_date": (dt.date, dt.date(2024, 5, 6)),
        "f_dict": (dict, {"k": [1, 2]}),
        "f_list": (list[str], ["x", "y"]),
        "f_ulabel": (ln.ULabel, "py-label"),
        "f_record": (ln.Record, "py-record"),
    }
    for name, (dtype, _) in dtypes.items():
        ln.Feature(name=name, dtype=dtype).save()
    a.features.add_values({name: value for name, (_, value) in dtypes.items()})

    collection = ln.Collection([a, b], key="py-collection").save()
    a.describe()
    ln.finish()

    run.refresh_from_db()
    back = a.features.get_values()
    out = {
        "run_uid": run.uid,
        "run_status": run.status,
        "transform_key": run.transform.key,
        "inputs": sorted(x.uid for x in run.input_artifacts.all()),
        "artifacts": {x.key: x.uid for x in (a, b)},
        "artifact_run_uid": a.run.uid if a.run else None,
        "ulabel": label.uid,
        "project": project.uid,
        "record": record.uid,
        "record_type": sheet.uid,
        "collection": collection.uid,
        "collection_members": [x.uid for x in collection.ordered_artifacts.all()],
        "features": {k: (v if isinstance(v, (int, float, bool, str, list, dict)) or v is None else str(v)) for k, v in back.items()},
        "report": run.report.uid if run.report else None,
        "warnings": collected.messages,
    }
    emit(out, default=str)
    return 0


def main(argv: list[str]) -> int:
    return main_w_s(__file__, __doc__, argv, child, CHILD_FLAG, 5)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
