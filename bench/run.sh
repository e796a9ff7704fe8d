#!/usr/bin/env bash
# uxchurn's benchmark: whole-process timings against the other tools, in one run, as ratios.
#
#   bash bench/run.sh                  # 7 days, 80,000 visitors (~4.6 M lines)
#   VISITORS=20000 bash bench/run.sh   # the earlier corpus (~1.2 M lines), for comparisons
#   SCALE=4 bash bench/run.sh          # the same visitors over 4× the days
#
# Needs: pigz, goaccess, hyperfine (Debian packages; installed when missing and root).
# Prints each median and the ratios the targets are stated in (gzip against pigz -dc and
# against plain, MB/s, GoAccess, --jobs, a rotated folder of seven gzip files, peak RSS at 1×
# and 4× the days), then gzip's and plain's CPU seconds and, from them, the lowest gzip / plain
# possible at 80× GoAccess and at 1 GB/s; writes bench/work/results-<visitors>-<scale>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-1}
RUNS=${RUNS:-7}
VISITORS=${VISITORS:-80000}
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
# The 20,000-visitor corpus keeps its old name, so earlier results stay comparable.
NAME=$SCALE; [ "$VISITORS" = 20000 ] || NAME=$VISITORS-$SCALE
CORPUS=$WORK/corpus-$NAME
# sample-logs' rotated files, oldest day first, into one file (a busy shop's single log).
make_corpus() {  # output file, days, extra sample-logs options...
  local out=$1 days=$2; shift 2
  rm -rf "$out.d" && mkdir -p "$out.d"
  "$BIN" sample-logs "$out.d" --days "$days" --visitors "$VISITORS" --seed 42 "$@" 2>/dev/null
  ( for f in $(ls "$out.d" | sort -t. -k3,3nr); do
      if [[ $f == *.gz ]]; then gzip -dc "$out.d/$f"; else cat "$out.d/$f"; fi
    done ) > "$out"
  rm -rf "$out.d"
}
if [ ! -f "$CORPUS.log.gz" ]; then
  make_corpus "$CORPUS.log" "$DAYS"
  gzip -6 -c "$CORPUS.log" > "$CORPUS.log.gz"
fi
# The same lines as logrotate leaves seven days of them: a folder of seven gzip files.
if [ ! -d "$CORPUS-rotated" ]; then
  mkdir -p "$CORPUS-rotated"
  awk -v dir="$CORPUS-rotated" -v lines="$(wc -l < "$CORPUS.log")" \
    '{ part = int((NR - 1) * 7 / lines); print > (dir "/access.log." (7 - part)) }' "$CORPUS.log"
  for f in "$CORPUS-rotated"/access.log.*; do gzip -6 "$f"; done
fi
# The same lines as two servers' logs over the same days (odd and even lines), for --jobs.
if [ ! -f "$CORPUS-b.log" ]; then
  awk -v a="$CORPUS-a.log" -v b="$CORPUS-b.log" 'NR % 2 { print > a; next } { print > b }' "$CORPUS.log"
fi
# The same shop as Kubernetes' ingress-nginx writes it (longer lines, the response time further on).
INGRESS=$WORK/corpus-$NAME-ingress
[ -f "$INGRESS.log" ] || make_corpus "$INGRESS.log" "$DAYS" --format ingress-nginx
# The same shop as nginx writes it with a JSON log_format (escape=json, the variables' names as keys).
JSONLOG=$WORK/corpus-$NAME-json
[ -f "$JSONLOG.log" ] || make_corpus "$JSONLOG.log" "$DAYS" --format json
LINES=$(wc -l < "$CORPUS.log")
BYTES=$(stat -c %s "$CORPUS.log")
echo "corpus: $LINES lines, $((BYTES / 1048576)) MiB plain, $(( $(stat -c %s "$CORPUS.log.gz") / 1048576 )) MiB gzip; $(nproc) cores"

