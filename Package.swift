// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "fixlog",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fixlog", targets: ["fixlog"]),
        .library(name: "FixlogCore", targets: ["FixlogCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // The cmark C library (Debian: libcmark-dev). Only Markdown/CMarkConverter.swift imports it.
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        // posix_spawn with the GNU extensions the step runner needs (Sources/FixlogCore/Verification/StepRunner+Spawn.swift).
        .target(name: "CFixlogSpawn"),
        // All of fixlog's logic: ingest, Dockerfile model, linking, verification, rendering, site.
        .target(
            name: "FixlogCore",
            dependencies: [
                "CCmark",
                "CFixlogSpawn",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "fixlog",
            dependencies: [
                "FixlogCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // `swift run -c release fixlog-check-benchmark`: timing of `fixlog check` at several sizes.
        .executableTarget(
            name: "fixlog-check-benchmark",
            dependencies: ["FixlogCore"],
            path: "Benchmarks/CheckBenchmark",
            swiftSettings: swiftSettings
        ),
        // `make bench`: the fixlog side of benchmarks timed inside one process (bench/run.py).
        .executableTarget(
            name: "fixlog-bench",
            dependencies: ["FixlogCore"],
            path: "Benchmarks/BenchTool",
            swiftSettings: swiftSettings
        ),
        // `swift run -c release fixlog-regenerate-benchmark [records]`: timing of `fixlog regenerate`.
        .executableTarget(
            name: "fixlog-regenerate-benchmark",
            dependencies: ["FixlogCore"],
            path: "Benchmarks/RegenerateBenchmark",
            swiftSettings: swiftSettings
        ),
        // `swift run -c release fixlog-site-benchmark LOG [ROOT]`: timing of `fixlog site` after ingest.
        .executableTarget(
            name: "fixlog-site-benchmark",
            dependencies: ["FixlogCore"],
            path: "Benchmarks/SiteBenchmark",
            swiftSettings: swiftSettings
        ),
        // libFuzzer harnesses (`make fuzz` builds them with -sanitize=fuzzer -DFUZZING into .build-fuzz). In a
        // plain `swift build` each is a small program that replays the inputs named on its command line.
        .target(name: "CFuzzerSupport"),
        .executableTarget(name: "FuzzIngest", dependencies: ["FixlogCore", "CFuzzerSupport"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzLineReference", dependencies: ["FixlogCore", "CFuzzerSupport"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzDockerfile", dependencies: ["FixlogCore", "CFuzzerSupport"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzRegenerate", dependencies: ["FixlogCore", "CFuzzerSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FixlogCoreTests",
            dependencies: ["FixlogCore", .product(name: "Yams", package: "Yams")],
            // Goldens and fixtures are read from the source tree through #filePath, not bundled.
            exclude: ["Goldens", "Linking/Goldens", "Linking/Fixtures", "Regenerate/Goldens", "Hardening/Inputs"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FixlogCLITests",
            dependencies: ["FixlogCore"],
            // Help snapshots are read from the source tree through #filePath.
            exclude: ["Goldens"],
            swiftSettings: swiftSettings
        ),
    ]
)
