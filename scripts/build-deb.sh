#!/usr/bin/env bash
# Builds dist/uxchurn_VERSION_ARCH.deb from what `make` staged in .build/install: the binary,
# its man pages, completions and docs under /usr, and the Debian packages its libraries come
# from as dependencies (read from the binary by dpkg-shlibdeps, with the versions it needs).
# Run through `make deb`, which builds first.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=${VERSION:?run through make deb}
ARCH=$(dpkg --print-architecture)
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
PACKAGE="$ROOT/uxchurn_${VERSION}_${ARCH}"

make --no-print-directory install DESTDIR="$PACKAGE" PREFIX=/usr >/dev/null
gzip -9n "$PACKAGE"/usr/share/man/man1/*.1

# dpkg-shlibdeps reads a source package's control file; a minimal one is enough.
mkdir -p "$ROOT/debian"
printf 'Source: uxchurn\n\nPackage: uxchurn\nArchitecture: any\n' > "$ROOT/debian/control"
if ! SHLIBS=$(cd "$ROOT" && dpkg-shlibdeps -O "$PACKAGE/usr/bin/uxchurn" 2>"$ROOT/shlibdeps.err"); then
  echo "build-deb: dpkg-shlibdeps failed:" >&2; cat "$ROOT/shlibdeps.err" >&2; exit 1
fi
DEPENDS=$(printf '%s\n' "$SHLIBS" | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

mkdir -p "$PACKAGE/DEBIAN"
cat > "$PACKAGE/DEBIAN/control" <<CONTROL
Package: uxchurn
Version: $VERSION
Architecture: $ARCH
Maintainer: uxchurn contributors <uxchurn@localhost>
Depends: $DEPENDS
Section: web
Priority: optional
Installed-Size: $(du -sk "$PACKAGE/usr" | cut -f1)
Description: UX-churn reports from web shop access logs
 uxchurn reads rotated nginx, Apache, ingress, Traefik, Caddy, ALB,
 CloudFront or W3C access logs (plain or gzip) and writes a static HTML
 report: sessions, purchase funnels, where visitors leave, load-time
 percentiles and frustration signals, with thresholds for CI and a nightly
 history.
CONTROL

mkdir -p dist
rm -f dist/uxchurn_*.deb
dpkg-deb --root-owner-group --build "$PACKAGE" "dist/uxchurn_${VERSION}_${ARCH}.deb" >/dev/null
echo "dist/uxchurn_${VERSION}_${ARCH}.deb ($(du -h "dist/uxchurn_${VERSION}_${ARCH}.deb" | cut -f1); Depends: $DEPENDS)"
