"""Copies of code, found by normalised syntax trees: does a page or a module show an answer?

The book's rule (tests/book/test_answers_hidden.py): no page, student notebook or ``seqgen``
module shows the answer of an exercise outside that exercise's own answer cell, and code a
chapter teaches and a later one reuses lives once, in ``seqgen``. Copies are rarely
verbatim, so both sides are normalised before they are compared:

- docstrings and comments are dropped, and ``name=`` keywords (a Keras model's name is cosmetic);
- ``a, b = x, y`` becomes ``a = x`` and ``b = y``, ``a, b = v.shape`` becomes ``a = v.shape[0]`` ...;
- inside a function, a temporary used once is substituted into its use
  (``out = f(x); return g(out)`` is ``return g(f(x))``) and an unused side-effect-free
  assignment is dropped;
- names are numbered in order of first appearance (so ``vocab_size`` and ``VOCAB_SIZE`` are
  the same name), except module aliases and builtins (``np``, ``keras``, ``len`` ...).

A place *reveals* an answer when the answer's statements, each compared as a whole after
normalisation, appear there for at least ``COVERAGE`` of the answer's syntax-tree size and
at least ``MIN_NODES`` nodes.
"""

from __future__ import annotations

import ast
import builtins
import copy
import re
from dataclasses import dataclass
from pathlib import Path

import jupytext

COVERAGE = 0.6  # share of the answer's nodes found in matching statements
MIN_NODES = 12  # an answer smaller than this is a one-liner anybody writes
KEEP = {"np", "numpy", "keras", "tf", "torch", "nn", "F", "re", "string", "math", "random", "plt", "self"} | set(dir(builtins))

_SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*\n?", re.M | re.S)
_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?(^[ \t]*### END HIDDEN TESTS[^\n]*\n?|\Z)", re.M | re.S)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class Answer:
    """An exercise's answer: the definition in its answer cell, solution region included."""

    stem: str  # the chapter, e.g. "02_tokenization"
    exercise: str  # the answer cell's id
    name: str  # the function or class it defines
    node: ast.AST


# --------------------------------------------------------------------------- reading


def parse(source: str) -> ast.Module | None:
    """The cell's syntax tree, IPython magics and shell lines left out; None if it is not Python."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def shown_cells(path: Path) -> list[tuple[list[str], str]]:
    """(tags, source) of each code cell as its page shows it: no solution regions, no hidden tests."""
    out = []
    for cell in jupytext.read(path).cells:
        if cell.cell_type == "code":
            tags = list(cell.metadata.get("tags", []))
            out.append((tags, _HIDDEN.sub("", _SOLUTION.sub("", cell.source))))
    return out


def answers(path: Path) -> list[Answer]:
    """The answers of a chapter's exercises (every definition in each ``answer:`` cell)."""
    found = []
    for cell in jupytext.read(path).cells:
        tags = cell.metadata.get("tags", [])
        ids = [t.split(":", 1)[1] for t in tags if t.startswith("answer:")]
        tree = parse(cell.source) if ids else None
        for node in tree.body if tree else []:
            if isinstance(node, _DEFS):
                found.append(Answer(path.stem, ids[0], node.name, node))
    return found


def chapter_definitions(path: Path) -> dict[str, ast.AST]:
    """The top-level functions and classes a chapter's page shows, by name (the first of each)."""
    defs: dict[str, ast.AST] = {}
    for _, source in shown_cells(path):
        tree = parse(source)
        for node in tree.body if tree else []:
            if isinstance(node, _DEFS):
                defs.setdefault(node.name, node)
    return defs


# --------------------------------------------------------------------------- normalising


def _strip(tree: ast.AST) -> ast.AST:
    """Docstrings and ``name=`` keywords removed (in place)."""
    for node in ast.walk(tree):
        if isinstance(node, (*_DEFS, ast.Module)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
        if isinstance(node, ast.Call):
            node.keywords = [k for k in node.keywords if k.arg != "name"]
    return tree


def _unannotated(tree: ast.AST) -> ast.AST:
    """Type annotations removed (in place): a module annotates what its page shows plainly."""
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            node.annotation = None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
    return tree


def _names(node: ast.AST, ctx=ast.Load) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _pure(expr: ast.AST) -> bool:
    return not any(isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)) for n in ast.walk(expr))


def _split_tuples(stmts: list[ast.stmt]) -> list[ast.stmt]:
    out = []
    for s in stmts:
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Tuple) \
                and all(isinstance(e, ast.Name) for e in s.targets[0].elts):
            targets = [e.id for e in s.targets[0].elts]
            if isinstance(s.value, ast.Tuple) and len(s.value.elts) == len(targets) and not set(targets) & _names(s.value):
                out += [ast.Assign([ast.Name(t, ast.Store())], v) for t, v in zip(targets, s.value.elts)]
                continue
            if not isinstance(s.value, ast.Tuple) and _pure(s.value) and not set(targets) & _names(s.value):
                out += [ast.Assign([ast.Name(t, ast.Store())], ast.Subscript(copy.deepcopy(s.value), ast.Constant(k), ast.Load()))
                        for k, t in enumerate(targets)]
                continue
        out.append(s)
    return out


