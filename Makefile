# Candor — the two set-up commands of the README, and a few more.
#
#   make demo    install missing system packages, build in release, run the main job
#                (candor analyze) on the shipped demo export
#   make test    install what the tests need, run the whole test suite
#
# Neither needs R or Python: reference values are committed fixtures.

SHELL := /bin/bash
SWIFT ?= swift
CANDOR := .build/release/candor
DEMO_DATA := datasets/demo/demo.csv
DEMO_CODEBOOK := datasets/demo/demo.codebook.yaml
DEMO_OUT := out/demo

.PHONY: demo test deps build release benchmarks peers browser-check clean

deps:
	@scripts/install-deps.sh

# The Swift runtime and Foundation linked into the binary: `candor` then runs where no
# Swift toolchain is installed (Debian's BLAS, LAPACKE, OpenSSL and ReadStat are still
# shared libraries), and starts in 9 ms instead of 15 (no symbol binding of the Swift
# libraries at load); 1M-row analyze 0.66 -> 0.645 s.
#
# Code for the CPU it is built on (the README builds where it runs): an x86-64 with the
# AVX2 generation's instructions (scripts/target-cpu.sh) lets the compiler use them; 1M-row
# analyze 0.58 -> 0.545 s wall, 1.035 -> 0.98 CPU-s, every output the same bits.
# `make release PORTABLE=1` builds for any x86-64, to copy the binary to older machines.
TARGET_CPU := $(if $(PORTABLE),,$(shell scripts/target-cpu.sh))
release: deps
	$(SWIFT) build -c release --product candor --static-swift-stdlib $(TARGET_CPU)

build: deps
	$(SWIFT) build

demo: release
	$(CANDOR) analyze $(DEMO_DATA) --codebook $(DEMO_CODEBOOK) --output $(DEMO_OUT)

test: deps
	$(SWIFT) build --build-tests
	@mkdir -p .build
	set -o pipefail; $(SWIFT) test --skip-build 2>&1 | tee .build/test.log
	@scripts/test-summary.sh .build/test.log

# Benchmarks (nested package, ordo-one/benchmark); see BENCHMARKS.md for the figures.
benchmarks: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

# Peers timed in the same run (installs R and Python tools; not part of `make test`).
peers: release
	Benchmarks/peers/peers.sh

# Headless-browser check of the HTML report (Chromium, ~290 MB; not part of `make test`).
browser-check: demo
	scripts/browser-check.sh $(DEMO_OUT)/report.html

clean:
	rm -rf .build out
