#!/usr/bin/env bash
# Re-create the vendored axe-core (tools/audit/vendor/) from the npm registry, at the version
# tools/audit/package-lock.json pins: the accessibility test (tests/test_accessibility.py) runs
# it offline, and `make audit` runs the same file, so both agree with the axe-core Lighthouse
# uses there. The tarball must match the lock's integrity hash, so a re-vendor cannot silently
# change the code; the hash is recorded beside the file and checked by the test.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
lock="$here/tools/audit/package-lock.json"
dest="$here/tools/audit/vendor"
read -r version expected < <(python3 -c '
import json, sys
entry = json.load(open(sys.argv[1]))["packages"]["node_modules/axe-core"]
print(entry["version"], entry["integrity"])' "$lock")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
tgz=$(npm pack --silent "axe-core@$version")
actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$expected" != "$actual" ]; then
  echo "integrity mismatch for axe-core@$version: lock has $expected, tarball is $actual" >&2
  exit 1
fi
tar -xzf "$tgz"
mkdir -p "$dest"
cp package/axe.min.js "$dest/axe.min.js"
cp package/LICENSE "$dest/axe-core.LICENSE"
cp package/LICENSE-3RD-PARTY.txt "$dest/axe-core.LICENSE-3RD-PARTY.txt"  # code axe.min.js bundles
{
  echo "axe-core@$version $actual"
  echo "axe.min.js sha256-$(openssl dgst -sha256 -binary "$dest/axe.min.js" | base64 -w0)"
} > "$dest/INTEGRITY"
cat "$dest/INTEGRITY"
