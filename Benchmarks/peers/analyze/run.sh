#!/usr/bin/env bash
# `candor analyze` against the peer harness of issue 7 ("Speed"), in the same run, on
# the same generated export.
#
# usage: Benchmarks/peers/analyze/run.sh ROWS
#   env REPEATS (default 3; the median wall time is reported), CANDOR_REPEATS (default
#       9: Candor's half-second runs vary by ~10 % on this shared machine, the peers'
#       8-40 s runs average such swings out; more of Candor's runs make its median as
#       steady as theirs), SCHOOLS (default 300),
#       SEED (default 7), CANDOR_ONLY=1 (skip the peers), CANDOR (binary; default the
#       worktree's .build/release/candor — build it first with
#       `make release`, i.e. `swift build -c release --product candor --static-swift-stdlib`),
#       SKIP_R=1 (leave out the R peer: WORK=full at 5M rows needs more than 24 GB in R,
#       whose aov for the ICCs builds a dense rows x schools model matrix),
#       WORK=narrow|full (default narrow): what the peers compute.
#         narrow: peer_*.R/py — alpha of psych_safety and trust, one EFA (trust, 3
#                 factors), 4 correlations; a small part of what Candor writes.
#         full:   full_*.R/py — every table Candor writes for the demo codebook:
#                 alpha with item statistics for the 2 scales and the 10 PVQ-40 values,
#                 omega, EFA + parallel analysis, MRAT value scores + MDS, scale
#                 scores, correlations + partials, the clustered logistic regression,
#                 aggregation by school (ICC1/ICC2, rwg(j)) and school x role, and the
#                 relative weights. Candor's run is the same in both.
#       The Python peers share peer_stats.py: the numpy / factor_analyzer statistics that
#       neither pandas nor polars has a function for (omega, parallel analysis, MDS, ...).
#
# Needs: Rscript with data.table, psych, GPArotation (WORK=full also multilevel and
# sandwich); /usr/bin/time (Debian `time`); python3-venv. Creates ../.venv (pandas,
# pingouin, scikit-learn<1.8, factor_analyzer 0.5.1, polars, numpy, statsmodels) and
# ../.data (the export); both git-ignored.
# Wall time and peak RSS are those of the whole process (/usr/bin/time), interpreter
# start-up and library imports included: that is what a scheduler sees. Each peer also
# prints its own time from the read on ("in-process s").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peers=$(dirname "$here")
root=$(cd "$peers/../.." && pwd)
rows=${1:?usage: run.sh ROWS}
repeats=${REPEATS:-3}
candor_repeats=${CANDOR_REPEATS:-9}
schools=${SCHOOLS:-300}
seed=${SEED:-7}
candor=${CANDOR:-$root/.build/release/candor}
work_level=${WORK:-narrow}
case "$work_level" in
  narrow) prefix=peer; r_name="R~(fread+psych)"; pandas_name="pandas+pingouin+factor_analyzer"
          polars_name="polars+numpy"
          work_note="narrow (alpha of 2 scales, one EFA, 4 correlations)" ;;
  full)   prefix=full; r_name="R~(fread+psych+multilevel+sandwich)"
          pandas_name="pandas+pingouin+factor_analyzer+statsmodels"
          polars_name="polars+numpy+factor_analyzer+statsmodels"
          work_note="full (every table Candor writes)" ;;
  *) echo "WORK must be narrow or full, not $work_level" >&2; exit 2 ;;
esac
codebook=$root/datasets/demo/demo.codebook.yaml
py=$peers/.venv/bin/python
mkdir -p "$peers/.data"
data=$peers/.data/analyze_${rows}_s${seed}_k${schools}.csv

if [ "${CANDOR_ONLY:-0}" != 1 ] && [ ! -x "$py" ]; then
  python3 -m venv "$peers/.venv"
  "$py" -m pip install -q pandas pingouin "scikit-learn<1.8" factor_analyzer==0.5.1 polars numpy statsmodels
