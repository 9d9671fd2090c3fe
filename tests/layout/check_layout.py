#!/usr/bin/env python3
"""The collector's layout rules (docs/layout.md), checked on the source tree:
- its top holds at most TOP_MAX source files; everything else sits in a folder named for its part;
- no include cycle between its parts (a folder is one part; a file at the top is a part of its own);
- no header includes itself through others;
- a header that says "Internal to X/" in its opening comment is included only from X/.
Prints every violation; exit status 1 when there is one. Usage: check_layout.py [REPO_ROOT]"""
import os
import re
import sys

TOP_MAX = 12
root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../.."))
col = os.path.join(root, "collector")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
INTERNAL = re.compile(r"Internal to ([a-z_/]+)/", re.I)

files = []
for d, _, names in os.walk(col):
    for n in names:
        if n.endswith((".c", ".h")):
            files.append(os.path.relpath(os.path.join(d, n), col))
files.sort()


def part(rel):
    head, _, tail = rel.partition(os.sep)
    return head if tail else "top:" + os.path.splitext(rel)[0]


def resolve(src, inc):
    """The collector file an include names, or None (common/, proto/, system)."""
    for cand in (os.path.normpath(os.path.join(os.path.dirname(src), inc)), os.path.normpath(inc)):
        if cand in known:
            return cand
    return None


known = set(files)
edges = {}      # file -> included collector files
errors = []
for f in files:
    text = open(os.path.join(col, f), encoding="utf-8").read()
    edges[f] = [r for r in (resolve(f, i) for i in INCLUDE.findall(text)) if r]

top = [f for f in files if os.sep not in f]
if len(top) > TOP_MAX:
    errors.append("collector/ has %d source files at its top (at most %d): %s" % (len(top), TOP_MAX, " ".join(top)))

# Internal headers.
for f in files:
    if not f.endswith(".h"):
        continue
    head = open(os.path.join(col, f), encoding="utf-8").read(600)
    m = INTERNAL.search(head.split("*/")[0])
    if not m:
        continue
    owner = m.group(1).strip("/")
    for g in files:
        if f in edges[g] and not (g.startswith(owner + os.sep)):
            errors.append("%s is internal to %s/ but collector/%s includes it" % (f, owner, g))


def cycles(graph):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


parts = {}
why = {}
for f, incs in edges.items():
    for g in incs:
        a, b = part(f), part(g)
        if a != b:
            parts.setdefault(a, set()).add(b)
            why.setdefault((a, b), "%s includes %s" % (f, g))
for comp in cycles(parts):
    links = [why[(a, b)] for a in comp for b in comp if (a, b) in why]
    errors.append("include cycle between parts %s: %s" % (", ".join(comp), "; ".join(links)))

headers = {f: [g for g in incs if g.endswith(".h")] for f, incs in edges.items() if f.endswith(".h")}
for comp in cycles(headers):
    errors.append("headers include each other: %s" % ", ".join(comp))

for e in errors:
    print("layout: " + e)
if not errors:
    print("layout: ok (%d files, %d at the top, %d parts)" % (len(files), len(top), len({part(f) for f in files})))
sys.exit(1 if errors else 0)
