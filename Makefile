# The two commands: `make demo` and `make check`. Both install what is missing first.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps configure build demo check bench clean

all: build

deps:
	./scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./scripts/demo.sh $(BUILD)/bin/virtus

check: build
	cd $(BUILD) && VIRTUS_REQUIRE_QEMU=1 VIRTUS_REQUIRE_SERVICES=1 ctest --output-on-failure -j $(JOBS) --timeout 900

# Virtus and libvirtd side by side (docs/benchmarks.md); e.g. BENCH_ARGS="--out bench.json".
bench: configure
	cmake --build $(BUILD) --target virtus-bench virtusd virtus-lockd -j $(JOBS)
	./bench/run.sh --bin $(BUILD)/bin/virtus-bench $(BENCH_ARGS)

clean:
	rm -rf $(BUILD)
