"""The README's examples, run verbatim against the real service (each in a project of its own)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from progresshub import Client
from hub_service import HubService

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"<!-- (example|setup) -->\n```(python|bash)\n(.*?)```", re.S)


def blocks(kind: str) -> List[Tuple[str, str]]:
    return [(language, code) for marker, language, code in BLOCK.findall(README.read_text()) if marker == kind]


EXAMPLES = blocks("example")


def user_env(env: Dict[str, str]) -> Dict[str, str]:
    """The user's shell after ``pip install``: the environment's python3 and progress-hub come first."""
    return {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}


def run_block(language: str, code: str, env: Dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    if language == "python":
        script = cwd / "example.py"
        script.write_text(code)
        command = ["python3", str(script)]
    else:
        command = ["bash", "-euo", "pipefail", "-c", code]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


def test_the_readme_has_its_examples() -> None:
    assert len(EXAMPLES) >= 7 and len(blocks("setup")) == 1


@pytest.mark.parametrize("language,code", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_a_readme_example_runs_verbatim_and_completes_its_jobs(language: str, code: str, tmp_path: Path,
                                                               hub_env: Dict[str, str], admin: Client) -> None:
    done = run_block(language, code, user_env(hub_env), tmp_path)

    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    jobs = admin.jobs()
    assert jobs, "the example reported no job"
    assert {job["status"] for job in jobs} == {"completed"}, jobs


def test_the_setup_block_gives_a_working_token(tmp_path: Path, hub: HubService) -> None:
    (language, code), = blocks("setup")
    against_test_hub = (code.replace("http://localhost:8080", hub.url).replace("dev-admin-token", hub.admin_token)
                        + '\necho "$PROGRESS_HUB_TOKEN"')
    done = run_block(language, against_test_hub, user_env(dict(os.environ)), tmp_path)

    assert done.returncode == 0, done.stderr
    created = Client(hub.url, done.stdout.strip().splitlines()[-1])
    with created.job(name="setup check") as job:
        job.complete_item("one")
    assert created.get(job.id)["status"] == "completed"
