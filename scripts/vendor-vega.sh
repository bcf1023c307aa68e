#!/usr/bin/env bash
# Re-create the vendored Vega libraries from the npm registry at pinned versions.
# The versions match those bundled in vl-convert-python (the static renderer), so the
# interactive chart and its static fallback come from the same Vega release.
# Integrity hashes are checked so a re-vendor cannot silently change the code.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/src/appcontest/sphinxext/static/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A files=(
  [vega@6.2.0]="build/vega.min.js"
  [vega-lite@6.4.1]="build/vega-lite.min.js"
  [vega-embed@7.0.2]="build/vega-embed.min.js"
)
cd "$tmp"
for spec in "${!files[@]}"; do
  name=${spec%@*}
  tgz=$(npm pack --silent "$spec")
  expected=$(grep "^$spec " "$dest/INTEGRITY" | cut -d' ' -f2 || true)
  actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [ -n "$expected" ] && [ "$expected" != "$actual" ]; then
    echo "integrity mismatch for $spec: expected $expected, got $actual" >&2
    exit 1
  fi
  mkdir -p "$name" && tar -xzf "$tgz" -C "$name"
  cp "$name/package/${files[$spec]}" "$dest/$name.min.js"
  cp "$name/package/LICENSE" "$dest/$name.LICENSE"
  echo "$spec $actual"
done