# Every command runs once a round, the rounds one after another (hyperfine `--runs 1` a round,
# each round starting one command further on). A shared machine's speed drifts over minutes:
# hyperfine alone runs each command's runs back to back, so a slow spell falls on one command
# and not on the next; it moved the gzip / plain ratio by a fifth between runs of this script.
# Round by round, every command sees the same spells. Round 0 warms up and is not counted.
# Before each timed run its inputs are read once (hyperfine `--prepare`, not timed): every tool
# reads from the page cache, as it would right after the night's rotation, even where memory
# outside this run has pushed some of the nearly 6 GB of corpora out between two rounds.
names=() commands=() inputs=()
bench() { names+=("$1"); inputs+=("$2"); commands+=("$3"); }
bench "pigz -dc" "$CORPUS.log.gz" "pigz -dc $CORPUS.log.gz"
bench "zcat" "$CORPUS.log.gz" "bash -c 'zcat $CORPUS.log.gz > /dev/null'"
bench "uxchurn gz" "$CORPUS.log.gz" "$BIN report --quiet -o $WORK/out-gz $CORPUS.log.gz"
bench "uxchurn gz --jobs 1" "$CORPUS.log.gz" "$BIN report --quiet --jobs 1 -o $WORK/out-gz $CORPUS.log.gz"
bench "pigz -dc, seven rotated files in sequence" "$CORPUS-rotated/*" "bash -c 'pigz -dc $CORPUS-rotated/access.log.*.gz > /dev/null'"
bench "uxchurn gz, seven rotated files" "$CORPUS-rotated/*" "$BIN report --quiet -o $WORK/out-rotated $CORPUS-rotated"
bench "uxchurn plain" "$CORPUS.log" "$BIN report --quiet -o $WORK/out-plain $CORPUS.log"
bench "uxchurn plain --jobs 1" "$CORPUS.log" "$BIN report --quiet --jobs 1 -o $WORK/out-plain $CORPUS.log"
bench "uxchurn ingress-nginx plain" "$INGRESS.log" "$BIN report --quiet -o $WORK/out-ingress $INGRESS.log"
bench "uxchurn json plain" "$JSONLOG.log" "$BIN report --quiet -o $WORK/out-json $JSONLOG.log"
bench "uxchurn two files --jobs 1" "$CORPUS-a.log $CORPUS-b.log" "$BIN report --quiet --jobs 1 -o $WORK/out-two $CORPUS-a.log $CORPUS-b.log"
bench "uxchurn two files --jobs 2" "$CORPUS-a.log $CORPUS-b.log" "$BIN report --quiet --jobs 2 -o $WORK/out-two $CORPUS-a.log $CORPUS-b.log"
# GoAccess takes two minutes a run on the 1× corpus: it runs there only (GOACCESS=0 skips it).
if [ "$SCALE" = 1 ] && [ "${GOACCESS:-1}" = 1 ]; then
  bench "goaccess" "$CORPUS.log" "goaccess $CORPUS.log --log-format=COMBINED -o $WORK/goaccess.html --no-progress"
