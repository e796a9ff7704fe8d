// swift-tools-version:6.1
import PackageDescription

/// The pipeline, stage by stage: LogInput → LogParsing → (Sessions → Analysis) → Reports,
/// composed by UXChurn and driven by the thin `uxchurn` executable. Reports renders the
/// Mustache templates of `report-templates/`, embedded at build time by the EmbedTemplates plugin.
/// Release builds link the Swift runtime and Foundation statically: the libraries Foundation's
/// static archive needs, named because the modules were compiled against the shared ones.
let staticRuntime = [
    "-static-stdlib", "-use-ld=lld", "-Xlinker", "--start-group",
    "-lFoundation", "-lFoundationEssentials", "-lFoundationInternationalization", "-lCoreFoundation",
    "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
    "-Xlinker", "--end-group",
]

/// `UXCHURN_FUZZ=1 swift build --product fuzz-…` (what `.ci/fuzz.sh` runs): the parsing and
/// configuration code instrumented for libFuzzer and AddressSanitizer, the fuzz targets linked
/// with libFuzzer. Scoped to these targets, not `-Xswiftc`, which would reach the build tool
/// that embeds the templates too.
let fuzzing = Context.environment["UXCHURN_FUZZ"] == "1"
let fuzzInstrumented: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []
let fuzzTarget: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("FUZZING")] : []
let fuzzLinked: [LinkerSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []

/// A file uses only the modules it imports (no member visible by leakage from another file's import).
let strict: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "uxchurn",
    products: [
        .executable(name: "uxchurn", targets: ["uxchurn"]),
    ],
    traits: [
        .trait(name: "ISAL", description: "Inflate gzip logs with ISA-L (Debian libisal-dev) instead of zlib."),
        .default(enabledTraits: ["ISAL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // ISA-L's inflate for gzip logs (the ISAL trait, on by default); zlib inflates without it.
        .systemLibrary(
            name: "CISAL",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        // renameat2(RENAME_EXCHANGE), which Glibc's Swift module does not declare, and the
        // arguments of a process started where /proc is not mounted.
        .target(name: "CSystemCalls"),
        // A 16-byte compare (SSE2, NEON) for the parser's scans, inlined from its header.
        .target(name: "CScan"),
        // uxchurn's one JSON stack: ordered values, a writer, a parser and Codable on top.
        .target(name: "JSON", swiftSettings: strict),
        .target(name: "LogInput", dependencies: ["CZlib", .target(name: "CISAL", condition: .when(traits: ["ISAL"])), "CSystemCalls"],
                swiftSettings: strict),
        // Configuration regexes run on RE2 (Debian libre2-dev): linear time on any path.
        .target(name: "CRE2", linkerSettings: [.linkedLibrary("re2")]),
        .target(name: "LogParsing", dependencies: ["LogInput", "CRE2", "CScan"], swiftSettings: fuzzInstrumented + strict),
        .target(name: "Sessions", dependencies: ["LogParsing", "CScan"], swiftSettings: strict),
        .target(name: "Analysis", dependencies: ["Sessions", "LogParsing", "LogInput", .product(name: "Histogram", package: "hdrhistogram-swift")],
                swiftSettings: strict),
        .target(
            name: "Reports",
            dependencies: ["Analysis", "History", "JSON", "Sessions", "LogParsing", "LogInput", "CSystemCalls", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: strict,
            plugins: ["EmbedTemplates"]
        ),
        // Build time: report-templates/*.mustache become Swift string literals in Reports.
        .executableTarget(name: "embed-templates", path: "Sources/embed-templates"),
        .plugin(name: "EmbedTemplates", capability: .buildTool(), dependencies: ["embed-templates"]),
        // The nightly history (`--state`): per-day figures and hashed visitors in SQLite.
        .target(name: "History", dependencies: ["Analysis", "JSON", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        // `uxchurn sample-logs`: a realistic shop's logs, for trying uxchurn and for its tests.
        .target(name: "SampleShop", dependencies: ["Reports", "LogInput", "LogParsing"], swiftSettings: strict),
        .target(
            name: "UXChurn",
            dependencies: [
                "LogInput", "LogParsing", "Sessions", "Analysis", "Reports", "History", "JSON",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: fuzzInstrumented + strict
        ),
        .executableTarget(
            name: "uxchurn",
            dependencies: [
                "UXChurn", "SampleShop", "Reports", "Analysis", "LogParsing", "LogInput", "Sessions", "JSON", "CSystemCalls",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict,
            // Release builds carry the Swift runtime and Foundation (see docs/development.md, "Building").
            linkerSettings: [.unsafeFlags(staticRuntime, .when(configuration: .release))]
        ),
        // libFuzzer targets (.ci/fuzz.sh builds them with -sanitize=fuzzer -DFUZZING; built
        // plainly, each replays the files it is given).
        .target(name: "FuzzSupport", dependencies: ["CSystemCalls"], swiftSettings: fuzzTarget),
        .executableTarget(name: "fuzz-line-parser", dependencies: ["LogParsing", "FuzzSupport"],
                          swiftSettings: fuzzTarget, linkerSettings: fuzzLinked),
        .executableTarget(name: "fuzz-configuration", dependencies: ["UXChurn", "FuzzSupport"],
                          swiftSettings: fuzzTarget, linkerSettings: fuzzLinked),
        .testTarget(name: "LogInputTests", dependencies: ["LogInput"]),
        .testTarget(name: "LogParsingTests", dependencies: ["LogParsing", "LogInput"]),
        .testTarget(name: "SessionsTests", dependencies: ["Sessions", "Analysis"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Sessions", "LogParsing"]),
        .testTarget(name: "HistoryTests", dependencies: ["History", "Analysis", "SampleShop"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "JSON", "Analysis", "LogInput", "LogParsing"], exclude: ["golden"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "UXChurnTests", dependencies: ["UXChurn", "SampleShop", "LogInput", "LogParsing", "Sessions", "Analysis", "Reports"],
                    exclude: ["golden"]),
        .testTarget(name: "CLITests", dependencies: ["uxchurn", "LogParsing"]),
    ]
)
