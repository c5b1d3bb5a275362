#!/usr/bin/env bash
# Times Candor's parse + decode against peers' plain CSV reads, in the same run, on the
# same file: R data.table::fread, pandas (C engine), pyarrow, polars.
#
# usage: Benchmarks/peers/peers.sh [ROWS] [THREADS] [REPEATS]
#   ROWS     rows of the generated export (default 1000000; written once to .data/)
#   THREADS  threads for every tool that takes a thread count (default 2)
#   REPEATS  runs per tool; the median wall time is reported (default 3)
#
# Needs: Rscript with data.table (Debian r-cran-data.table), python3-venv, /usr/bin/time
# (Debian `time`). Creates .venv/ (pandas, pyarrow, polars) and .data/ here (git-ignored).
# Each tool reports its own read time (interpreter start-up excluded); /usr/bin/time -v
# gives the peak RSS of the whole process.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rows=${1:-1000000}
threads=${2:-2}
repeats=${3:-3}
cd "$here"
mkdir -p .data
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q pandas pyarrow polars
fi
data=".data/survey_${rows}.csv"
[ -f "$data" ] || .venv/bin/python make_data.py "$rows" "$data"
[ -x .data/candor_read ] || ./build_candor_read.sh
bytes=$(stat -c %s "$data")

run() {  # name, command... ; prints "name seconds rss_kb cpu_s" per repeat
  local name=$1; shift
  for _ in $(seq "$repeats"); do
    local out
    out=$( { /usr/bin/time -v "$@" 2>/tmp/peers_time.$$ ; } | tail -1 )
    local secs rss user sys
    secs=$(echo "$out" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' /tmp/peers_time.$$)
    user=$(sed -n 's/.*User time (seconds): //p' /tmp/peers_time.$$)
    sys=$(sed -n 's/.*System time (seconds): //p' /tmp/peers_time.$$)
    echo "$name $secs $rss $(echo "$user + $sys" | bc)"
  done
}

results=$(mktemp)
{
  run "candor (parse+decode, $threads threads)" .data/candor_read "$data" "$threads"
  run "candor (parse+decode, 1 thread)" .data/candor_read "$data" 1
  run "data.table::fread ($threads threads)" Rscript -e "suppressMessages(library(data.table)); setDTthreads($threads); t <- Sys.time(); x <- fread('$data', showProgress = FALSE); cat(sprintf('rows=%d seconds=%.3f\n', nrow(x), as.numeric(Sys.time() - t, units = 'secs')))"
  run "pandas read_csv (C engine)" .venv/bin/python -c "import time, pandas as pd; t = time.perf_counter(); x = pd.read_csv('$data', engine='c'); print(f'rows={len(x)} seconds={time.perf_counter() - t:.3f}')"
  run "pyarrow.csv.read_csv ($threads threads)" .venv/bin/python -c "import time, pyarrow as pa, pyarrow.csv as c; pa.set_cpu_count($threads); pa.set_io_thread_count($threads); t = time.perf_counter(); x = c.read_csv('$data'); print(f'rows={x.num_rows} seconds={time.perf_counter() - t:.3f}')"
  POLARS_MAX_THREADS=$threads run "polars read_csv ($threads threads)" .venv/bin/python -c "import time, polars as pl; t = time.perf_counter(); x = pl.read_csv('$data'); print(f'rows={x.height} seconds={time.perf_counter() - t:.3f}')"
} | awk '{n = NF; name = $1; for (i = 2; i <= n - 3; i++) name = name "~" $i; print name, $(n-2), $(n-1), $n}' > "$results"

echo "File: $data ($(echo "scale=1; $bytes / 1000000" | bc) MB, $rows rows × 70 columns); $repeats runs each, median wall time; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| tool | median s | MB/s | CPU s (user+sys) | MB per CPU-s | peak RSS MB | time ÷ Candor's |"
echo "|---|---:|---:|---:|---:|---:|---:|"
base=""
for name in $(cut -d' ' -f1 "$results" | awk '!seen[$0]++'); do
  med=$(awk -v n="$name" '$1 == n {print $2}' "$results" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(awk -v n="$name" '$1 == n {print $4}' "$results" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  rss=$(awk -v n="$name" '$1 == n {print $3}' "$results" | sort -n | tail -1)
  [ -z "$base" ] && base=$med
  printf "| %s | %.2f | %.0f | %.2f | %.0f | %.0f | %.2f |\n" "$(echo "$name" | tr '~' ' ')" "$med" \
    "$(echo "$bytes / 1000000 / $med" | bc -l)" "$cpu" "$(echo "$bytes / 1000000 / $cpu" | bc -l)" \
    "$(echo "$rss / 1024" | bc -l)" "$(echo "$med / $base" | bc -l)"
done
rm -f "$results" /tmp/peers_time.$$
