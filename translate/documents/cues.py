"""Where a sentence that runs over several subtitle cues is cut back into cues.

A sentence is translated whole; the cue boundaries inside it are source positions, and
each becomes a cut between two target words. The cut is chosen from the word alignment:
the one that leaves the most links uncrossed (source words before the boundary linked to
target words before the cut, and after to after), ties going to the cut nearest the
boundary's relative position. Without links the relative position alone decides (the
proportional fallback). Cuts are monotone and leave every piece at least one word
whenever the sentence has enough words, so a cue never comes back empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]*>|\{\\[^{}]*\}")  # never rescans past the next "<"


def visible_len(text: str) -> int:
    """Characters a viewer sees: styling tags (``<i>``, ``{\\an8}``) do not count."""
    return len(_TAG.sub("", text))


def word_cuts(text: str) -> list[int]:
    """Positions where ``text`` can be cut between two words (start of each space run)."""
    stripped = text.rstrip()
    return [m.start() for m in _SPACE.finditer(stripped) if m.start() > 0]


def _scores(pairs: Sequence[tuple[int, int, int, int]], p: int,
            cands: Sequence[int]) -> list[int]:
    """For each cut ``t`` of ``cands`` (ascending), the links left uncrossed by cutting the
    source at ``p`` and the target at ``t``: source words before ``p`` linked to target
    words before ``t``, and after to after. One sweep per boundary."""
    before = sorted(t1 for s0, s1, t0, t1 in pairs if s1 <= p)
    after = sorted(t0 for s0, s1, t0, t1 in pairs if s0 >= p)
    out = []
    i = j = 0
    for t in cands:
        while i < len(before) and before[i] <= t:
            i += 1
        while j < len(after) and after[j] < t:
            j += 1
        out.append(i + len(after) - j)
    return out


def cut_points(source: str, target: str, boundaries: Sequence[int],
               links: Sequence[object] = ()) -> list[int]:
    """Target positions (between words) matching each source ``boundary``, in order.

    ``links`` are objects with ``src`` and ``tgt`` character spans (``WordLink``). Time
    is linear in the words and links per boundary.
    """
    if not boundaries:
        return []
    cands = word_cuts(target)
    n = len(boundaries)
    if not cands:
        return [len(target.rstrip())] * n
    pairs = [(lk.src[0], lk.src[1], lk.tgt[0], lk.tgt[1]) for lk in links]
    slen = max(len(source), 1)
    tlen = max(len(target.rstrip()), 1)
    m = len(cands)
    # dynamic programme over (boundary k, candidate j), candidates strictly increasing so
    # that every piece between two cuts keeps at least one word; the best of the row
    # before is a running minimum (first one wins ties)
    strict = m >= n
    inf = (10**9, 10.0**9)
    best: list[list[tuple[tuple[int, float], int]]] = []
    for k in range(n):
        p = boundaries[k]
        scores = _scores(pairs, p, cands)
        row: list[tuple[tuple[int, float], int]] = []
        run_best, run_j = inf, -1
        for j in range(m):
            c = (-scores[j], abs(cands[j] / tlen - p / slen))
            if k == 0:
                row.append((c, -1))
                continue
            if not strict and best[k - 1][j][0] < run_best:  # the same cut may repeat
                run_best, run_j = best[k - 1][j][0], j
            if run_j < 0:
                row.append((inf, -1))
            else:
                row.append(((run_best[0] + c[0], run_best[1] + c[1]), run_j))
            if strict and best[k - 1][j][0] < run_best:
                run_best, run_j = best[k - 1][j][0], j
        best.append(row)
    j = min(range(m), key=lambda i: best[n - 1][i][0])
    chosen = [0] * n
    for k in range(n - 1, -1, -1):
        chosen[k] = cands[j]
        j = best[k][j][1]
    return chosen


def wrap(text: str, width: int = 42, lines: int = 2) -> str:
    """Re-wrap one cue: one line if it fits, else the most balanced cut into ``lines``
    lines of at most ``width`` characters; a text that cannot fit keeps every word on as
    few lines as it needs (nothing is ever dropped). Linear in the text's length."""
    # spaces inside a tag (``<font color="red">``) are not places to break a line
    keep = _TAG.sub(lambda m: m.group(0).replace(" ", "\x00"), text)
    return _wrap_words(keep.split(), width, lines).replace("\x00", " ")


def _wrap_words(words: list[str], width: int, lines: int) -> str:
    if not words:
        return ""
    sizes = [visible_len(w) for w in words]
    total = sum(sizes) + len(words) - 1
    if total <= width or lines <= 1:
        return " ".join(words)
    if lines == 2:
        best = None
        left = -1  # visible size of words[:i] joined by spaces
        for i in range(1, len(words)):
            left += sizes[i - 1] + 1
            right = total - left - 1
            if left <= width and right <= width:
                key = abs(left - right) + (0 if left <= right else 1)
                if best is None or key < best[0]:
                    best = (key, i)
        if best is not None:
            i = best[1]
            return " ".join(words[:i]) + "\n" + " ".join(words[i:])
    out: list[str] = []
    line: list[str] = []
    size = 0
    for w, n in zip(words, sizes, strict=True):
        if line and size + 1 + n > width:
            out.append(" ".join(line))
            line, size = [w], n
        else:
            size = size + 1 + n if line else n
            line.append(w)
    out.append(" ".join(line))
    return "\n".join(out)
