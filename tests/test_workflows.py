"""The deploy workflow (.github/workflows/publish.yml): it lints clean with actionlint, the linter does catch a
broken copy, its build runs the README's commands, and it publishes what the launch buttons open."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder import course
from autograder.publishing import book_site, build, execute

WORKFLOWS = course.ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
BIN = Path(sys.executable).parent


def lint(*files: Path) -> subprocess.CompletedProcess:
    """actionlint (the course extra's binary wheel) on ``files``, with shellcheck on their ``run:`` scripts."""
    actionlint, shellcheck = shutil.which("actionlint", path=str(BIN)), shutil.which("shellcheck", path=str(BIN))
    assert actionlint and shellcheck, f"actionlint or shellcheck missing from {BIN}: run `make setup`"
    return subprocess.run([actionlint, "-no-color", "-shellcheck", shellcheck, *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def workflow() -> dict:
    data = yaml.safe_load(PUBLISH.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def test_every_workflow_lints_clean():
    """Does actionlint (shellcheck included) find nothing wrong in any workflow of .github/workflows?"""
    files = sorted(WORKFLOWS.glob("*.y*ml"))
    assert PUBLISH in files
    done = lint(*files)
    assert done.returncode == 0, done.stdout + done.stderr


BREAKAGES = {
    "a job that needs a job that does not exist": ("    needs: build\n    runs-on: ubuntu-latest\n    timeout-minutes: 15\n",
                                                     "    needs: biuld\n    runs-on: ubuntu-latest\n    timeout-minutes: 15\n"),
    "an output of a step that has no id": ("steps.pages.outputs.base_url", "steps.page.outputs.base_url"),
    "a permission with a wrong value": ("      pages: write\n", "      pages: publish\n"),
    "an input the action does not have": ("          path: _build/html\n", "          folder: _build/html\n"),
    "a shell script that quotes wrongly": ('mv requirements-student.txt requirements.txt', 'mv "requirements-student.txt requirements.txt'),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_linter_fails_a_broken_copy(tmp_path, breakage):
    """Does actionlint fail a scratch copy of the workflow broken in one place, and name the line?"""
    old, new = BREAKAGES[breakage]
    text = PUBLISH.read_text()
    assert text.count(old) == 1, f"the breakage no longer applies: {old!r}"
    broken = tmp_path / ".github" / "workflows" / PUBLISH.name
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(old, new))
    line = text[: text.index(old)].count("\n") + 1
    done = lint(broken)
    assert done.returncode != 0, f"{breakage}: actionlint passed it"
    reported = {int(n) for n in re.findall(rf"{re.escape(PUBLISH.name)}:(\d+):", done.stdout)}
    assert reported & set(range(line - 1, line + new.count("\n") + 2)), done.stdout  # the key or its parent


def readme_block(heading: str) -> list[str]:
    """The commands of the first ```bash block after ``heading`` in the README (comments dropped)."""
    text = (course.ROOT / "README.md").read_text()
    after = text[text.index(heading):]
    block = re.search(r"```bash\n(.*?)```", after, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_build_runs_the_readmes_commands():
    """Are the build job's commands exactly the README's Publishing commands, which are the README's own
    (`make book` of the quick start, the CPU-only PyTorch setup of its note)?"""
    runs = [s["run"].strip() for s in workflow()["jobs"]["build"]["steps"] if "run" in s]
    published = readme_block("## Publishing")
    assert runs == published, f"workflow: {runs}\nREADME: {published}"
    assert "make book" in readme_block("## Quick start")
    readme = (course.ROOT / "README.md").read_text()
    assert all(f"`{command}`" in readme or command == "make book" for command in runs), runs


def test_the_workflow_deploys_pages_from_main_and_keeps_the_caches():
    """Does it run on pushes to main, deploy _build/html with the permissions and concurrency Pages wants, and
    restore and save the chapters' executions and the datasets where the build reads them?"""
    wf = workflow()
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = wf["jobs"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"} and jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in jobs["deploy"]["steps"])
    steps = jobs["build"]["steps"]
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert Path(course.ROOT / upload["with"]["path"]) == build.HTML_DIR
    caches = {s["with"]["path"]: s["with"] for s in steps if s.get("uses", "").startswith("actions/cache@")}
    assert course.ROOT / ".cache/executed" == execute.CACHE_DIR and "hashFiles('book/" in caches[".cache/executed"]["key"]
    assert caches[".cache/executed"]["restore-keys"].strip() == "executed-"  # the latest, when a chapter changed
    assert jobs["build"]["env"]["SEQGEN_CACHE"].endswith("/" + ".cache/data") and ".cache/data" in caches
    order = [s.get("uses", s.get("run", "")).split("@")[0] for s in steps]
    assert order.index("actions/cache") < order.index("make book") < order.index("actions/upload-pages-artifact")


def test_the_notebooks_branch_is_where_the_launch_buttons_look():
    """Does the workflow write the site's student notebooks at the root of _config.yml's repository.branch, the
    path the launch buttons open (path_to_book empty)?"""
    wf = workflow()
    repository = yaml.safe_load((course.ROOT / "_config.yml").read_text())["repository"]
    assert wf["env"]["NOTEBOOK_BRANCH"] == repository["branch"] and not repository["path_to_book"]
    (upload,) = [s for s in wf["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert f"_build/html/{book_site.STUDENT_FOLDER}/*.ipynb" in upload["with"]["path"]
    job = wf["jobs"]["notebooks"]
    assert job["permissions"] == {"contents": "write"} and job["needs"] == "build"
    (download,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
    (push,) = [s for s in job["steps"] if "run" in s]
    assert download["with"]["name"] == upload["with"]["name"] and push["working-directory"] == download["with"]["path"]
    assert 'HEAD:refs/heads/$NOTEBOOK_BRANCH' in push["run"] and "git add --all" in push["run"]


def test_ci_keeps_the_student_venv_outside_the_clean_clone():
    """Does .ci/run point the student venv's cache outside the checkout (so a clean clone reuses it, keyed inside by
    requirements-student.txt's hash and the wheel's), unless the caller chose one?"""
    script = (course.ROOT / ".ci" / "run").read_text()
    line = next(l for l in script.splitlines() if l.startswith("export SEQGEN_STUDENT_VENV_CACHE="))
    env = {"HOME": "/home/ci", "PATH": "/usr/bin:/bin"}
    got = subprocess.run(["bash", "-c", f"{line}; echo $SEQGEN_STUDENT_VENV_CACHE"], env=env, capture_output=True,
                         text=True, check=True, cwd=course.ROOT).stdout.strip()
    assert got == "/home/ci/.cache/seqgen/student-venv"
    got = subprocess.run(["bash", "-c", f"{line}; echo $SEQGEN_STUDENT_VENV_CACHE"], capture_output=True, text=True,
                         env={**env, "SEQGEN_STUDENT_VENV_CACHE": "/x"}, check=True, cwd=course.ROOT).stdout.strip()
    assert got == "/x"
