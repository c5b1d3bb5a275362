"""Prints Candor's raw alpha of SCALE from summary.json (usage: summary_alpha.py FILE SCALE)."""
import json
import sys

summary = json.load(open(sys.argv[1]))
for entry in summary["reliability"]:
    if entry["scale"] == sys.argv[2]:
        print(repr(entry["alpha"]["raw"]))
        break
else:
    sys.exit(f"no reliability entry for {sys.argv[2]} in {sys.argv[1]}")
