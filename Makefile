# Konfid: the two commands of the README, and a few more.
#   make run            install what is missing, build, start Konfid with the example policy
#   make test           install what is missing, build, run every test, then each fuzz target
#                       for $(TEST_FUZZ_SECONDS) s (clang-19, build-fuzz/)
#   make fuzz           each fuzz target for $(FUZZ_SECONDS) s (fuzz/, docs/benchmarks.md)
#   make test-sanitize  the tests under ASan+UBSan (build-asan/) and the threaded ones under
#                       TSan (build-tsan/); long, not run by CI (docs/operations.md)
#   make bench          the load benchmarks (docs/benchmarks.md)
BUILD ?= build
JOBS ?= $(shell nproc)
DATA ?= var
LISTEN ?= 127.0.0.1:8080
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
TEST_FUZZ_SECONDS ?= 20

.PHONY: all deps configure build run test fuzz test-sanitize bench clean

all: build

deps:
	@./tools/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@./tools/run.sh $(BUILD)/konfid $(DATA) $(LISTEN)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600
	FUZZ_BUILD=$(FUZZ_BUILD) JOBS=$(JOBS) ./tools/fuzz.sh $(TEST_FUZZ_SECONDS)

fuzz: deps
	FUZZ_BUILD=$(FUZZ_BUILD) JOBS=$(JOBS) ./tools/fuzz.sh $(FUZZ_SECONDS)

test-sanitize: deps
	JOBS=$(JOBS) ./tools/test-sanitize.sh

bench: build
	./bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) build-asan build-tsan
