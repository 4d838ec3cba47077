#!/usr/bin/env python3
"""The architecture, checked: a stage under src/ includes only itself, core/
and the stages to its left (docs/architecture.md, "Stages"). Exit 1 with
every leftward-breaking include located (file:line), 0 when the graph holds.

  scripts/check_layers.py [SRC_DIR]      # default: src/ beside this script
  scripts/check_layers.py --self-test    # proves the check fails on a bad tree
"""
import os
import re
import sys
import tempfile

# Left to right. A stage may include any stage before it in this list.
STAGES = ["core", "store", "ingest", "stream", "features", "models", "decide", "notify",
          "app", "api", "cli"]
RANK = {s: i for i, s in enumerate(STAGES)}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([A-Za-z_]+)/[^"]+"')


def violations(src):
    found = []
    unknown = []
    for stage in sorted(os.listdir(src)):
        path = os.path.join(src, stage)
        if not os.path.isdir(path):
            continue
        if stage not in RANK:
            unknown.append(stage)
            continue
        for root, _, files in os.walk(path):
            for name in sorted(files):
                if not name.endswith((".h", ".cc")):
                    continue
                file = os.path.join(root, name)
                with open(file, encoding="utf-8", errors="replace") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m or m.group(1) not in RANK:
                            continue
                        target = m.group(1)
                        if RANK[target] > RANK[stage]:
                            found.append(f"{os.path.relpath(file, os.path.dirname(src))}:{n}: "
                                         f"{stage}/ includes {target}/ (to its right): {line.strip()}")
    return found, unknown


def check(src):
    found, unknown = violations(src)
    for stage in unknown:
        print(f"check_layers: src/{stage}/ is not a known stage; add it to STAGES in its place")
    for v in found:
        print(v)
    if found or unknown:
        print(f"check_layers: {len(found)} include(s) against the stage order "
              f"{' < '.join(STAGES)}")
        return 1
    print(f"check_layers: the include graph of {src} follows {' < '.join(STAGES)}")
    return 0


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(os.path.join(src, "store"))
        os.makedirs(os.path.join(src, "api"))
        with open(os.path.join(src, "api", "ok.cc"), "w") as f:
            f.write('#include "store/a.h"\n')
        if violations(src)[0]:
            print("check_layers self-test: a rightward include was flagged")
            return 1
        with open(os.path.join(src, "store", "bad.h"), "w") as f:
            f.write('#pragma once\n#include "api/router.h"\n')
        found, _ = violations(src)
        if len(found) != 1 or "store/bad.h:2" not in found[0]:
            print(f"check_layers self-test: a leftward include was not found: {found}")
            return 1
    print("check_layers self-test: a leftward include is found and located")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    sys.exit(check(os.path.normpath(sys.argv[1] if len(sys.argv) > 1 else default)))
