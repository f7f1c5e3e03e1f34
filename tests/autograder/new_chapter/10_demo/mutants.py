"""Kept wrong answers and alternatives of the demo chapter."""

MUTANTS = {
    "running_total": {
        "logic: the totals before each element": "def running_total(x):\n    return np.cumsum(x) - x\n",
        "logic: the total of the whole array everywhere": "def running_total(x):\n    return np.full(len(x), x.sum())\n",
        "contract: totals in place": "def running_total(x):\n    np.cumsum(x, out=x)\n    return x\n",
    },
}
ALTERNATIVES = {
    "running_total": [
        "def running_total(x):\n    return np.add.accumulate(x)\n",
        "def running_total(x):\n    return np.array([x[:i + 1].sum() for i in range(len(x))])\n",
    ],
}
