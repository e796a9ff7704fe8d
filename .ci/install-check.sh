#!/usr/bin/env bash
# Installs uxchurn as the README says, both ways, and uses it as a stranger would: from
# `make install` and from the .deb, `man uxchurn`, completion of `uxchurn re<TAB>` in bash (found
# by bash-completion's loader), fish and zsh, and a report on a sample from another directory.
# Run by .ci/run as root on a throwaway machine (it installs into /usr/local and /usr, then
# removes both); without root, `make install` goes to a scratch prefix and the .deb is only built.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# A report from a directory that is not the clone, with nothing but the installed files.
use() {  # uxchurn binary, label
  (cd "$WORK" && rm -rf logs report \
    && "$1" sample-logs logs --days 2 --visitors 200 2>/dev/null \
    && "$1" report --quiet -o report logs)
  [ -s "$WORK/report/index.html" ] && [ -s "$WORK/report/summary.json" ] || { echo "$2: no report"; exit 1; }
  echo "$2: report on the sample from $WORK: ok ($(du -sh "$WORK/report" | cut -f1))"
}

# `uxchurn re<TAB>` in bash (the completion found where bash-completion looks for it) and fish;
# zsh's compinit finding it.
complete_shells() {  # label, prefix
  local words
  words=$(bash -c 'source /usr/share/bash-completion/bash_completion
    __load_completion uxchurn || exit 1
    COMP_LINE="uxchurn re"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(uxchurn re); COMP_CWORD=1
    _uxchurn uxchurn re uxchurn; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "')
  [ "$words" = "reduce report " ] || { echo "$1: bash completes 'uxchurn re' to '$words'"; exit 1; }
  local fish_words
  # fish reads PREFIX/share/fish only when XDG_DATA_DIRS lists PREFIX/share (desktop sessions do).
  fish_words=$(XDG_DATA_DIRS="$2/share:/usr/share" fish -c 'complete -C "uxchurn re"' | cut -f1 | sort | tr "\n" " ")
  [ "$fish_words" = "reduce report " ] || { echo "$1: fish completes 'uxchurn re' to '$fish_words'"; exit 1; }
  # zsh's compinit finds the completion function for uxchurn on its default fpath.
  zsh -fc 'autoload -Uz compinit && compinit -u -D && [[ ${_comps[uxchurn]} == _uxchurn ]]' \
    || { echo "$1: zsh's compinit does not find _uxchurn"; exit 1; }
  echo "$1: uxchurn re<TAB> → report, reduce (bash, fish); zsh's compinit finds _uxchurn"
}

manual() {  # label
  man uxchurn 2>/dev/null | grep -q "Turn a web shop's access logs into a UX-churn report" \
    || { echo "$1: man uxchurn does not show the manual"; exit 1; }
  man uxchurn.report 2>/dev/null | grep -q -- "--state-wait" \
    || { echo "$1: man uxchurn.report does not show report's options"; exit 1; }
  echo "$1: man uxchurn, man uxchurn.report: ok"
}

if [ "$(id -u)" != 0 ]; then
  make --no-print-directory install PREFIX="$WORK/prefix" >/dev/null
  use "$WORK/prefix/bin/uxchurn" "make install (scratch prefix)"
  make --no-print-directory deb
  echo "not root: the .deb was built, not installed"
  exit 0
fi

make --no-print-directory install PREFIX=/usr/local >/dev/null
[ "$(command -v uxchurn)" = /usr/local/bin/uxchurn ] || { echo "make install: uxchurn is not on PATH"; exit 1; }
use uxchurn "make install"
manual "make install"
complete_shells "make install" /usr/local
[ -s /usr/local/share/doc/uxchurn/docs/configuration.md ] || { echo "make install: docs missing"; exit 1; }
[ -s /usr/local/share/uxchurn/spark/uxchurn_spark.py ] || { echo "make install: the Spark driver missing"; exit 1; }
make --no-print-directory uninstall PREFIX=/usr/local >/dev/null
left=$(find /usr/local -name '*uxchurn*' -print -quit)
[ -z "$left" ] || { echo "make uninstall left: $left"; exit 1; }
echo "make uninstall: every file removed"

make --no-print-directory deb
DEB=$(echo dist/uxchurn_*.deb)
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$DEB" >/dev/null
[ "$(command -v uxchurn)" = /usr/bin/uxchurn ] || { echo ".deb: uxchurn is not /usr/bin/uxchurn"; exit 1; }
dpkg-deb -f "$DEB" Depends | grep -q libsqlite3-0 || { echo ".deb: Depends lacks libsqlite3-0"; exit 1; }
use uxchurn ".deb"
manual ".deb"
complete_shells ".deb" /usr
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq uxchurn >/dev/null
[ ! -e /usr/bin/uxchurn ] || { echo ".deb: apt-get remove left /usr/bin/uxchurn"; exit 1; }
echo ".deb: $DEB ($(du -h "$DEB" | cut -f1); Depends: $(dpkg-deb -f "$DEB" Depends)) installed, used and removed"
