#!/usr/bin/env bash
# Makes Debian's scikit-learn and xgboost Python packages importable by
# /usr/bin/python3 for bench/compare_sklearn.py, and prints the PYTHONPATH to use.
#
# Why not plain `apt-get install python3-sklearn python3-xgboost`: on Debian 12
# both pull python3-scipy → python3-pythran → libboost-dev (1.74), which
# conflicts with the libboost1.81-dev InsightCRM builds with. So the packages
# without that chain are installed normally, and the four that need it are
# fetched with `apt-get download` and unpacked into a private directory
# (scipy only needs pythran to build extensions, not to run).
set -euo pipefail

dest=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/insightcrm-bench-python}
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)

need=()
for p in python3-pandas python3-numpy python3-decorator python3-joblib python3-threadpoolctl \
         liblbfgsb0 libgfortran5 liblapack3 libblas3 libxgboost0; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == "install ok installed" ]] || need+=("$p")
done
if [[ ${#need[@]} -gt 0 ]]; then
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

site="$dest/usr/lib/python3/dist-packages"
if [[ ! -d "$site/sklearn" || ! -d "$site/xgboost" || ! -d "$site/scipy" ]]; then
  mkdir -p "$dest/debs"
  (cd "$dest/debs" && apt-get download python3-scipy python3-sklearn python3-sklearn-lib python3-xgboost >&2)
  for deb in "$dest"/debs/*.deb; do dpkg-deb -x "$deb" "$dest"; done
  # The package's relative link to libxgboost.so.0 points outside the private tree.
  ln -sf /usr/lib/x86_64-linux-gnu/libxgboost.so.0 "$site/xgboost/lib/libxgboost.so"
fi
echo "$site"
