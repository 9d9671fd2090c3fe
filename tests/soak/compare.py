#!/usr/bin/python3
"""The soak's verdict: every event the agents logged at the source (event_log) against the
collector's events table. Prints generated, delivered, LOST, DUPLICATED, the heartbeats the
spool dropped by design, and the longest delivery delay after a fault ended. Exit 1 when
anything was lost or duplicated.

usage: compare.py WORKDIR AGENTS DB PROTO
  WORKDIR/events-cN.log  "<boot> <seq> <kind>" per created event; "dropped <boot> <seq> <hb> <refused>"
  WORKDIR/cN/spool       what agent N still holds at the end (decoded for the report)
  WORKDIR/marks          "<epoch_ms> start|end <fault #> <text> | c1=<lines> c2=<lines> ..."
"""
import collections
import re
import sqlite3
import struct
import sys
import time

work, agents, db, proto = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
names = {}
for m in re.finditer(r"EVENT_KIND_(\w+) = (\d+);", open(proto).read()):
    names[int(m.group(2))] = m.group(1).lower()


def machine(i):
    return f"m-soak-{i}"


def varint(b, i):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return v, i


def spooled(path):
    """(boot, seq, kind) of each whole record left in an agent's spool."""
    out = []
    try:
        data = open(path, "rb").read()
    except OSError:
        return out
    i = 0
    while i + 8 <= len(data):
        n = struct.unpack_from("<I", data, i)[0]
        if n == 0 or i + 8 + n > len(data):
            break
        p, j, ev = data[i + 8:i + 8 + n], 0, {}
        try:
            while j < len(p):
                tag, j = varint(p, j)
                f, w = tag >> 3, tag & 7
                if w == 0:
                    v, j = varint(p, j)
                elif w == 2:
                    ln, j = varint(p, j)
                    v, j = p[j:j + ln], j + ln
                elif w == 1:
                    v, j = p[j:j + 8], j + 8
                elif w == 5:
                    v, j = p[j:j + 4], j + 4
                else:
                    break
                ev[f] = v
        except IndexError:
            break
        detail = ev.get(8, b"")
        try:
            detail.decode()
            bad = any(c < 0x20 or c == 0x7F for c in detail)
        except UnicodeDecodeError:
            bad = True
        out.append((ev.get(2, b"").decode(errors="replace"), ev.get(1, 0), names.get(ev.get(5, 0)),
                    i, detail if bad else None))
        i += 8 + n
    return out


# Faults, in order, with the line count of each agent's log at their start and end.
marks = []
for line in open(f"{work}/marks"):
    head, _, counts = line.partition("|")
    ms, what, num, text = head.split(" ", 3)
    c = {int(k[1:]): int(v) for k, v in (x.split("=") for x in counts.split())}
    marks.append((int(ms), what, int(num), text.strip(), c))


def fault_at(i, index):
    """The faults running when line `index` of agent i's log was written."""
    running, out = {}, []
    for ms, what, num, text, c in marks:
        if c.get(i, 0) > index:
            break
        if what == "start":
            running[num] = text
        else:
            running.pop(num, None)
    out = [f"#{n} {t}" for n, t in running.items()]
    return ", ".join(out) if out else "no fault running"


con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
rows = collections.defaultdict(dict)
content = collections.defaultdict(list)
for mid, boot, seq, kind, at, adapter, detail, recv in con.execute(
        "SELECT machine_id, boot_id, seq, kind, at_ms, adapter, detail, received_ms FROM events"):
    rows[mid][(boot, seq)] = (names.get(kind, str(kind)), recv)
    content[(mid, kind, at, adapter, detail)].append((boot, seq))

gen = deliv = lost = dup = design = refused_total = malformed = leftover = 0
by_kind = collections.Counter()
lost_by = collections.Counter()
examples = []
max_delay, max_delay_at = 0, ""
evidence = []


def clock(ms):
    return time.strftime("%H:%M:%S", time.gmtime(ms / 1000))


# Windows of the faults whose answers are a 200 from something other than the collector.
# Agent log lines carry whole seconds: only seconds wholly inside a window count.
fake_ok = [(clock(a[0] + 999), clock(b[0] - 1000), a[2], a[3]) for a in marks for b in marks
           if a[1] == "start" and b[1] == "end" and a[2] == b[2]
           and re.search(r"empty200|garbage200|truncated", a[3])]
