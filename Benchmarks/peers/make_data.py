#!/usr/bin/env python3
"""Writes the benchmark survey export (seeded; never committed).

usage: make_data.py ROWS OUT.csv [SEED]

70 columns shaped like a staff-survey export: a respondent id, district, school, role,
tenure (one decimal), Edmondson TPS (7 items, 1-7), CCSR trust (8 items, 1-4), PVQ-40
(40 items, 1-6), intent to stay (3 items, 1-5), retention status, well-being (5 items,
1-5) and an optional free-text comment (10 % filled, quoted, with a comma). 2 % of the
item cells are empty (missing). Written with pyarrow's CSV writer in 100k-row blocks.
"""
import sys
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

rows = int(sys.argv[1]); out = sys.argv[2]; seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20241127
rng = np.random.default_rng(seed)
items = ([(f"ps{i}", 7) for i in range(1, 8)] + [(f"tp{i}", 4) for i in range(1, 9)]
         + [(f"pvq{i}", 6) for i in range(1, 41)] + [(f"intent{i}", 5) for i in range(1, 4)])
wellbeing = [(f"wb{i}", 5) for i in range(1, 6)]
roles = np.array(["teacher", "leader", "support"])
statuses = np.array(["stayer", "mover", "leaver"])
comments = np.array(["Good team, but busy", "More planning time, please", "Fine"])
block = 100_000
opts = pacsv.WriteOptions(include_header=True, quoting_style="needed")
writer = None
done = 0
while done < rows:
    n = min(block, rows - done)
    cols = {}
    cols["respondent_id"] = pa.array(np.char.add("R_", np.char.zfill(np.char.mod("%x", rng.integers(0, 2**60, n)), 15)))
    cols["district"] = pa.array(rng.integers(1, 13, n))
    cols["school_id"] = pa.array(rng.integers(1, 401, n))
    cols["role"] = pa.array(roles[rng.integers(0, 3, n)])
    cols["tenure"] = pa.array(np.round(rng.uniform(0.5, 35, n), 1))
    def likert(k):
        v = rng.integers(1, k + 1, n)
        return pa.array(v, mask=rng.random(n) < 0.02)
    for name, k in items: cols[name] = likert(k)
    cols["status_next_year"] = pa.array(statuses[rng.integers(0, 3, n)])
    for name, k in wellbeing: cols[name] = likert(k)
    has = rng.random(n) < 0.10
    cols["comment"] = pa.array(np.where(has, comments[rng.integers(0, 3, n)], ""))
    table = pa.table(cols)
    if writer is None:
        writer = pacsv.CSVWriter(out, table.schema, write_options=opts)
    writer.write_table(table)
    done += n
writer.close()
