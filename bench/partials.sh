#!/usr/bin/env bash
# What the Spark driver receives, and its memory, as the visitors grow (issue 24).
#
#   VISITORS="100000 1000000" bash bench/partials.sh
#
# For each count: `uxchurn sample-logs --visitors N --days 7` (kept in bench/work/vN), a
# configuration from `uxchurn init`, `report` over the folder, then the Spark driver in local
# mode (local[2], 8 reduce partitions) twice: as it runs by default (visitors as counts, merged in
# a tree on the executors) and with --state (one record per visitor, as a history needs). Prints
# the size of the partial the driver received, the peak memory of the driver's processes (in
# local mode the executors run inside the driver's JVM, so that is an upper bound), and whether
# summary.json equals report's. Spark's defaults throughout (a 1 GB driver heap in local mode).
#
# Needs: pyspark (pip), Java 17.
set -euo pipefail
cd "$(dirname "$0")/.."
VISITORS=${VISITORS:-"100000 1000000"}
WORK=$PWD/bench/work
mkdir -p "$WORK"
swift build -c release --product uxchurn >/dev/null
BIN=$PWD/.build/release/uxchurn
DRIVER="python3 $PWD/contrib/spark/uxchurn_spark.py --master local[2] --uxchurn $BIN --partitions 8 --quiet"

# Peak resident memory (KB) of a command's process tree: the driver (python) and its JVM, sampled
# every 0.2 s; printed as "python_kb jvm_kb".
peak() {
  "$@" &
  local pid=$! python=0 java=0
  while kill -0 "$pid" 2>/dev/null; do
    local tree
    tree=$(ps -o pid=,ppid=,rss=,comm= -e)
    local p j
    p=$(awk -v root="$pid" '$1 == root { print $3 }' <<<"$tree")
    j=$(awk -v root="$pid" '$2 == root && $4 == "java" { s += $3 } END { print s + 0 }' <<<"$tree")
    [ "${p:-0}" -gt "$python" ] && python=$p
    [ "${j:-0}" -gt "$java" ] && java=$j
    sleep 0.2
  done
  wait "$pid"
  echo "$python $java"
}

echo "| visitors | lines | partial received, counts | with --state (a record per visitor) | driver python peak | driver JVM peak (local mode: executors inside) | report peak | summary.json |"
echo "|---:|---:|---:|---:|---:|---:|---:|---|"
for n in $VISITORS; do
  logs=$WORK/v$n
  [ -d "$logs" ] || "$BIN" sample-logs "$logs" --visitors "$n" --days 7 >/dev/null 2>&1
  [ -f "$logs.yml" ] || "$BIN" init -o "$logs.yml" "$logs" >/dev/null 2>&1
  report_kb=$( { /usr/bin/time -f "%M" "$BIN" report --quiet -c "$logs.yml" -o "$WORK/v$n-one" "$logs"; } 2>&1 | tail -1)
  read -r python_kb java_kb < <(peak $DRIVER -c "$logs.yml" --partial "$WORK/v$n.partial" -o "$WORK/v$n-spark" "$logs" | tail -1)
  rm -f "$WORK/v$n.state" "$WORK/v$n-state.partial"
  state=$( { $DRIVER -c "$logs.yml" --state "$WORK/v$n.state" --partial "$WORK/v$n-state.partial" -o "$WORK/v$n-spark-state" "$logs" \
             2>&1 || true; } | { grep -o 'OutOfMemoryError: [A-Za-z ]*' || true; } | head -1)
  same=$(cmp -s "$WORK/v$n-one/summary.json" "$WORK/v$n-spark/summary.json" && echo identical || echo DIFFERS)
  lines=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['input']['lines'])" "$WORK/v$n-one/summary.json")
  if [ -f "$WORK/v$n-state.partial" ]; then state="$(( $(stat -c %s "$WORK/v$n-state.partial") / 1024 )) KB"
  else state="failed: ${state:-see the driver output}"; fi
  printf "| %s | %s | %s KB | %s | %s MB | %s MB | %s MB | %s |\n" "$n" "$lines" \
    $(( $(stat -c %s "$WORK/v$n.partial") / 1024 )) "$state" \
    $(( python_kb / 1024 )) $(( java_kb / 1024 )) $(( report_kb / 1024 )) "$same"
done
