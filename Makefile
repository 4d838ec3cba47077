# InsightCRM — the two commands of the README are `make demo` and `make test`.
# Each installs what is missing (apt), builds, and does its job.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
DEMO_DB ?= sqlite:data/demo.db
DEMO_PORT ?= 8080

# Let ccache share objects between clones and worktrees of this repository.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps build binary test demo bench clean format format-check web web-test e2e fuzz

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)
	@$(MAKE) --no-print-directory web

# Only what `make demo` runs: the binary (no test or benchmark targets).
binary: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) --target insightcrm -j $(JOBS)

# --- the dashboard (web/) ------------------------------------------------------
# npm ci runs only when node_modules is missing or the lock file changed (npm
# writes node_modules/.package-lock.json on every install); the bundle is
# rebuilt only when a source changed. A second `make build` does neither.
# When npm ci refuses the lock because the registry in use lacks other
# platforms' optional packages (rollup's native builds; npm/cli#4828), npm
# install from the same lock is used instead; it leaves the lock as it is.
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json

web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	cd web && { npm ci --no-audit --no-fund || { echo "make: npm ci refused the lock; installing from it with npm install"; npm install --no-audit --no-fund; }; }
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run --silent build

web: web/dist/index.html

web-test: web/node_modules/.package-lock.json
	cd web && npm run --silent lint && npm run --silent format:check && npx vitest run

# End-to-end: the real server on a fresh demo database, Debian's Chromium.
e2e: web
	cd web && ICRM_BINARY=$(abspath $(BUILD_DIR))/insightcrm npx playwright test

test: format-check build
	ICRM_REQUIRE_PG=1 bash scripts/with-postgres.sh ctest --test-dir $(BUILD_DIR) -j $(JOBS) --output-on-failure --timeout 600
	@$(MAKE) --no-print-directory web-test
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory fuzz

# --- fuzzing (fuzz/) ------------------------------------------------------------
# libFuzzer targets built with clang++ and ASan+UBSan in their own build
# directory from only the sources they read, then each run for FUZZ_SECONDS;
# any crash fails. FUZZ_SECONDS=600 make fuzz for a longer hunt.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 20

$(FUZZ_DIR)/build.ninja: fuzz/CMakeLists.txt
	cmake -S fuzz -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

fuzz: deps $(FUZZ_DIR)/build.ninja
	cmake --build $(FUZZ_DIR) -j $(JOBS)
	bash scripts/run-fuzzers.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

demo: binary web
	bash scripts/demo.sh $(BUILD_DIR)/insightcrm "$(DEMO_DB)" $(DEMO_PORT)

bench: build
	cmake --build $(BUILD_DIR) --target benchmarks -j $(JOBS)
	@echo "benchmarks built in $(BUILD_DIR)/bench; see bench/README.md"

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

# The committed .clang-format, checked (Debian's clang-format 14; make format fixes).
format-check: deps
	@clang-format --dry-run --Werror $$(git ls-files '*.h' '*.cc') \
	  || { echo "make: files above are not clang-formatted; run 'make format'"; exit 1; }

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
