#!/usr/bin/env python3
"""Make an instance with Python LaminDB (2.12.1), annotate an artifact, and export the instance
with LaminDB's own `lamin io exportdb` code, as an interop check.

Usage (with the venv python from scripts/python-env.sh):

    $VENV/bin/python scripts/python-export-instance.py W S

W   working directory (the instance's storage is W/pyexp, the export W/export; HOME=W/home)
S   lamin settings dir (LAMIN_SETTINGS_DIR; the files are in S/.lamin/)

The instance holds the ULabel `lung`, the features `tissue` (cat[ULabel]) and `n_cells` (int),
and the artifact `raw/a.csv` annotated with tissue=lung and n_cells=7. The export is
`lamindb_setup.io.export_db` (what `lamin io exportdb` runs) with one upstream defect mended:
2.12.1 lists abstract models (`lamindb_baseblock`, …) as tables and fails on them, so they are
left out here. Prints ONE JSON line: slug, uid, the artifact's uid, the storage root, the export
folder and the row counts of the artifact, ulabel and feature tables.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lamin_offline import json_channel, main_w_s

CHILD_FLAG = "_LAMINDB_RS_EXPORT_INSTANCE_CHILD"


def child(argv: list[str]) -> int:
    emit = json_channel()
    w = Path(argv[1]).resolve()

    import lamindb_setup as ln_setup

    ln_setup.init(storage=str(w / "pyexp"))

    import lamindb as ln

    ln.setup.settings.instance._is_on_hub = False
    ln.ULabel(name="lung").save()
    ln.Feature(name="tissue", dtype=ln.ULabel).save()
    ln.Feature(name="n_cells", dtype=int).save()
    (w / "a.csv").write_text("x\n1\n")
    a = ln.Artifact(str(w / "a.csv"), key="raw/a.csv").save()
    a.features.add_values({"tissue": "lung", "n_cells": 7})

    from django.db import models

    import lamindb_setup.io as io

    original = io._get_registries

    def concrete_only(module_name: str) -> list[str]:
        schema = io._import_schema_module(module_name)
        return [
            name
            for name in original(module_name)
            if not getattr(schema.models, name)._meta.abstract
            and issubclass(getattr(schema.models, name), models.Model)
        ]

    io._get_registries = concrete_only
    io.export_db(output_dir=str(w / "export"), max_workers=1)

    out = {
        "slug": ln.setup.settings.instance.slug,
        "uid": ln.setup.settings.instance.uid,
        "artifact_uid": a.uid,
        "storage_root": str(ln.settings.storage.root),
        "export_dir": str(w / "export"),
        "counts": {
            "lamindb_artifact": ln.Artifact.filter().count(),
            "lamindb_ulabel": ln.ULabel.filter().count(),
            "lamindb_feature": ln.Feature.filter().count(),
        },
    }
    emit(out)
    return 0


def main(argv: list[str]) -> int:
    return main_w_s(__file__, __doc__, argv, child, CHILD_FLAG, 3)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
