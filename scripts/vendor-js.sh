#!/usr/bin/env bash
# Refresh the JavaScript libraries vendored into inaproc/static/vendor/ (docs/sealed-bids.md,
# "Browser libraries"). Run by hand when a version changes; `make run` never needs Node or
# this script, the vendored files are committed.
#
# For each package: ask the npm registry (https://registry.npmjs.org) for the version's
# tarball URL and sha512 integrity, download the tarball, check it against that integrity,
# extract only the files the pages use, apply the documented rewrites, and write LICENSE and
# VERSION beside them. Needs bash, curl, python3, tar, openssl.
#
# Rewrites (the only changes to the published files):
#   - shamir-secret-sharing: its ES module imports `shamir-secret-sharing/csprng` by bare
#     name; the browser cannot resolve that without an import map (an inline script, which
#     the CSP forbids), so it becomes `./csprng.js`.
#   - every file: the trailing `//# sourceMappingURL=…` comment is removed (the maps are not
#     vendored, and Django's manifest storage refuses a reference to a missing file).
set -euo pipefail

SHAMIR_VERSION=0.0.4
TUS_VERSION=4.3.1
NOBLE_HASHES_VERSION=2.4.0

REGISTRY=https://registry.npmjs.org
root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/inaproc/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch NAME VERSION -> extracts the verified tarball into $work/NAME/package, writes
# $work/NAME.version
fetch() {
  local name="$1" version="$2" meta tarball integrity expected actual dir
  dir="$work/${name//\//_}"
  mkdir -p "$dir"
  meta="$(curl -fsSL "$REGISTRY/$name/$version")"
  tarball="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["dist"]["tarball"])' "$meta")"
  integrity="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["dist"]["integrity"])' "$meta")"
  case "$integrity" in
    sha512-*) expected="${integrity#sha512-}" ;;
    *) echo "$name@$version: the registry gives no sha512 integrity ($integrity)" >&2; exit 1 ;;
  esac
  curl -fsSL -o "$dir/package.tgz" "$tarball"
  actual="$(openssl dgst -sha512 -binary "$dir/package.tgz" | openssl base64 -A)"
  if [ "$actual" != "$expected" ]; then
    echo "$name@$version: integrity mismatch (registry $expected, downloaded $actual)" >&2
    exit 1
  fi
  tar -xzf "$dir/package.tgz" -C "$dir"
  printf 'name: %s\nversion: %s\ntarball: %s\nintegrity: %s\n' \
    "$name" "$version" "$tarball" "$integrity" >"$dir/VERSION"
  echo "$name@$version: $integrity OK" >&2
}

# install NAME TARGET FILE... : copy FILE (relative to the package) flat into TARGET
install_files() {
  local name="$1" target="$2" dir file
  shift 2
  dir="$work/${name//\//_}"
  rm -rf "$target"
  mkdir -p "$target"
  cp "$dir/package/LICENSE" "$dir/VERSION" "$target/"
  for file in "$@"; do
    sed -e '/^\/\/# sourceMappingURL=/d' "$dir/package/$file" >"$target/$(basename "$file")"
  done
}

fetch shamir-secret-sharing "$SHAMIR_VERSION"
install_files shamir-secret-sharing "$vendor/shamir-secret-sharing" esm/index.js esm/csprng.js
sed -i -e "s#from 'shamir-secret-sharing/csprng'#from './csprng.js'#" \
  "$vendor/shamir-secret-sharing/index.js"
if grep -q "shamir-secret-sharing/csprng" "$vendor/shamir-secret-sharing/index.js"; then
  echo "shamir-secret-sharing: the csprng import was not rewritten" >&2
  exit 1
fi

fetch tus-js-client "$TUS_VERSION"
install_files tus-js-client "$vendor/tus-js-client" dist/tus.min.js

# Only SHA-256 (incremental) is needed: sha2.js and the three modules it imports.
fetch @noble/hashes "$NOBLE_HASHES_VERSION"
install_files @noble/hashes "$vendor/noble-hashes" sha2.js _md.js _u64.js utils.js
if grep -h "^import" "$vendor/noble-hashes/"*.js | grep -v "from \"\./" ; then
  echo "@noble/hashes: an import outside the vendored files" >&2
  exit 1
fi

echo "Vendored into $vendor" >&2
