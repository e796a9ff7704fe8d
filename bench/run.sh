#!/usr/bin/env bash
# uxchurn's benchmark: whole-process timings against the other tools, in one run, as ratios.
#
#   bash bench/run.sh            # ~1.2M-line corpus (7 days, 20,000 visitors)
#   SCALE=4 bash bench/run.sh    # the same visitors over 4× the days
#
# Needs: pigz, goaccess, hyperfine (Debian packages; installed when missing and root).
# Prints each median and the ratios; writes bench/work/results-<scale>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-1}
RUNS=${RUNS:-7}
WORK=bench/work
mkdir -p "$WORK"

need=()
for tool in pigz goaccess hyperfine; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
  else echo "missing: ${need[*]} (apt-get install ${need[*]})" >&2; exit 1; fi
fi

swift build -c release --product uxchurn >/dev/null
BIN=$PWD/.build/release/uxchurn

DAYS=$((7 * SCALE))
CORPUS=$WORK/corpus-$SCALE
if [ ! -f "$CORPUS.log.gz" ]; then
  rm -rf "$CORPUS.d" && mkdir -p "$CORPUS.d"
  "$BIN" sample-logs "$CORPUS.d" --days "$DAYS" --visitors 20000 --seed 42 2>/dev/null
  # One file, oldest day first, as a busy shop's single log.
  ( for f in $(ls "$CORPUS.d" | sort -t. -k3,3nr); do
      if [[ $f == *.gz ]]; then gzip -dc "$CORPUS.d/$f"; else cat "$CORPUS.d/$f"; fi
    done ) > "$CORPUS.log"
  gzip -6 -c "$CORPUS.log" > "$CORPUS.log.gz"
  rm -rf "$CORPUS.d"
fi
# The same lines as two servers' logs over the same days (odd and even lines), for --jobs.
if [ ! -f "$CORPUS-b.log" ]; then
  awk -v a="$CORPUS-a.log" -v b="$CORPUS-b.log" 'NR % 2 { print > a; next } { print > b }' "$CORPUS.log"
fi
# The same shop as Kubernetes' ingress-nginx writes it (longer lines, the response time further on).
INGRESS=$WORK/corpus-$SCALE-ingress
if [ ! -f "$INGRESS.log" ]; then
  rm -rf "$INGRESS.d" && mkdir -p "$INGRESS.d"
  "$BIN" sample-logs "$INGRESS.d" --days "$DAYS" --visitors 20000 --seed 42 --format ingress-nginx 2>/dev/null
  ( for f in $(ls "$INGRESS.d" | sort -t. -k3,3nr); do
      if [[ $f == *.gz ]]; then gzip -dc "$INGRESS.d/$f"; else cat "$INGRESS.d/$f"; fi
    done ) > "$INGRESS.log"
  rm -rf "$INGRESS.d"
fi
# The same shop as nginx writes it with a JSON log_format (escape=json, the variables' names as keys).
JSONLOG=$WORK/corpus-$SCALE-json
if [ ! -f "$JSONLOG.log" ]; then
  rm -rf "$JSONLOG.d" && mkdir -p "$JSONLOG.d"
  "$BIN" sample-logs "$JSONLOG.d" --days "$DAYS" --visitors 20000 --seed 42 --format json 2>/dev/null
  ( for f in $(ls "$JSONLOG.d" | sort -t. -k3,3nr); do
      if [[ $f == *.gz ]]; then gzip -dc "$JSONLOG.d/$f"; else cat "$JSONLOG.d/$f"; fi
    done ) > "$JSONLOG.log"
  rm -rf "$JSONLOG.d"
fi
LINES=$(wc -l < "$CORPUS.log")
BYTES=$(stat -c %s "$CORPUS.log")
echo "corpus: $LINES lines, $((BYTES / 1048576)) MiB plain, $(( $(stat -c %s "$CORPUS.log.gz") / 1048576 )) MiB gzip; $(nproc) cores"

JSON=$WORK/hyperfine-$SCALE.json
# GoAccess takes half a minute a run on the 1× corpus: it runs there only (GOACCESS=0 skips it).
goaccess_args=()
if [ "$SCALE" = 1 ] && [ "${GOACCESS:-1}" = 1 ]; then
  goaccess_args=(-n "goaccess" "goaccess $CORPUS.log --log-format=COMBINED -o $WORK/goaccess.html --no-progress")
