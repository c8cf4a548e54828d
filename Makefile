# Stockroom: the two commands of the README are `make run` and `make test`.
# Each installs its Debian dependencies first (scripts/install-deps.sh, idempotent).

JOBS ?= $(shell nproc)
RELEASE_DIR := build/release
ASAN_DIR := build/asan
CMAKE_FLAGS := -DSTOCKROOM_WERROR=ON
ARGS ?=

.PHONY: all deps test-deps build run test test-release test-asan bench clean
.PHONY: fuzz-deps fuzz-build fuzz-smoke fuzz fuzz-corpus bench-deps bench-build bench-ledger

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
# release build, then again under AddressSanitizer + UndefinedBehaviorSanitizer, then each
# fuzzer for 30 s.
test: test-release test-asan fuzz-smoke

test-release: build test-deps
	ctest --test-dir $(RELEASE_DIR) --output-on-failure -j$(JOBS)

test-asan: test-deps $(ASAN_DIR)/CMakeCache.txt
	cmake --build $(ASAN_DIR) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_DIR) --output-on-failure -j$(JOBS)

# Fuzzing (fuzz/README.md): clang libFuzzer + ASan + UBSan over the jose library, in its own
# build directory. fuzz-smoke runs each fuzzer for 30 s (CTest); fuzz runs each for FUZZ_SECONDS.
FUZZ_DIR := build/fuzz
FUZZ_SECONDS ?= 600
FUZZERS ?= verify_fuzzer jwk_fuzzer

fuzz-deps:
	@scripts/install-deps.sh fuzz

$(FUZZ_DIR)/CMakeCache.txt:
	cmake -S . -B $(FUZZ_DIR) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSTOCKROOM_FUZZ=ON -DSTOCKROOM_TESTS=OFF $(CMAKE_FLAGS)

fuzz-build: fuzz-deps $(FUZZ_DIR)/CMakeCache.txt
	cmake --build $(FUZZ_DIR) -j$(JOBS)

fuzz-smoke: fuzz-build
	ctest --test-dir $(FUZZ_DIR) --output-on-failure -L fuzz -j$(JOBS)

fuzz: fuzz-build
	@for f in $(FUZZERS); do fuzz/run.sh $(FUZZ_DIR) $$f $(FUZZ_SECONDS) || exit 1; done

# Rewrites the seed corpora in fuzz/corpus/ (tokens signed with the keys of fuzz/fuzz_keys.h).
fuzz-corpus: fuzz-build
	$(FUZZ_DIR)/fuzz/make_corpus fuzz/corpus

# Benchmarks (bench/README.md): jose verify and sign against bare OpenSSL and libjwt, Release.
BENCH_DIR := build/bench
BENCH_ARGS ?= --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

bench-deps:
	@scripts/install-deps.sh bench

$(BENCH_DIR)/CMakeCache.txt:
	cmake -S . -B $(BENCH_DIR) -DCMAKE_BUILD_TYPE=Release -DSTOCKROOM_BENCH=ON -DSTOCKROOM_TESTS=OFF $(CMAKE_FLAGS)

bench-build: bench-deps $(BENCH_DIR)/CMakeCache.txt
	cmake --build $(BENCH_DIR) -j$(JOBS) --target jose_bench auth_bench

bench: bench-build
	$(BENCH_DIR)/bench/jose_bench $(BENCH_ARGS) --benchmark_out=$(BENCH_DIR)/jose_bench.json \
	  --benchmark_out_format=json
	$(BENCH_DIR)/bench/auth_bench $(BENCH_ARGS)

# The ledger at scale (bench/README.md): 10k, 100k and 1M items with 5 movements each in SQLite,
# and durable throughput under concurrent clients; about 6-8 minutes. Own build directory.
BENCH_LEDGER_DIR := build/bench-ledger
LEDGER_ARGS ?= --out=$(BENCH_LEDGER_DIR)/ledger_bench.md

$(BENCH_LEDGER_DIR)/CMakeCache.txt:
	cmake -S . -B $(BENCH_LEDGER_DIR) -DCMAKE_BUILD_TYPE=Release -DSTOCKROOM_BENCH=ON -DSTOCKROOM_TESTS=OFF $(CMAKE_FLAGS)

bench-ledger: bench-deps $(BENCH_LEDGER_DIR)/CMakeCache.txt
	cmake --build $(BENCH_LEDGER_DIR) -j$(JOBS) --target ledger_bench
	$(BENCH_LEDGER_DIR)/bench/ledger_bench $(LEDGER_ARGS)

clean:
	rm -rf build
