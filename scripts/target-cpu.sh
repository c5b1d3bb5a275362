#!/usr/bin/env bash
# The compiler flags that let `make release` use the instructions of the CPU it builds on.
#
# On an x86-64 whose CPU has the AVX2 generation's instructions (x86-64-v3: AVX, AVX2, FMA,
# BMI1, BMI2, F16C, LZCNT, MOVBE; Intel Haswell 2013, AMD Zen 2017 and later), Swift may
# generate them ("haswell" is LLVM's name for that set; the Swift front end does not know
# "x86-64-v3"). Prints nothing on other CPUs and architectures: the default, portable code.
# Swift never fuses a multiply and an add by itself, so results are the same bits either way.
set -euo pipefail
[[ "$(uname -m)" == x86_64 && -r /proc/cpuinfo ]] || exit 0
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
for f in avx avx2 fma bmi1 bmi2 f16c abm movbe xsave; do
  [[ "$flags" == *" $f "* ]] || exit 0
done
echo "-Xswiftc -target-cpu -Xswiftc haswell"
