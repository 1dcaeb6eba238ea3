"""The daily catalogue-health workflow cannot run here; what can be checked is: it is valid
YAML GitHub would accept, it runs the check daily, and its comparison step names the streams
whose status changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "catalogue.yml"


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_the_workflow_runs_the_check_every_day_and_may_open_pull_requests() -> None:
    wf = load()
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    assert [s["cron"] for s in on["schedule"]] == ["17 5 * * *"]
    assert "workflow_dispatch" in on
    assert wf["permissions"] == {"contents": "write", "pull-requests": "write"}
    steps = wf["jobs"]["check"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "maliradio check --json" in runs
    assert 'git push --force origin "$BRANCH"' in runs
    assert "gh pr create" in runs
    pr = next(s for s in steps if "gh pr create" in s.get("run", ""))
    assert pr["if"] == "steps.compare.outputs.changed != '0'"


def write_jsonl(path: Path, lines: list[dict]) -> None:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")


def test_the_comparison_names_the_streams_that_changed_status(tmp_path: Path) -> None:
    assert shutil.which("python") or shutil.which("python3")
    step = next(s for s in load()["jobs"]["check"]["steps"] if s.get("id") == "compare")
    reference, report = tmp_path / "reference.jsonl", tmp_path / "health.jsonl"
    write_jsonl(
        reference,
        [
            {"station": "ortm1", "url": "http://a/1", "status": "ok", "error": None},
            {"station": "rtb2", "url": "http://b/1", "status": "ok", "error": None},
            {"event": "summary"},
        ],
    )
    write_jsonl(
        report,
        [
            {"station": "ortm1", "url": "http://a/1", "status": "ok", "error": None},
            {"station": "rtb2", "url": "http://b/1", "status": "dead", "error": "refusé"},
            {"station": "tal-tv", "url": "http://c/1", "status": "ok", "error": None},
            {"event": "summary"},
        ],
    )
    outputs = tmp_path / "outputs"
    bin_dir = tmp_path / "bin"  # `python` as on the runner
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(shutil.which("python3") or shutil.which("python"))
    env = dict(
        os.environ,
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        REPORT=str(reference),
        RUNNER_TEMP=str(tmp_path),
        GITHUB_OUTPUT=str(outputs),
    )
    proc = subprocess.run(
        ["bash", "-e", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=30
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "- `rtb2` http://b/1: ok → dead (refusé)",
        "- `tal-tv` http://c/1: absent → ok",
    ]
    assert outputs.read_text().strip() == "changed=2"
