"""`pip install .` gives a working app: the wheel carries the resources and finds them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_installed_wheel_finds_its_resources(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    wheel = next(wheels.glob("maliradio-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "maliradio/resources/stations.json" in names
    assert "maliradio/resources/feeds.json" in names
    assert "maliradio/resources/icons/maliradio.svg" in names
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    env = dict(os.environ, PYTHONPATH=str(target))
    proc = subprocess.run(
        [sys.executable, "-c",
         "import maliradio, sys; print(maliradio.__file__, file=sys.stderr); "
         "from maliradio.cli import main; sys.exit(main(['stations', '--json']))"],
        capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert str(target) in proc.stderr  # the installed copy ran, not the checkout
    ids = {s["id"] for s in json.loads(proc.stdout)}
    assert {"ortm1", "tele-sahel", "rtb-tele", "rfi-afrique"} <= ids
