#!/usr/bin/env bash
# Fuzzes the log-line parser and the configuration loader with libFuzzer (and AddressSanitizer)
# for FUZZ_SECONDS each (default 120), from seed corpora made of fixtures/ and, when present,
# ../shared/realdata. A crash prints its input's path and stack and makes this script fail;
# `swift build --product fuzz-line-parser` (no fuzzing) then replays that input:
# `.build/debug/fuzz-line-parser crash-…`.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-120}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for target in fuzz-line-parser fuzz-configuration; do
  UXCHURN_FUZZ=1 swift build --scratch-path .build-fuzz --product "$target" 2>&1 | tail -n 1
done

# Seeds: single lines of every log we have (lines are what the parser sees), a few with a
# custom format string on the line before, and every configuration.
mkdir -p "$WORK/lines" "$WORK/config"
seed_lines() {  # file: its first 40 lines, one a file (the reader stops early: no pipefail)
  (set +o pipefail; zcat -f "$1" 2>/dev/null | head -n 40 | split -l 1 -a 4 - "$WORK/lines/$(basename "$1")-")
}
for log in fixtures/sample/* fixtures/golden/access.log* fixtures/conformance/*/access.log* fixtures/documented/*.log; do seed_lines "$log"; done
# W3C rows after their `#Fields:` directive, as the target reads a first line.
for log in fixtures/documented/w3c.log fixtures/documented/cloudfront.log; do
  { grep '^#Fields:' "$log" | head -n 1; grep -v '^#' "$log" | head -n 1; } > "$WORK/lines/directive-$(basename "$log")"
done
if [ -d ../shared/realdata ]; then
  for log in ../shared/realdata/*.log ../shared/realdata/*.gz; do [ -f "$log" ] && seed_lines "$log"; done
fi
head -n 1 fixtures/sample/access.log | sed 's/^/%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D\n/' > "$WORK/lines/custom-apache"
head -n 1 fixtures/sample/access.log | sed 's/^/$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time\n/' > "$WORK/lines/custom-nginx"
for config in fixtures/*.yml fixtures/*/uxchurn.yml fixtures/conformance/*/uxchurn.yml; do
  cp "$config" "$WORK/config/$(echo "$config" | tr / _)"
done
echo "seeds: $(ls "$WORK/lines" | wc -l) lines, $(ls "$WORK/config" | wc -l) configurations"

status=0
run() {  # target corpus
  mkdir -p "$WORK/$1-findings"
  if ! ".build-fuzz/debug/$1" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="$WORK/$1-findings/" "$2" > "$WORK/$1.log" 2>&1; then
    tail -n 60 "$WORK/$1.log"
    for finding in "$WORK/$1-findings"/*; do [ -f "$finding" ] && { echo "finding: $finding"; xxd "$finding" | head -n 20; }; done
    status=1
  fi
  echo "$1: $(grep -E '^stat::number_of_executed_units' "$WORK/$1.log" | awk '{print $2}') inputs in ${SECONDS_EACH}s, $(grep -cE 'ERROR|crash-' "$WORK/$1.log" || true) errors"
}
run fuzz-line-parser "$WORK/lines"
run fuzz-configuration "$WORK/config"
exit $status