class _Replace(ast.NodeTransformer):
    def __init__(self, old: ast.AST, new: ast.AST):
        self.old, self.new = old, new

    def visit(self, node):
        return copy.deepcopy(self.new) if node is self.old else self.generic_visit(node)


def _inline_once(stmts: list[ast.stmt]) -> bool:
    """Substitute one single-use temporary, or drop one unused pure assignment; True if done."""
    for i, s in enumerate(stmts):
        if not (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)):
            continue
        name, uses, stored_at = s.targets[0].id, [], None
        for j in range(i + 1, len(stmts)):
            uses += [(j, n) for n in ast.walk(stmts[j]) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
            if name in _names(stmts[j], (ast.Store, ast.Del)):
                stored_at = j
                break
        if not uses and stored_at is None and _pure(s.value):
            del stmts[i]
            return True
        if len(uses) != 1:
            continue
        j, use = uses[0]
        target = stmts[j]
        if not isinstance(target, (ast.Assign, ast.AugAssign, ast.Return, ast.Expr)):
            continue
        if isinstance(target, (ast.Assign, ast.AugAssign)) and any(
                use is n for t in (target.targets if isinstance(target, ast.Assign) else [target.target]) for n in ast.walk(t)):
            continue  # a write into the temporary (x[0] = 1) is not a use of its value
        if any(isinstance(n, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) and
               any(use is m for m in ast.walk(n)) for n in ast.walk(target)):
            continue  # substituting into a loop would change how often it is computed
        deps = _names(s.value)
        if any(deps & _names(stmts[k], (ast.Store, ast.Del)) for k in range(i + 1, j)):
            continue
        stmts[j] = _Replace(use, s.value).visit(target)
        del stmts[i]
        return True
    return False


def _simplify(tree: ast.AST) -> ast.AST:
    """Tuple assignments split everywhere; temporaries inlined in every function body (in place)."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                setattr(node, field, _split_tuples(stmts))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            while _inline_once(node.body):
                pass
            node.body = node.body or [ast.Pass()]
    return tree


class _Rename(ast.NodeTransformer):
    """Names (and arguments) numbered by first appearance; module aliases and builtins kept."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def _new(self, name: str) -> str:
        if name in KEEP:
            return name
        return self.names.setdefault(name, f"_{len(self.names)}")

    def visit_Name(self, node):
        node.id = self._new(node.id)
        return node

    def visit_arg(self, node):
        node.arg, node.annotation = self._new(node.arg), None
        return node

    def visit_FunctionDef(self, node):
        node.name, node.returns = "_", None
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef


def normalised(tree: ast.AST) -> ast.AST:
    """A normalised copy: docstrings, ``name=`` and tuple assignments gone, temporaries inlined."""
    return _simplify(_strip(copy.deepcopy(tree)))


def normalised_definition(node: ast.AST, rename: bool = True) -> str:
    """A definition's fingerprint. ``rename=False`` keeps every name (and drops only docstrings,
    comments and type annotations): the strict comparison of a module with the page that shows its code."""
    if not rename:
        return ast.dump(_unannotated(_strip(copy.deepcopy(node))), annotate_fields=False)
    return ast.dump(_Rename().visit(normalised(node)), annotate_fields=False)


def size(node: ast.AST) -> int:
    """Nodes in a syntax tree (contexts such as Load and Store not counted)."""
    return sum(1 for n in ast.walk(node) if not isinstance(n, (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)))


def statement_key(stmt: ast.stmt) -> str:
    """One statement's fingerprint, its names numbered within it."""
    return ast.dump(_Rename().visit(copy.deepcopy(stmt)), annotate_fields=False)


def statements(tree: ast.AST) -> list[ast.stmt]:
    """Every statement of a normalised tree, at every depth, in order."""
    return [n for n in ast.walk(tree) if isinstance(n, ast.stmt) and not isinstance(n, _DEFS)]


def answer_statements(answer: Answer) -> list[ast.stmt]:
    """The statements an answer is made of: its function's body, or each of its class's methods' bodies."""
    node = normalised(answer.node)
    bodies = [m.body for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))] \
        if isinstance(node, ast.ClassDef) else [node.body]
    return [s for body in bodies for s in body if not isinstance(s, ast.Pass)]


_KEYED: dict[int, tuple[Answer, list[tuple[str, int]]]] = {}


