"""Run a script of this folder again in a child process that Python LaminDB keeps offline.

The interop scripts call `rerun_offline` from their parent process: the child gets HOME=W/home,
LAMIN_SETTINGS_DIR=S (LaminDB reads S/.lamin), cwd W, stdin closed, no variable that could point
LaminDB at another instance, user or cloud, and a time limit. The child knows it is the child by
the script's own flag variable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TIMEOUT_S = 180


def rerun_offline(script: str, args: list[str], w: Path, s: Path, child_flag: str) -> int:
    """Runs `script` with `args` as the offline child; returns its exit status (3 on time-out)."""
    env = {
        k: v
        for k, v in os.environ.items()
        # drop anything that could redirect lamindb to another instance/user/env
        if not k.startswith(("LAMIN", "XDG_", "DJANGO_", "SUPABASE_", "AWS_"))
    }
    env.update(
        {
            child_flag: "1",
            "HOME": str(w / "home"),
            "LAMIN_SETTINGS_DIR": str(s),
            # no prompts from rich / tqdm noise
            "NO_RICH": "1",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    try:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(script), *args],
            env=env,
            cwd=str(w),
            stdin=subprocess.DEVNULL,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        name = Path(script).stem
        print(f"{name}: timed out after {TIMEOUT_S}s", file=sys.stderr)
        return 3
    return proc.returncode


def main_w_s(script: str, doc: str, argv: list[str], child, child_flag: str, nargs: int) -> int:
    """The `main` of a script taking `W S` and more arguments (`nargs` in all, the script's
    name included): usage on too few, the child's work in the child, else the offline rerun
    (W is created when missing)."""
    if len(argv) < nargs:
        print(doc, file=sys.stderr)
        return 2
    if os.environ.get(child_flag) == "1":
        return child(argv)
    w, s = Path(argv[1]).expanduser().resolve(), Path(argv[2]).expanduser().resolve()
    w.mkdir(parents=True, exist_ok=True)
    return rerun_offline(script, argv[1:], w, s, child_flag)


def json_channel():
    """Keeps the process's stdout for the one JSON line a script prints and sends everything
    else printed to stderr; returns the function that writes that line."""
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)

    def emit(value, **dumps_options) -> None:
        out.write(json.dumps(value, **dumps_options) + "\n")
        out.flush()

    return emit
