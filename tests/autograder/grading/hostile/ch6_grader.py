"""Chapter 6 submissions that attack the grader's own claims (issue 19), each with the scores it must get.

The cases follow ``notebooks.py``'s format. Marks filled in by the test: ``{TMP_MB}`` (the sandbox's /tmp
size), ``{MEMORY_MB}`` (the kernel's memory limit), ``{MIME}`` (the wire's result MIME type) and ``{LINK}``
(the name of a file in the submission folder that the test makes a hard link to the reference).
"""

MIME = "application/x-seqgen-result+json"
LINK = "notes.py"

CASES = {
    # The check's snippet runs in a dict inside the student's interpreter: a method of the returned array walks
    # up one frame and swaps the check's own `x` for a pristine copy, so that the write-into-the-result probe
    # and the inputs-unchanged copy read an array the view does not share. A view passes today.
    "frame_walk_rebinds_check_names": {"answers": {"reverse_questions": '''
import sys


class _View(np.ndarray):
    def copy(self, *args, **kwargs):
        scope = sys._getframe(1).f_globals
        if isinstance(scope.get("x"), np.ndarray):
            scope["x"] = np.array(scope["x"], copy=True)
        return np.asarray(self).copy(*args, **kwargs)


def reverse_questions(x):
    return x[:, ::-1].view(_View)  # a view of x: writing into it changes x
'''}, "expect": ["reverse_questions"], "flag": ["reverse_questions"]},

    # Every weight gradient wrong, then the list the check reads emptied: zip() over it stops at once.
    "empties_gradient_list": {"answers": {"peeky_backward": '''{REF}
_right_backward = peeky_backward


def peeky_backward(layers, dscore):
    dh = _right_backward(layers, dscore)
    for g in layers.grads:
        g[...] = 0.0
    layers.grads.clear()
    return dh
'''}, "expect": ["peeky_backward"]},

    # The wire's JSON encoder patched (only where it is called without keyword arguments, as the wire calls
    # it; the kernel's own messages still go out): every reply after this cell is unreadable. Today the whole
    # notebook is recorded as "the grader failed"; it must cost the patching exercise only (flagged).
    "patches_wire_json": {"answers": {"reverse_questions": '''import json
_dumps = json.dumps


def _garbled(obj, *args, **kwargs):
    text = _dumps(obj, *args, **kwargs)
    return text[:-1] if not args and not kwargs else text


json.dumps = _garbled
{REF}'''}, "expect": ["reverse_questions"], "flag": ["reverse_questions"]},

    # A hard link to the reference in the submission folder (made by the test, as a careless unpacking on
    # the grading machine would) is copied into the sandbox as a regular file today.
    "hard_link_to_reference": {"answers": {"peeky_backward": '''_ns = {"__name__": "notes"}
exec(open("{LINK}").read(), _ns)
peeky_backward = _ns["peeky_backward"]
'''}, "expect": ["peeky_backward"], "link": "solutions/numpy_seq2seq.py"},

    # Graded as root, the sandbox's uid is root's outside: root-only files of /etc are readable, and the
    # answer cell's output goes back in the feedback.
    "reads_root_only_etc": {"answers": {"reverse_questions": '''print("shadow:", open("/etc/shadow").read()[:200])
{REF}'''}, "expect": ["reverse_questions"], "root_only": True},

    # /dev/shm is a tmpfs of half the machine's memory, outside --tmp-mb and the memory watch.
    "dev_shm_beyond_tmpfs": {"answers": {"peeky_forward": '''with open("/dev/shm/fill", "wb") as _f:
    for _ in range(3 * {TMP_MB}):
        _f.write(b"\\1" * 2**20)
{REF}'''}, "expect": ["peeky_forward"]},

    # 1,000 processes (zombies: no memory to speak of, a pid each); no process limit today.
    "fork_bomb": {"answers": {"reverse_questions": '''import os
_pids = [os.posix_spawn("/bin/true", ["true"], {}) for _ in range(1000)]
{REF}'''}, "expect": ["reverse_questions"]},

    # The connection folder is bound read-write: writes land on the host's disk.
    "writes_connection_folder": {"answers": {"peeky_forward": '''import os, sys
_conn = os.path.dirname(sys.argv[sys.argv.index("-f") + 1])
with open(os.path.join(_conn, "fill"), "wb") as _f:
    _f.write(b"\\1" * 2**20)
{REF}'''}, "expect": ["peeky_forward"]},

    # Cells after the last test cell run in full: free sleep (the real attack: nine of 110 s each).
    "sleeps_after_last_test": {"append": ["import time\ntime.sleep(20)\n"] * 3, "expect": [], "sleeps": 60},

    # An earlier answer that kills the kernel when called; the later exercise's visible test calls it.
    # The visible tests never decide: the later exercise's hidden check must still run.
    "visible_test_kills_kernel_via_earlier_answer": {"answers": {"peeky_forward": '''import os


def peeky_forward(layers, xs, h):
    os._exit(0)
'''}, "expect": ["peeky_forward"]},

    # ---- heavy: graded in their own batch

    # A memfd's pages are no process's RSS: the watch does not see them.
    "memfd_beyond_memory": {"answers": {"peeky_backward": '''import os
_fd = os.memfd_create("hoard")
for _ in range({MEMORY_MB}):
    os.write(_fd, b"\\1" * 2**20)
{REF}'''}, "expect": ["peeky_backward"], "heavy": True},

    # display_data of the result MIME type is kept whole by the grader (the output limit counts streams only):
    # 100 MB here (30 x 100 MB took the grader process to 3.5 GB).
    "display_flood_result_mime": {"answers": {"reverse_questions": '''from IPython.display import display
for _ in range(10):
    display({"{MIME}": "x" * 10 * 2**20}, raw=True)
{REF}'''}, "expect": ["reverse_questions"], "heavy": True},
}