fi
[ -f "$data" ] || "$candor" generate --rows "$rows" --seed "$seed" --schools "$schools" --output "$data" 2>/dev/null
bytes=$(stat -L -c %s "$data")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {  # name, runs, command... ; appends "name wall_s rss_kb cpu_s inproc_s" per run
  local name=$1 runs=$2; shift 2
  for i in $(seq "$runs"); do
    rm -rf "$work/out"
    # Wall time to the millisecond around the whole process (/usr/bin/time's %e has 10 ms
    # steps, 2 % of Candor's run); peak RSS and CPU from /usr/bin/time.
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" > "$work/stdout.$name" 2> "$work/stderr.$name" \
      || { echo "$name failed:" >&2; cat "$work/stderr.$name" >&2; exit 1; }
    t1=$(date +%s%N)
    read -r _ rss user sys < "$work/time"
    wall=$(echo "scale=3; ($t1 - $t0) / 1000000000" | bc)
    inproc=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$work/stdout.$name" | head -1)
    echo "$name $wall $rss $(echo "$user + $sys" | bc) ${inproc:--}" >> "$work/results"
  done
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
run candor "$candor_repeats" "$candor" analyze "$data" --codebook "$codebook" --output "$work/out" \
  --format markdown --format csv --format json --format html --quiet
candor_alpha=$(python3 "$here/summary_alpha.py" "$work/out/summary.json" psych_safety)
outputs=$(ls "$work/out" | tr '\n' ' ')
if [ "${CANDOR_ONLY:-0}" != 1 ]; then
  if [ "${SKIP_R:-0}" != 1 ]; then
    run "$r_name" "$repeats" Rscript "$here/${prefix}_r.R" "$data" 2
    r_alpha=$(sed -n 's/alpha_psych_safety=//p' "$work/stdout.$r_name")
  fi
  run "$pandas_name" "$repeats" "$py" "$here/${prefix}_pandas.py" "$data"
  POLARS_MAX_THREADS=2 run "$polars_name" "$repeats" "$py" "$here/${prefix}_polars.py" "$data"
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

echo "File: $(basename "$data") ($(echo "scale=1; $bytes / 1000000" | bc) MB, $rows rows, $schools schools, seed $seed); median wall time of $candor_repeats runs of Candor and $repeats of each peer."
echo "Load average: $load_start at start, $load_end at end. Candor wrote: $outputs"
[ "${CANDOR_ONLY:-0}" != 1 ] && echo "Peer work: $work_note"
echo
echo "| tool | median wall s | (min–max) | in-process s | CPU s (user+sys) | peak RSS MB | wall ÷ Candor's |"
echo "|---|---:|---:|---:|---:|---:|---:|"
base=""
for name in $(cut -d' ' -f1 "$work/results" | awk '!seen[$0]++'); do
  med() { awk -v n="$name" -v c="$1" '$1 == n {print $c}' "$work/results" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  wall=$(med 2); cpu=$(med 4); inproc=$(med 5)
  rss=$(awk -v n="$name" '$1 == n {print $3}' "$work/results" | sort -n | tail -1)
  [ -z "$base" ] && base=$wall
  low=$(awk -v n="$name" '$1 == n {print $2}' "$work/results" | sort -n | head -1)
  high=$(awk -v n="$name" '$1 == n {print $2}' "$work/results" | sort -n | tail -1)
  printf "| %s | %.3f | %.3f–%.3f | %s | %.2f | %.0f | %.2f |\n" "$(echo "$name" | tr '~' ' ')" "$wall" "$low" "$high" \
    "$inproc" "$cpu" "$(echo "$rss / 1024" | bc -l)" "$(echo "$wall / $base" | bc -l)"
done
echo
echo "alpha(psych_safety): Candor $candor_alpha${r_alpha:+, R psych::alpha $r_alpha}"
if [ -n "${r_alpha:-}" ]; then
  python3 -c "import sys; c, r = float(sys.argv[1]), float(sys.argv[2]); d = abs(c - r); print(f'|Candor - R| = {d:.3g} ->', 'OK (<= 1e-9)' if d <= 1e-9 else 'MISMATCH (> 1e-9)')" "$candor_alpha" "$r_alpha"
fi
for name in "$pandas_name" "$polars_name"; do
  [ -f "$work/stdout.$name" ] && echo "alpha(psych_safety) $name: $(sed -n 's/alpha_psych_safety=//p' "$work/stdout.$name")"
done
if [ "$work_level" = full ] && [ -f "$work/stdout.$r_name" ]; then
  for key in alpha_benevolence glm_trust icc1_trust rw_trust; do   # the peers' own cross-checks
    line="$key:"
    for name in "$r_name" "$pandas_name" "$polars_name"; do
      line="$line ${name%%[~+]*} $(sed -n "s/.*\b$key=\([^ ]*\).*/\1/p" "$work/stdout.$name"),"
    done
    echo "${line%,}"
  done
fi
true
