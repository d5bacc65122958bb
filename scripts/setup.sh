#!/usr/bin/env bash
# Installs whatever `npm test` and `npm start` need and is not there yet:
# Debian packages (only the missing ones) and node_modules (npm ci when it is
# missing or older than package-lock.json). Quick and silent-ish when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang and libclang-rt-14-dev: the libFuzzer targets (scripts/fuzz.mjs), which
# need clang's compiler and its libFuzzer + sanitizer runtimes.
packages=(emscripten nlohmann-json3-dev googletest libgtest-dev libbenchmark-dev cmake g++ clang libclang-rt-14-dev chromium python3)
missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then sudo=(sudo -n); else
      echo "setup: not root and no sudo; install these packages first: ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" </dev/null
fi

# node_modules is stale when the lock file it was installed from differs.
stamp=node_modules/.durable-lab-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
have=$(cat "$stamp" 2>/dev/null || true)
if [[ ! -d node_modules || "$want" != "$have" ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error </dev/null
  echo "$want" >"$stamp"
fi
echo "setup: toolchain and node_modules ready"
