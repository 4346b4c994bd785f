#!/usr/bin/env python3
"""Read an artifact's annotations with Python LaminDB (2.12.1), as an interop check.

Usage (with the venv python from scripts/python-env.sh):

    $VENV/bin/python scripts/python-read-annotations.py W S SLUG ARTIFACT_UID

W             working directory (HOME=W/home for the child)
S             lamin settings dir (LAMIN_SETTINGS_DIR; the files are in S/.lamin/)
SLUG          the instance (`owner/name`)
ARTIFACT_UID  the artifact to read

Runs offline like python-read-instance.py and prints ONE JSON line: `artifact.features.get_values()`
(dates and datetimes as text), the names of its ulabels, projects and records, and its collections
(key and `ordered_artifacts` uids).
"""

from __future__ import annotations

import sys

from lamin_offline import json_channel, main_w_s

CHILD_FLAG = "_LAMINDB_RS_READ_ANNOTATIONS_CHILD"


def child(argv: list[str]) -> int:
    emit = json_channel()
    slug, artifact_uid = argv[3], argv[4]

    import lamindb_setup as ln_setup

    ln_setup.connect(slug)

    import lamindb as ln

    ln.setup.settings.instance._is_on_hub = False

    a = ln.Artifact.get(artifact_uid)
    values = {
        k: (v if isinstance(v, (int, float, bool, str, list, dict)) or v is None else str(v))
        for k, v in a.features.get_values().items()
    }
    out = {
        "features": values,
        "ulabels": sorted(x.name for x in a.ulabels.all()),
        "projects": sorted(x.name for x in a.projects.all()),
        "records": sorted(x.name for x in a.records.all()),
        "collections": {
            c.key: [x.uid for x in c.ordered_artifacts.all()] for c in a.collections.all()
        },
    }
    emit(out, default=str)
    return 0


def main(argv: list[str]) -> int:
    return main_w_s(__file__, __doc__, argv, child, CHILD_FLAG, 5)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
