#!/usr/bin/env bash
# Installs bvr's dependencies (Debian 12 packages) when any is missing, then configures and
# builds bvr in build/ (Release). Safe to run again: it only does what is not done yet.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake make pkg-config
  libsimgrid-dev                 # discrete-event engine
  libboost-graph-dev             # fabric topologies
  libboost-program-options-dev   # command line
  libyaml-cpp-dev                # scenario files
  libfmt-dev                     # formatting
  nlohmann-json3-dev             # results.json
  doctest-dev                    # tests
)

# tools/setup.sh --fuzz adds what tools/fuzz.sh needs: clang with libFuzzer and the sanitizers.
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_type="${BVR_BUILD_TYPE:-Release}"
cmake -S . -B build -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
cmake --build build -j "$(nproc)"
