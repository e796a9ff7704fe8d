#!/usr/bin/env bash
# Every output of two uxchurn binaries, compared byte for byte: for a change that must not change
# behaviour (a restructuring, a speed-up).
#
#   bash bench/same-outputs.sh OLD_BINARY NEW_BINARY
#
# Runs each binary over fixtures/sample, the golden and wild shops and every realdata log of
# ../shared (when present), every conformance case, and a sample-logs run of 50,000 visitors over
# 5 days, each report with --jobs 1 and --jobs 2; map | sort | reduce | merge; check with JUnit;
# init (a preset and fitted); formats; every --help; two --state nights and history. Report
# folders, standard output and error and exit codes must be identical. The partial results
# between reduce and merge are compared as parsed JSON, without their version and configuration
# fingerprint, which a change may bump. Prints the differences; exit 1 when there are any.
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY" >&2; exit 2; }
export SWIFT_DETERMINISTIC_HASHING=1  # the same dictionary order in both runs
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SHARED=../shared
"$1" sample-logs "$WORK/big" --visitors 50000 --days 5 2>/dev/null

outputs() {  # BIN OUT
  local BIN=$1 OUT=$2
  mkdir -p "$OUT"
  run() { local name=$1; shift; "$BIN" report --quiet "$@" -o "$OUT/$name" > "$OUT/$name.stdout" 2> "$OUT/$name.stderr"; echo $? > "$OUT/$name.rc"; }
  for j in 1 2; do
    run sample-j$j --jobs $j fixtures/sample
    run big-j$j --jobs $j "$WORK/big"
    [ -d $SHARED/golden ] && run golden-j$j --jobs $j -c $SHARED/golden/uxchurn.yml $SHARED/golden
    [ -d $SHARED/golden-wild ] && run wild-j$j --jobs $j -c $SHARED/golden-wild/uxchurn.yml $SHARED/golden-wild
  done
  for c in fixtures/conformance/*/; do run conf-$(basename "$c") -c "$c/uxchurn.yml" "$c"; done
  for d in $SHARED/realdata/*.log*; do [ -f "$d" ] && run real-$(basename "$d") "$d"; done
  for g in golden big; do
    if [ $g = golden ]; then D=fixtures/golden; C=(-c fixtures/golden/uxchurn.yml); else D=$WORK/big; C=(); fi
    rank=0
    for f in $("$BIN" map --plan "$D"); do "$BIN" map "${C[@]}" --rank $rank "$f"; rank=$((rank + 1)); done \
      | LC_ALL=C sort | "$BIN" reduce "${C[@]}" > "$OUT/$g.partial"
    "$BIN" merge --quiet "${C[@]}" -o "$OUT/$g-merged" "$OUT/$g.partial" > "$OUT/$g-merged.stdout" 2>&1
  done
  "$BIN" check -c fixtures/check.yml --junit "$OUT/junit.xml" fixtures/golden > "$OUT/check.txt" 2>&1; echo $? >> "$OUT/check.txt"
  "$BIN" init --preset magento -o "$OUT/init.yml" > "$OUT/init.txt" 2>&1
  "$BIN" init fixtures/sample -o "$OUT/init-fit.yml" > "$OUT/init-fit.txt" 2>&1
  "$BIN" formats > "$OUT/formats.txt" 2>&1
  "$BIN" --help > "$OUT/help.txt" 2>&1
  for s in report check init history formats sample-logs map reduce merge; do "$BIN" help $s > "$OUT/help-$s.txt" 2>&1; done
  for n in 1 2; do "$BIN" report --quiet --state "$OUT/state.db" -o "$OUT/state-$n" fixtures/sample > /dev/null 2>&1; done
  "$BIN" history --state "$OUT/state.db" 2>&1 | sed -E "s/20[0-9-]+T[0-9:+-]+//; s|$OUT|OUT|" > "$OUT/history.txt"
  rm -f "$OUT/state.db"
  sed -i "s|$OUT|OUT|g" "$OUT/init.txt" "$OUT/init-fit.txt"
}
outputs "$1" "$WORK/old"
outputs "$2" "$WORK/new"
status=0
diff -r -x '*.partial' "$WORK/old" "$WORK/new" && echo "reports, messages, exit codes: identical" || status=1
python3 - "$WORK" <<'PY' || status=1
import json, sys
work = sys.argv[1]
def norm(x):
    if isinstance(x, dict): return {k: norm(v) for k, v in x.items()}
    if isinstance(x, list): return sorted((norm(v) for v in x), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(x, float) and x == int(x): return int(x)
    return x
bad = False
for g in ["golden", "big"]:
    a, b = (json.loads(open(f"{work}/{side}/{g}.partial").read()) for side in ("old", "new"))
    for d in (a, b):
        d.pop("configuration", None); d.pop("uxchurnPartial", None)
    same = norm(a) == norm(b)
    print(f"partial results ({g}): {'the same figures' if same else 'DIFFER'}")
    bad |= not same
sys.exit(1 if bad else 0)
PY
exit $status
