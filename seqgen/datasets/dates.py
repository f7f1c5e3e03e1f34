"""The date task: a date written in one of many formats -> ``_YYYY-MM-DD``.

Lines are 40 characters: the question left-justified in 29, then the answer
(``_1994-09-27``, 11 characters), as ``dlfs2/date.txt``. Dates fall between
1970-01-01 and 2017-12-31; two-digit years (``2/10/93``) are read in that range.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

QUESTION_WIDTH = 29  # "WEDNESDAY, SEPTEMBER 28, 2016" is the longest
FIRST, LAST = dt.date(1970, 1, 1), dt.date(2017, 12, 31)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _month_day_year(d: dt.date, month: str) -> str:
    return f"{month} {d.day}, {d.year}"


# Each format: a function of the date. Written forms come in three cases (as typed, lower, upper).
FORMATS = {
    "August 19, 2003": lambda d: _month_day_year(d, MONTHS[d.month - 1]),
    "Aug 19, 2003": lambda d: _month_day_year(d, MONTHS[d.month - 1][:3]),
    "Tuesday, August 19, 2003": lambda d: f"{WEEKDAYS[d.weekday()]}, " + _month_day_year(d, MONTHS[d.month - 1]),
    "8/19/03": lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
}
CASES = {"as written": str, "lower": str.lower, "upper": str.upper}
WEIGHTS = {"August 19, 2003": 3, "Aug 19, 2003": 2, "Tuesday, August 19, 2003": 2, "8/19/03": 2}


def date_line(d: dt.date, fmt: str, case: str = "as written") -> str:
    question = FORMATS[fmt](d)
    if not fmt[0].isdigit():
        question = CASES[case](question)
    return question.ljust(QUESTION_WIDTH) + "_" + d.isoformat()


def date_lines(n: int = 50_000, seed: int = 1984) -> list[str]:
    """``n`` date problems as lines (no line break), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    names = list(FORMATS)
    p = np.array([WEIGHTS[k] for k in names], dtype=float)
    p /= p.sum()
    span = (LAST - FIRST).days + 1
    days = rng.integers(0, span, size=n)
    fmts = rng.choice(len(names), size=n, p=p)
    cases = rng.choice(list(CASES), size=n)
    return [date_line(FIRST + dt.timedelta(days=int(k)), names[f], str(c)) for k, f, c in zip(days, fmts, cases)]
