// swift-tools-version: 6.1
//
// Candor: a survey analytics engine for psychological safety, relational trust,
// values and retention. See README.md ("Architecture") for the module table.

import PackageDescription

// Release builds skip the runtime exclusivity checks (debug builds and tests keep them):
// the pass's hot loops mutate struct fields through inout, and the checks' bookkeeping
// (swift_beginAccess), with the optimisations it blocked, cost ~7% of a 1M-row run.
// The compile-time checks stay, and so do bounds and overflow checks.
let fast: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
  name: "candor",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "candor", targets: ["CandorCLI"]),
    .library(name: "Candor", targets: ["Candor"]),
  ],
  dependencies: [
    // CLI parsing, help text and the exit-status contract.
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    // Codebook v1 is YAML.
    .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    // .xlsx containers are ZIP archives of XML parts.
    .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
  ],
  targets: [
    // MARK: - C boundary (implementation details, no stable Swift API)

    // CBLAS + LAPACKE from Debian's libopenblas-dev and liblapacke-dev. Only
    // CandorNumerics imports it, with `internal import`.
    .systemLibrary(
      name: "CLAPACK",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
    ),
    // libcrypto (Debian libssl-dev) for SHA-256 of inputs in provenance (SHA-NI speed).
    .systemLibrary(
      name: "CCrypto",
      providers: [.apt(["libssl-dev"])]
    ),
    // libreadstat (Debian libreadstat-dev) for SPSS .sav files.
    .systemLibrary(
      name: "CReadStat",
      providers: [.apt(["libreadstat-dev"])]
    ),

    // Element-wise exp and log1p through glibc's libmvec (4 doubles a call with AVX2): the
    // logistic model's passes spent ~40 % of their time in scalar exp, log and log1p.
    .target(
      name: "CVectorMath",
      linkerSettings: [.linkedLibrary("mvec", .when(platforms: [.linux]))]
    ),

    // MARK: - Public API

    // Matrix, BLAS/LAPACK wrappers, co-moment accumulators, distributions.
    .target(name: "CandorNumerics", dependencies: ["CLAPACK", "CVectorMath"], swiftSettings: fast),
    // Readers (CSV, xlsx, SPSS), codebook v1, instruments, record decoding.
    .target(
      name: "CandorData",
      dependencies: [
        "CandorNumerics", "CReadStat",
        .product(name: "Yams", package: "Yams"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      swiftSettings: fast
    ),
    // Pure statistics: scoring, reliability, factor analysis, correlations,
    // models, aggregation.
    .target(name: "CandorPsychometrics", dependencies: ["CandorNumerics"], swiftSettings: fast),
    // Result envelope, confidentiality filter, renderers, atomic output writer.
    .target(name: "CandorReport", dependencies: ["CandorNumerics", "CandorPsychometrics", "CCrypto"], swiftSettings: fast),
    // Umbrella + analysis plan + pipeline runner.
    .target(
      name: "Candor",
      dependencies: ["CandorNumerics", "CandorData", "CandorPsychometrics", "CandorReport"],
      swiftSettings: fast
    ),

    // MARK: - Command-line tool

    .executableTarget(
      name: "CandorCLI",
      dependencies: [
        "Candor",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: - Tests

    .target(name: "_CandorTestSupport", dependencies: ["CandorNumerics", "CandorReport"], path: "Tests/_CandorTestSupport"),
    .testTarget(name: "CandorNumericsTests", dependencies: ["CandorNumerics", "CVectorMath", "_CandorTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(name: "CandorDataTests", dependencies: ["CandorData", "_CandorTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(name: "CandorPsychometricsTests", dependencies: ["CandorPsychometrics", "_CandorTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(name: "CandorReportTests", dependencies: ["CandorReport", "_CandorTestSupport"], exclude: ["Snapshots"]),
    .testTarget(name: "CandorTests", dependencies: ["Candor", "_CandorTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(name: "CandorCLITests", dependencies: ["Candor", "_CandorTestSupport"], exclude: ["Snapshots"]),
  ]
)
