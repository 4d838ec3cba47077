#!/usr/bin/env bash
# Installs the Debian packages InsightCRM builds and tests with, and only those
# that are missing, so a second run installs nothing. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git python3
  # clang-format checks the committed style (make format-check, run by make test).
  clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsoci-dev libsqlite3-dev libpq-dev sqlite3
  postgresql-15 postgresql-client-15
  libxgboost-dev liblinear-dev librdkafka-dev libeigen3-dev
  # UTF-8 validation (core/text.cc): UTF8-CPP instead of hand-written decoders.
  libutfcpp-dev
  # Local times of the UK data set (uk_local_to_utc): the date library's time
  # zones over the system tzdata.
  libhowardhinnant-date-dev tzdata
  libcli11-dev libspdlog-dev libfmt-dev libsodium-dev
  # Webhooks: libcurl sends the signed POSTs (http and https, timeouts,
  # redirects off); OpenSSL computes their HMAC-SHA256.
  libcurl4-openssl-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk curl
  valgrind
  # make fuzz: libFuzzer targets (fuzz/) built with clang++ -fsanitize=fuzzer,
  # whose runtime is in libclang-rt.
  clang-14 libclang-rt-14-dev
  # The dashboard's end-to-end tests drive Debian's Chromium (playwright-core
  # with executablePath /usr/bin/chromium; no browser is ever downloaded).
  chromium chromium-driver
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