for i in range(1, agents + 1):
    src, seen, missing_hb = [], {}, []
    dropped_hb = 0
    try:
        lines = open(f"{work}/events-c{i}.log").read().splitlines()
    except OSError:
        lines = []
    for index, line in enumerate(lines):
        f = line.split()
        if len(f) == 5 and f[0] == "dropped":
            dropped_hb += int(f[3])
            refused_total += int(f[4])
            continue
        if len(f) != 3 or not f[1].isdigit():
            malformed += 1
            continue
        src.append((index, f[0], int(f[1]), f[2]))
    records = spooled(f"{work}/c{i}/spool")
    left = {(r[0], r[1]) for r in records}
    # The first record the agent's own reader refuses: everything from it on never goes out.
    poison = next((r[3] for r in records if r[4] is not None), None)
    offset = {(r[0], r[1]): r[3] for r in records}

    def spool_why(key):
        if key not in left:
            return "not in the collector's database"
        if poison is not None and offset[key] >= poison:
            return f"stuck in the spool behind a record its reader refuses (offset {poison})"
        return "still in the spool at the end"
    for b, sq, k, off, bad in records:
        if bad is not None and len(evidence) < 40:
            evidence.append(f"  c{i} spool offset {off}: {k} seq {sq} has a detail the agent's own reader "
                            f"refuses: {bad[:60]!r}")
    db_rows = rows.get(machine(i), {})
    for index, boot, seq, kind in src:
        gen += 1
        by_kind[kind] += 1
        key = (boot, seq)
        if key in seen:
            # The agent gave two events one (boot, seq): the collector keeps one of them.
            dup += 1
            examples.append(f"  DUPLICATE seq: c{i} {boot[:8]} seq {seq} {kind} reuses the (boot, seq) "
                            f"of line {seen[key]} [{fault_at(i, index)}]")
            continue
        seen[key] = index
        got = db_rows.get(key)
        if got and got[0] == kind:
            deliv += 1
            continue
        if not got and kind == "heartbeat":
            missing_hb.append((index, boot, seq))
            continue
        lost += 1
        why = f"stored as {got[0]}" if got else spool_why(key)
        lost_by[(kind, fault_at(i, index), why)] += 1
        if len(examples) < 25:
            examples.append(f"  LOST c{i} {boot[:8]} seq {seq} {kind}: {why} [created during {fault_at(i, index)}]")
    # Heartbeats missing up to the number the spool dropped for room are by design; beyond, lost.
    d = min(dropped_hb, len(missing_hb))
    design += d
    for index, boot, seq in missing_hb[d:]:
        lost += 1
        key = (boot, seq)
        why = spool_why(key)
        lost_by[("heartbeat", fault_at(i, index), why)] += 1
        if len(examples) < 25:
            examples.append(f"  LOST c{i} {boot[:8]} seq {seq} heartbeat: {why} [created during {fault_at(i, index)}]")
    leftover += len(left)
    try:
        agent_log = open(f"{work}/c{i}.log", errors="replace").read().splitlines()
    except OSError:
        agent_log = []
    for line in agent_log:
        t = line[:8]
        m = re.search(r"collector reachable again; (\d+) spooled events delivered", line)
        if m and int(m.group(1)) > 0:
            for a, b, num, text in fake_ok:
                if a <= t <= b and len(evidence) < 40:
                    evidence.append(f"  c{i} {t} during #{num} {text}: the agent took it as an ack and "
                                    f"dropped {m.group(1)} spooled events")
        if "torn tail" in line and len(evidence) < 40:
            evidence.append(f"  c{i} {line.strip()}")
    # Events in the database that this agent never logged: invented or misattributed.
    logged = set(seen)
    for key, (kind, recv) in db_rows.items():
        if key not in logged:
            dup += 1
            examples.append(f"  PHANTOM c{i} {key[0][:8]} seq {key[1]} {kind}: in the database, never created")
    # Delay: for each fault end, the events created before it, delivered after it.
    for ms, what, num, text, c in marks:
        if what != "end":
            continue
        upto = c.get(i, 0)
        for index, boot, seq, kind in src:
            if index >= upto:
                break
            got = db_rows.get((boot, seq))
            if got and got[1] - ms > max_delay:
                max_delay, max_delay_at = got[1] - ms, f"c{i} after #{num} {text}"
for key, where in content.items():
    if len(where) > 1:
        dup += len(where) - 1
        examples.append(f"  DUPLICATE content: {key[0]} {names.get(key[1])} at {key[2]} stored as "
                        + ", ".join(f"seq {s}" for b, s in where))
rows_total = sum(len(v) for v in rows.values())
print(f"events generated      {gen}  ({', '.join(f'{k} {n}' for k, n in by_kind.most_common())})")
print(f"delivered             {deliv}  (rows in the collector's events table: {rows_total})")
print(f"heartbeats dropped by design (spool full, client/spool.c): {design}")
print(f"events refused by a spool full of events: {refused_total}")
print(f"LOST                  {lost}")
# One line per (cause, fault at creation), the kinds in it counted.
groups = collections.defaultdict(collections.Counter)
for (kind, fault, why), n in lost_by.items():
    groups[(why, fault)][kind] += n
for (why, fault), kinds in sorted(groups.items(), key=lambda x: -sum(x[1].values())):
    print(f"  {sum(kinds.values()):5d} {why}; created during {fault} "
          f"({', '.join(f'{k} {n}' for k, n in kinds.most_common())})")
print(f"DUPLICATED            {dup}")
print(f"max delivery delay after a fault ended: {max_delay / 1000:.1f} s ({max_delay_at or '-'})")
if malformed:
    print(f"malformed event_log lines: {malformed}")
print(f"records still in spools at the end: {leftover}")
for e in examples[:40]:
    print(e)
if evidence:
    print("evidence (agent logs, spools at the end):")
    for e in evidence:
        print(e)
sys.exit(1 if lost or dup or malformed else 0)
