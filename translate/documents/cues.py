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
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")


def visible_len(text: str) -> int:
    """Characters a viewer sees: styling tags (``<i>``, ``{\\an8}``) do not count."""
    return len(_TAG.sub("", text))


def word_cuts(text: str) -> list[int]:
    """Positions where ``text`` can be cut between two words (start of each space run)."""
    stripped = text.rstrip()
    return [m.start() for m in _SPACE.finditer(stripped) if m.start() > 0]


def _score(link_pairs: Sequence[tuple[int, int, int, int]], p: int, t: int) -> int:
    score = 0
    for s0, s1, t0, t1 in link_pairs:
        if s1 <= p and t1 <= t:
            score += 1
        elif s0 >= p and t0 >= t:
            score += 1
    return score


def cut_points(source: str, target: str, boundaries: Sequence[int],
               links: Sequence[object] = ()) -> list[int]:
    """Target positions (between words) matching each source ``boundary``, in order.

    ``links`` are objects with ``src`` and ``tgt`` character spans (``WordLink``).
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

    def cost(k: int, j: int) -> tuple[int, float]:
        p = boundaries[k]
        t = cands[j]
        return (-_score(pairs, p, t), abs(t / tlen - p / slen))

    # dynamic programme over (boundary k, candidate j), candidates strictly increasing so
    # that every piece between two cuts keeps at least one word
    strict = len(cands) >= n
    inf = (10**9, 10.0**9)
    best: list[list[tuple[tuple[int, float], int]]] = []
    for k in range(n):
        row: list[tuple[tuple[int, float], int]] = []
        for j in range(len(cands)):
            c = cost(k, j)
            if k == 0:
                row.append((c, -1))
                continue
            prev_best, prev_j = inf, -1
            limit = j if strict else j + 1
            for i in range(limit):
                if best[k - 1][i][0] < prev_best:
                    prev_best, prev_j = best[k - 1][i][0], i
            if prev_j < 0:
                row.append((inf, -1))
            else:
                row.append(((prev_best[0] + c[0], prev_best[1] + c[1]), prev_j))
        best.append(row)
    j = min(range(len(cands)), key=lambda i: best[n - 1][i][0])
    chosen = [0] * n
    for k in range(n - 1, -1, -1):
        chosen[k] = cands[j]
        j = best[k][j][1]
    return chosen


def wrap(text: str, width: int = 42, lines: int = 2) -> str:
    """Re-wrap one cue: one line if it fits, else the most balanced cut into ``lines``
    lines of at most ``width`` characters; a text that cannot fit keeps every word on as
    few lines as it needs (nothing is ever dropped)."""
    # spaces inside a tag (``<font color="red">``) are not places to break a line
    keep = _TAG.sub(lambda m: m.group(0).replace(" ", "\x00"), text)
    return _wrap_words(keep.split(), width, lines).replace("\x00", " ")


def _wrap_words(words: list[str], width: int, lines: int) -> str:
    if not words:
        return ""
    flat = " ".join(words)
    size = visible_len
    if size(flat) <= width or lines <= 1:
        return flat
    if lines == 2:
        best = None
        for i in range(1, len(words)):
            a, b = " ".join(words[:i]), " ".join(words[i:])
            if size(a) <= width and size(b) <= width:
                key = abs(size(a) - size(b)) + (0 if size(a) <= size(b) else 1)
                if best is None or key < best[0]:
                    best = (key, a + "\n" + b)
        if best is not None:
            return best[1]
    out, line = [], ""
    for w in words:
        if line and size(line) + 1 + size(w) > width:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    out.append(line)
    return "\n".join(out)
