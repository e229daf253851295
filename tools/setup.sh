#!/usr/bin/env bash
# Installs bvr's dependencies (Debian 12 packages) when any is missing, the pinned charting
# libraries report.html inlines (npm, tools/report-assets/), then configures and builds bvr in
# build/ (Release). Safe to run again: it only does what is not done yet.
#   --fuzz     also clang with libFuzzer and the sanitizers (tools/fuzz.sh)
#   --browser  also Chromium, for the report's headless-browser test (tools/test-report-browser.sh)
#   --slurm    also Debian's Slurm 22.05 (slurmctld, slurmd, client commands) and munge, which
#              Slurm authenticates with (tools/test-slurm.sh).
#   --workbook also LibreOffice Calc (headless) and python3-openpyxl, with which a test recomputes
#              cashflows.xlsx's formulas and edits its discount-rate cell. Options can be combined.
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
  libxlsxwriter-dev              # cashflows.xlsx
  doctest-dev                    # tests
)

# Extras on request (see above).
for flag in "$@"; do
  case "$flag" in
    --fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;
    --browser) packages+=(chromium) ;;
    --slurm) packages+=(slurmctld slurmd slurm-client munge) ;;
    --workbook) packages+=(libreoffice-calc-nogui python3-openpyxl) ;;
    *) echo "setup: unknown option $flag" >&2; exit 2 ;;
  esac
done
# Node.js and npm fetch the charting libraries; any Node.js from 18 on will do (Debian 12 has 18).
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

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

# The charting libraries, at the versions of the committed lock file. `npm ci` again only when
# the lock file changed since the last install (its hash is kept next to the packages).
assets=tools/report-assets
lock_hash="$(sha256sum "$assets/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$assets/node_modules/.bvr-lock-sha256" 2>/dev/null)" != "$lock_hash" ] || [ ! -f "$assets/dist/vega.min.js" ]; then
  echo "setup: installing the report's charting libraries (npm ci in $assets)"
  (cd "$assets" && npm ci --no-audit --no-fund --loglevel=error && node bundle.js)
  echo "$lock_hash" > "$assets/node_modules/.bvr-lock-sha256"
fi

build_type="${BVR_BUILD_TYPE:-Release}"
cmake -S . -B build -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
cmake --build build -j "$(nproc)"
