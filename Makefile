# Konfid: the two commands of the README, and a few more.
#   make run    install what is missing, build, start Konfid with the example policy
#   make test   install what is missing, build, run every test
#   make bench  the load benchmarks (docs/benchmarks.md)
BUILD ?= build
JOBS ?= $(shell nproc)
DATA ?= var
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps configure build run test bench clean

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

bench: build
	./bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
