#!/usr/bin/env bash
# One machine versus local-mode Spark on the benchmark corpus's rotated files (issue 8):
# `report` over the folder, the same job as `map | sort | reduce | merge` on one machine, and
# contrib/spark/uxchurn_spark.py with --master local[2]. Checks that all three give the same
# summary.json, then prints the medians.
#
#   bash bench/run.sh      # makes bench/work/corpus (7 days, 20,000 visitors) first
#   RUNS=3 bash bench/spark.sh
#
# Needs: hyperfine, pyspark (pip), Java 17.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
WORK=$PWD/bench/work
CORPUS=$WORK/corpus
[ -d "$CORPUS" ] || { echo "no $CORPUS: run bash bench/run.sh first" >&2; exit 1; }
swift build -c release --product uxchurn >/dev/null
BIN=$PWD/.build/release/uxchurn
SPARK="python3 $PWD/contrib/spark/uxchurn_spark.py --master local[2] --uxchurn $BIN --quiet"
cat > "$WORK/chain.sh" <<CHAIN
#!/usr/bin/env bash
set -euo pipefail
rank=0
for f in \$($BIN map --plan $CORPUS); do $BIN map --quiet --rank \$rank "\$f"; rank=\$((rank + 1)); done \\
  | LC_ALL=C sort -S 1G | $BIN reduce > $WORK/partial.jsonl
$BIN merge --quiet -o $WORK/out-chain $WORK/partial.jsonl
CHAIN
chmod +x "$WORK/chain.sh"
echo "corpus: $(ls "$CORPUS" | wc -l) files, $(cat "$CORPUS"/access.log "$CORPUS"/access.log.1 <(zcat "$CORPUS"/*.gz) | wc -l) lines; $(nproc) cores"
hyperfine -N --runs "$RUNS" --export-json "$WORK/spark.json" \
  -n "uxchurn report" "$BIN report --quiet -o $WORK/out-one $CORPUS" \
  -n "map | sort | reduce | merge" "$WORK/chain.sh" \
  -n "spark local[2], 2 partitions" "$SPARK --partitions 2 -o $WORK/out-spark $CORPUS" >/dev/null
for other in out-chain out-spark; do
  cmp "$WORK/out-one/summary.json" "$WORK/$other/summary.json" && echo "$other: summary.json identical to report's"
done
python3 - "$WORK/spark.json" <<'PY'
import json, sys
runs = {r["command"]: sorted(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
median = {k: v[len(v) // 2] for k, v in runs.items()}
base = median["uxchurn report"]
print("| command | median s | vs report |\n|---|---:|---:|")
for name, t in median.items():
    print(f"| {name} | {t:.2f} | {t / base:.1f}× |")
PY