def coverage(answer: Answer, keys: set[str]) -> tuple[float, int]:
    """(share of the answer's nodes, number of nodes) in its statements whose fingerprint is in ``keys``."""
    if id(answer) not in _KEYED:  # the answer object is kept with its result, so its id is not reused
        _KEYED[id(answer)] = answer, [(statement_key(s), size(s)) for s in answer_statements(answer)]
    keyed = _KEYED[id(answer)][1]
    total = sum(n for _, n in keyed) or 1
    found = sum(n for key, n in keyed if key in keys)
    return found / total, found


def reveals(answer: Answer, keys: set[str]) -> bool:
    """Do the statements behind ``keys`` show ``answer``?"""
    share, nodes = coverage(answer, keys)
    return share >= COVERAGE and nodes >= MIN_NODES


def keys_of(tree: ast.AST) -> set[str]:
    """The statement fingerprints of a (normalised) tree."""
    return {statement_key(s) for s in statements(tree)}


def heaviest_common_run(a: list[tuple[str, int]], b: list[tuple[str, int]]) -> tuple[int, int]:
    """(nodes, statements) of the heaviest run of consecutive equal statements in both lists of (key, size)."""
    best, prev = (0, 0), [(0, 0)] * (len(b) + 1)
    for key, weight in a:
        cur = [(0, 0)] * (len(b) + 1)
        for j, (other, _) in enumerate(b):
            if key == other:
                nodes, count = prev[j]
                cur[j + 1] = (nodes + weight, count + 1)
                best = max(best, cur[j + 1])
        prev = cur
    return best


def statement_sequence(tree: ast.AST) -> list[tuple[str, int]]:
    """(fingerprint, size) of each statement of a normalised tree, in order; imports left out."""
    return [(statement_key(s), size(s)) for s in statements(normalised(tree)) if not isinstance(s, (ast.Import, ast.ImportFrom))]


# --------------------------------------------------------------------------- a package students install


EXPRESSION_NODES = 6  # an expression this big that an answer and a module share is a piece of that answer
EXPRESSION_COVERAGE = 0.45  # share of an answer's nodes inside such shared pieces: the module holds the answer


def _counted(node: ast.AST) -> bool:
    return not isinstance(node, (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop))


def _expression_key(node: ast.AST) -> str:
    return ast.dump(_Rename().visit(copy.deepcopy(node)), annotate_fields=False)


def expression_keys(tree: ast.AST) -> set[str]:
    """Fingerprints of every expression of a (normalised) tree with at least ``EXPRESSION_NODES`` nodes,
    its names numbered within it (so ``sigmoid(A[:, :H])`` and ``sigmoid(Z[:, :K])`` are one piece)."""
    return {_expression_key(n) for n in ast.walk(tree) if isinstance(n, ast.expr) and size(n) >= EXPRESSION_NODES}


def expression_coverage(answer: Answer, keys: set[str]) -> float:
    """Share of the answer's syntax-tree nodes that lie inside one of its expressions whose fingerprint is in ``keys``.

    Finer than :func:`coverage`, which compares whole statements: code that holds an answer rewritten
    (``lstm_step``'s gates inside a time loop, a sampler made row-wise) shares its expressions, not its statements.
    """
    total, covered = set(), set()
    for stmt in answer_statements(answer):
        total |= {id(n) for n in ast.walk(stmt) if _counted(n)}
        for n in ast.walk(stmt):
            if isinstance(n, ast.expr) and size(n) >= EXPRESSION_NODES and _expression_key(n) in keys:
                covered |= {id(m) for m in ast.walk(n) if _counted(m)}
    return len(covered) / (len(total) or 1)


def held_answers(tree: ast.Module, answers: list[Answer]) -> list[str]:
    """The answers a module of a package students install holds, each as ``"stem:name (why)"``.

    Stricter than what a page may show (:func:`reveals`): a definition named as an answer; the answer's
    statements (:func:`reveals`); or at least ``EXPRESSION_COVERAGE`` of it in shared expressions
    (:func:`expression_coverage`). Answers under ``MIN_NODES`` nodes are one-liners anybody writes.
    """
    names = {n.name for n in ast.walk(tree) if isinstance(n, _DEFS)}
    normal = normalised(tree)
    keys, pieces = keys_of(normal), expression_keys(normal)
    found = []
    for a in answers:
        if a.name in names:
            found.append(f"{a.stem}:{a.name} (a definition of that name)")
        elif size(a.node) >= MIN_NODES and reveals(a, keys):
            found.append(f"{a.stem}:{a.name} (its statements)")
        elif size(a.node) >= MIN_NODES and expression_coverage(a, pieces) >= EXPRESSION_COVERAGE:
            found.append(f"{a.stem}:{a.name} ({expression_coverage(a, pieces):.0%} of it in shared expressions)")
    return found
