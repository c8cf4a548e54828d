# Stockroom: the two commands of the README are `make run` and `make test`.
# Each installs its Debian dependencies first (scripts/install-deps.sh, idempotent).

JOBS ?= $(shell nproc)
RELEASE_DIR := build/release
ASAN_DIR := build/asan
CMAKE_FLAGS := -DSTOCKROOM_WERROR=ON
ARGS ?=

.PHONY: all deps test-deps build run test test-release test-asan bench clean

all: build

deps:
	@scripts/install-deps.sh

# The npm packages of the interoperability tests (after deps, which installs node and npm).
test-deps: deps
	@scripts/install-node-deps.sh

$(RELEASE_DIR)/CMakeCache.txt:
	cmake -S . -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

$(ASAN_DIR)/CMakeCache.txt:
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DSTOCKROOM_SANITIZE=ON $(CMAKE_FLAGS)

build: deps $(RELEASE_DIR)/CMakeCache.txt
	cmake --build $(RELEASE_DIR) -j$(JOBS)

# Starts the server on 127.0.0.1:8080 with its data in ./var. Extra options: make run ARGS="--listen 0.0.0.0:8080"
run: build
	$(RELEASE_DIR)/stockroom serve $(ARGS)

# Every test: unit tests, the layering check and the black-box HTTP tests, first on the
# release build, then again under AddressSanitizer + UndefinedBehaviorSanitizer.
test: test-release test-asan

test-release: build test-deps
	ctest --test-dir $(RELEASE_DIR) --output-on-failure -j$(JOBS)

test-asan: test-deps $(ASAN_DIR)/CMakeCache.txt
	cmake --build $(ASAN_DIR) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_DIR) --output-on-failure -j$(JOBS)

clean:
	rm -rf build
