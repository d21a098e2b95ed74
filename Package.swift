// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Warden",
    products: [
        // The core a host embeds: `import Warden`.
        .library(name: "Warden", targets: ["Warden"]),
        // Formatter, REPL session, test runner, text renderers, device streams, CEL mode: `import WardenTools`.
        .library(name: "WardenTools", targets: ["WardenTools"]),
        .executable(name: "warden", targets: ["WardenCLI"]),
        // The C API (Sources/WardenC/include/warden.h): libwarden.so.
        .library(name: "warden-c", type: .dynamic, targets: ["WardenC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target Warden` (DocC; scripts/ci.d/70-docs.sh).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // The core library: no imports at all, not even Foundation (scripts/ci.d/15-layering.sh checks it).
        // libm: `rounded()` etc. lower to libm calls, and a host executable that imports neither
        // Foundation nor Glibc (the fuzz harnesses) otherwise fails to link.
        .target(name: "Warden", linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // The C API over the core (embedding from C, Python ctypes, ...): `@_cdecl` functions, a hand-written header.
        .target(name: "WardenC", dependencies: ["Warden"]),
        // The tools built on the core (the CLI uses them); they may use the core's `package` internals.
        .target(name: "WardenTools", dependencies: ["Warden"]),
        // GNU readline, linked by the executable only (readline is GPL; the library stays free of it).
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        .executableTarget(
            name: "WardenCLI",
            dependencies: [
                "Warden", "WardenTools", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // libFuzzer harnesses (Fuzz/run.sh builds them with -sanitize=fuzzer,address; a plain build
        // makes do-nothing executables).
        .executableTarget(name: "WardenFuzzCompile", dependencies: ["Warden", "WardenTools"]),
        .executableTarget(name: "WardenFuzzFacts", dependencies: ["Warden", "WardenTools"]),
        .executableTarget(name: "WardenFuzzExpr", dependencies: ["Warden", "WardenTools"]),
        .executableTarget(name: "WardenFuzzStream", dependencies: ["Warden", "WardenTools"]),
        .executableTarget(name: "WardenFuzzBatch", dependencies: ["Warden", "WardenTools"]),
        .executableTarget(name: "WardenFuzzEval", dependencies: ["Warden", "WardenTools"]),
        // Counts a decision's heap allocations under a preloaded interposer (AllocationCountTests).
        .executableTarget(name: "WardenAllocProbe", dependencies: ["Warden", "WardenTools"]),
        .testTarget(name: "WardenTests", dependencies: ["Warden", "WardenTools"], resources: [.copy("Fixtures")]),
        .testTarget(name: "WardenCLITests", dependencies: ["Warden", "WardenTools"]),
    ]
)
