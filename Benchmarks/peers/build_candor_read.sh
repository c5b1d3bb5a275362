#!/usr/bin/env bash
# Builds .data/candor_read (parse + decode timing tool) against a release build of CandorData.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
swift build -c release --target CandorData >/dev/null
B=.build/release
Z=$(dirname "$(find .build/checkouts/ZIPFoundation -name module.modulemap | head -1)")
mkdir -p "$here/.data"
swiftc -O -wmo "$here/candor_read.swift" -o "$here/.data/candor_read" -I $B/Modules -I Sources/CReadStat -I Sources/CLAPACK -I "$Z" \
  $B/CandorData.build/*.o $B/CandorNumerics.build/*.o $(find $B/ZIPFoundation.build $B/Yams.build $B/CYaml.build -name "*.o") \
  -lreadstat -lopenblas -llapacke -lz -lFoundationXML