fi
ROUNDS=$WORK/rounds-$NAME
rm -rf "$ROUNDS" && mkdir -p "$ROUNDS"
for round in $(seq 0 "$RUNS"); do
  args=() prepares=()
  for i in "${!names[@]}"; do
    # Round 1 in the order listed above (the table keeps it); round 0 starts with the last.
    j=$(( (i + round + ${#names[@]} - 1) % ${#names[@]} ))
    args+=(-n "${names[j]}" "${commands[j]}")
    prepares+=(--prepare "bash -c 'cat ${inputs[j]} > /dev/null'")
  done
  hyperfine -N --runs 1 "${prepares[@]}" --export-json "$ROUNDS/$round.json" "${args[@]}" >/dev/null
done
rm "$ROUNDS/0.json"
JSON=$WORK/hyperfine-$NAME.json
# Each command's wall times and CPU seconds (user and system), one a round, in one file laid out
# like hyperfine's (`command`, `times`, `user`, `system`; hyperfine's own `user` and `system` are
# a mean, here one value a round).
python3 - "$JSON" "$ROUNDS"/*.json <<'PY'
import json, sys
merged = {}
for path in sorted(sys.argv[2:], key=lambda p: int(p.rsplit("/", 1)[1].split(".")[0])):
    for result in json.load(open(path))["results"]:
        entry = merged.setdefault(result["command"], {"command": result["command"], "times": [], "user": [], "system": []})
        entry["times"].extend(result["times"])
        entry["user"].append(result["user"])
        entry["system"].append(result["system"])
json.dump({"results": list(merged.values())}, open(sys.argv[1], "w"), indent=1)
PY

# Peak memory of one uxchurn run on each input (GNU time's maximum resident set size), and on
# the same visitors over four times the days (its corpus made for this, gzip only).
rss_gz=$( { /usr/bin/time -f %M "$BIN" report --quiet -o "$WORK/out-gz" "$CORPUS.log.gz"; } 2>&1 | tail -1 )
rss_plain=$( { /usr/bin/time -f %M "$BIN" report --quiet -o "$WORK/out-plain" "$CORPUS.log"; } 2>&1 | tail -1 )
rss_4x=0
if [ "$SCALE" = 1 ]; then
  FOUR=$WORK/corpus-$VISITORS-4x-rss
  if [ ! -f "$FOUR.log.gz" ]; then make_corpus "$FOUR.log" $((4 * DAYS)); gzip -6 "$FOUR.log"; fi
  rss_4x=$( { /usr/bin/time -f %M "$BIN" report --quiet -o "$WORK/out-4x" "$FOUR.log.gz"; } 2>&1 | tail -1 )
fi

python3 - "$JSON" "$BYTES" "$LINES" "$rss_gz" "$rss_plain" "$NAME" "$WORK" "$(stat -c %s "$JSONLOG.log")" "$rss_4x" "$(nproc)" <<'PY'
import json, sys
path, size, lines, rss_gz, rss_plain, scale, work, json_size, rss_4x, cores = sys.argv[1:]
size, lines, json_size, rss_4x, cores = int(size), int(lines), int(json_size), int(rss_4x), int(cores)
results = json.load(open(path))["results"]
runs = {r["command"]: r["times"] for r in results}
cpu = {r["command"]: [u + s for u, s in zip(r["user"], r["system"])] for r in results}
def mid(values): return sorted(values)[len(values) // 2]
median = {k: mid(v) for k, v in runs.items()}
rows = ["| command | median s | vs pigz -dc |", "|---|---|---|"]
for name, t in median.items():
    rows.append(f"| {name} | {t:.3f} | {t / median['pigz -dc']:.2f}× |")
out = "\n".join(rows)
out += "\n\nThe targets, this run:"
out += f"\n- gzip ≤ 1.0× pigz -dc: {median['uxchurn gz'] / median['pigz -dc']:.2f}×"
gz_plain = median['uxchurn gz'] / median['uxchurn plain']
out += f"\n- gzip ≤ 1.15× plain: {gz_plain:.2f}×"
paired = sorted(gz / plain for gz, plain in zip(runs['uxchurn gz'], runs['uxchurn plain']))
out += f" (round by round: {paired[0]:.2f}–{paired[-1]:.2f}×)"
out += f"\n- plain ≥ 1 GB/s: {size / median['uxchurn plain'] / 1e9:.2f} GB/s"
if "goaccess" in median:
    out += f"\n- plain ≥ 80× GoAccess: {median['goaccess'] / median['uxchurn plain']:.1f}×"
out += (f"\n- seven rotated gzip files ≤ pigz -dc of them in sequence: "
        f"{median['uxchurn gz, seven rotated files'] / median['pigz -dc, seven rotated files in sequence']:.2f}×")
if rss_4x:
    out += f"\n- peak RSS at 4× the days < 2× at 1× (gzip): {int(rss_gz) // 1024} → {rss_4x // 1024} MiB, {rss_4x / int(rss_gz):.2f}×"
# The lowest gzip / plain the other targets allow. A gzip run does a plain run's work less the
# kernel copying the file's bytes in `read`, plus the inflate and its CRC: an extra amount of
# CPU that does not shrink as the parser gets faster. With the cores as busy in both runs,
# gzip / plain ≈ 1 + extra / (plain's CPU seconds); a plain run fast enough for 80× GoAccess
# (or 1 GB/s) has at most cores × its wall seconds of CPU, so there gzip / plain is at least
# 1 + extra / that.
extras = [g - p for g, p in zip(cpu['uxchurn gz'], cpu['uxchurn plain'])]
extra = mid(extras)
plain_cpu = mid(cpu['uxchurn plain'])
def busy(name): return mid([c / t for c, t in zip(cpu[name], runs[name])])
out += "\n\nThe lowest gzip / plain at the other targets (CPU seconds: user + system):"
out += (f"\n- medians: gzip {mid(cpu['uxchurn gz']):.2f}, plain {plain_cpu:.2f}; average cores busy (CPU s / wall s):"
        f" plain {busy('uxchurn plain'):.2f}, gzip {busy('uxchurn gz'):.2f} of {cores}")
out += (f"\n- gzip's extra CPU over plain, the median of the rounds' differences: {extra:.2f} s"
        f" (rounds: {min(extras):.2f} to {max(extras):.2f})")
if extra > 0:
    out += (f"; so gzip / plain ≈ 1 + {extra:.2f} / {plain_cpu:.2f} = {1 + extra / plain_cpu:.2f}×"
            f" (measured {gz_plain:.2f}×; target 1.15×)")
    targets = [("80× GoAccess", median['goaccess'] / 80)] if "goaccess" in median else []
    for target, wall in targets + [("1 GB/s", size / 1e9)]:
        out += (f"\n- at {target} (plain ≤ {wall:.2f} s wall, so ≤ {cores * wall:.2f} CPU s with every core busy):"
                f" gzip / plain ≥ {1 + extra / (cores * wall):.2f}× at this extra (target 1.15×)")
else:
    out += ": gzip took no more CPU than plain in the median round, so no floor follows from it"
out += f"\n\n- uxchurn on gzip: {median['uxchurn gz'] / median['pigz -dc']:.2f}× pigz -dc, {median['zcat'] / median['uxchurn gz']:.2f}× faster than zcat"
out += f"\n- gzip --jobs 1 / default --jobs: {median['uxchurn gz --jobs 1'] / median['uxchurn gz']:.2f}×"
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
