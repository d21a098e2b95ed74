// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Warden",
    products: [
        .library(name: "Warden", targets: ["Warden"]),
        .executable(name: "warden", targets: ["WardenCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The library: no dependencies beyond the standard library and Foundation.
        // libm: `rounded()` etc. lower to libm calls, and a host executable that imports neither
        // Foundation nor Glibc (the fuzz harnesses) otherwise fails to link.
        .target(name: "Warden", linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // GNU readline, linked by the executable only (readline is GPL; the library stays free of it).
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        .executableTarget(
            name: "WardenCLI",
            dependencies: [
                "Warden", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // libFuzzer harnesses (Fuzz/run.sh builds them with -sanitize=fuzzer,address; a plain build
        // makes do-nothing executables).
        .executableTarget(name: "WardenFuzzCompile", dependencies: ["Warden"]),
        .executableTarget(name: "WardenFuzzFacts", dependencies: ["Warden"]),
        .executableTarget(name: "WardenFuzzExpr", dependencies: ["Warden"]),
        .executableTarget(name: "WardenFuzzStream", dependencies: ["Warden"]),
        .executableTarget(name: "WardenFuzzBatch", dependencies: ["Warden"]),
        .executableTarget(name: "WardenFuzzEval", dependencies: ["Warden"]),
        // Counts a decision's heap allocations under a preloaded interposer (AllocationCountTests).
        .executableTarget(name: "WardenAllocProbe", dependencies: ["Warden"]),
        .testTarget(name: "WardenTests", dependencies: ["Warden"], resources: [.copy("Fixtures")]),
        .testTarget(name: "WardenCLITests", dependencies: ["Warden"]),
    ]
)
