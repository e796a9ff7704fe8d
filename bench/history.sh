#!/usr/bin/env bash
# A nightly run over one new day, with a year of history in the state against none.
#
#   bash bench/history.sh        # 366 days of a shop with 2,000 visitors (~40% come each day)
#
# Builds the year night by night (one `report --state` per day, oldest first), then times, in
# one hyperfine run: the newest day with the year's state, with an empty state, and without
# --state. Writes bench/work/history-results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS=${DAYS:-366}
VISITORS=${VISITORS:-2000}
RUNS=${RUNS:-7}
WORK=bench/work/history
mkdir -p "$WORK"
command -v hyperfine >/dev/null || { echo "missing: hyperfine (apt-get install hyperfine)" >&2; exit 1; }
swift build -c release --product uxchurn >/dev/null
BIN=$PWD/.build/release/uxchurn

LOGS=$WORK/logs-$DAYS-$VISITORS
if [ ! -f "$LOGS/access.log" ]; then
  rm -rf "$LOGS" && mkdir -p "$LOGS"
  "$BIN" sample-logs "$LOGS" --days "$DAYS" --visitors "$VISITORS" --seed 7 2>/dev/null
fi
YEAR=$WORK/year-$DAYS-$VISITORS.db
if [ ! -f "$YEAR" ]; then
  start=$(date +%s)
  for ((n = DAYS - 1; n >= 1; n--)); do
    f="$LOGS/access.log.$n"; [ -f "$f" ] || f="$f.gz"
    "$BIN" report --quiet --max-bad-lines 100% --state "$YEAR.tmp" -o "$WORK/out" "$f"
  done
  mv "$YEAR.tmp" "$YEAR"
  echo "built $((DAYS - 1)) nights of history in $(( $(date +%s) - start )) s"
fi
"$BIN" history --state "$YEAR" | head -n 1
NEW=$LOGS/access.log
echo "new day: $(wc -l < "$NEW") lines; state: $(( $(stat -c %s "$YEAR") / 1048576 )) MiB"

cp "$YEAR" "$WORK/run.db"
# One --prepare per command, in command order.
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$WORK/hyperfine.json" \
  --prepare "cp $YEAR $WORK/run.db" --prepare "rm -f $WORK/empty.db" --prepare "true" \
  -n "one day, $((DAYS - 1)) days stored" "$BIN report --quiet --max-bad-lines 100% --state $WORK/run.db -o $WORK/out $NEW" \
  -n "one day, empty state" "$BIN report --quiet --max-bad-lines 100% --state $WORK/empty.db -o $WORK/out $NEW" \
  -n "one day, no --state" "$BIN report --quiet --max-bad-lines 100% -o $WORK/out $NEW" >/dev/null

python3 - "$WORK/hyperfine.json" <<'PY' | tee "$WORK/../history-results.md"
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
base = next(r for r in results if r["command"] == "one day, empty state")
print("| run | median s | vs empty state |\n|---|---:|---:|")
for r in results:
    m = statistics.median(r["times"])
    print(f"| {r['command']} | {m:.3f} | {m / statistics.median(base['times']):.2f}× |")
PY