fi
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$JSON" \
  -n "pigz -dc" "pigz -dc $CORPUS.log.gz" \
  -n "zcat" "bash -c 'zcat $CORPUS.log.gz > /dev/null'" \
  -n "uxchurn gz" "$BIN report --quiet -o $WORK/out-gz $CORPUS.log.gz" \
  -n "uxchurn plain" "$BIN report --quiet -o $WORK/out-plain $CORPUS.log" \
  -n "uxchurn plain --jobs 1" "$BIN report --quiet --jobs 1 -o $WORK/out-plain $CORPUS.log" \
  -n "uxchurn ingress-nginx plain" "$BIN report --quiet -o $WORK/out-ingress $INGRESS.log" \
  -n "uxchurn json plain" "$BIN report --quiet -o $WORK/out-json $JSONLOG.log" \
  -n "uxchurn two files --jobs 1" "$BIN report --quiet --jobs 1 -o $WORK/out-two $CORPUS-a.log $CORPUS-b.log" \
  -n "uxchurn two files --jobs 2" "$BIN report --quiet --jobs 2 -o $WORK/out-two $CORPUS-a.log $CORPUS-b.log" \
  "${goaccess_args[@]}" >/dev/null

# Peak memory of one uxchurn run on each input (GNU time's maximum resident set size).
rss_gz=$( { /usr/bin/time -f %M "$BIN" report --quiet -o "$WORK/out-gz" "$CORPUS.log.gz"; } 2>&1 | tail -1 )
rss_plain=$( { /usr/bin/time -f %M "$BIN" report --quiet -o "$WORK/out-plain" "$CORPUS.log"; } 2>&1 | tail -1 )

python3 - "$JSON" "$BYTES" "$LINES" "$rss_gz" "$rss_plain" "$SCALE" "$WORK" "$(stat -c %s "$JSONLOG.log")" <<'PY'
import json, sys
path, size, lines, rss_gz, rss_plain, scale, work, json_size = sys.argv[1:]
size, lines, json_size = int(size), int(lines), int(json_size)
runs = {r["command"]: sorted(r["times"]) for r in json.load(open(path))["results"]}
median = {k: v[len(v) // 2] for k, v in runs.items()}
rows = ["| command | median s | vs pigz -dc |", "|---|---|---|"]
for name, t in median.items():
    rows.append(f"| {name} | {t:.3f} | {t / median['pigz -dc']:.2f}× |")
out = "\n".join(rows)
out += f"\n\n- uxchurn on gzip: {median['uxchurn gz'] / median['pigz -dc']:.2f}× pigz -dc, {median['zcat'] / median['uxchurn gz']:.2f}× faster than zcat"
out += f"\n- uxchurn on plain: {size / median['uxchurn plain'] / 1e6:.0f} MB/s, {lines / median['uxchurn plain'] / 1e6:.2f} M lines/s"
if "goaccess" in median:
    out += f"\n- GoAccess HTML report / uxchurn plain: {median['goaccess'] / median['uxchurn plain']:.1f}× faster"
out += f"\n- --jobs 1 / default --jobs: {median['uxchurn plain --jobs 1'] / median['uxchurn plain']:.2f}×"
out += f"\n- the same shop as ingress-nginx writes it / as combined-timed: {median['uxchurn ingress-nginx plain'] / median['uxchurn plain']:.2f}× the time"
out += (f"\n- the same shop as nginx JSON lines / as combined-timed: {median['uxchurn json plain'] / median['uxchurn plain']:.2f}× the time"
        f" ({json_size / size:.2f}× the bytes): {1 / (median['uxchurn json plain'] / median['uxchurn plain']):.2f} of the lines a second,"
        f" {json_size / median['uxchurn json plain'] / 1e6:.0f} MB/s")
out += f"\n- two plain files, --jobs 1 / --jobs 2: {median['uxchurn two files --jobs 1'] / median['uxchurn two files --jobs 2']:.2f}×"
out += f"\n- peak RSS: {int(rss_gz) // 1024} MiB (gzip), {int(rss_plain) // 1024} MiB (plain)"
print(out)
open(f"{work}/results-{scale}.md", "w").write(out + "\n")
PY
