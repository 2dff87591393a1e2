// swift-tools-version:6.0
import PackageDescription

// One target per concern, as the architecture reads: syntax (tree-sitter) → analysis (imports,
// scopes, key flow) → rules and passes → edits and writers → driver (files, engine) → CLI.
let package = Package(
    name: "rekey",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rekey", targets: ["rekey"]),
        .executable(name: "rekey-bench", targets: ["rekey-bench"]),
        .library(name: "RekeyDriver", targets: ["RekeyDriver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Debian's libtree-sitter-dev (runtime 0.20.7, grammar ABI 13–14).
        .systemLibrary(
            name: "CTreeSitter",
            pkgConfig: "tree-sitter",
            providers: [.apt(["libtree-sitter-dev"])]
        ),
        // tree-sitter-python 0.23.6: C sources are fetched and verified by Grammars/fetch,
        // never committed (see Grammars/grammars.lock).
        .target(
            name: "TreeSitterPython",
            path: "Sources/TreeSitterPython",
            sources: ["grammar/src/parser.c", "grammar/src/scanner.c"],
            publicHeadersPath: "include",
            cSettings: [.headerSearchPath("grammar/src")]
        ),
        // glibc's malloc tuned to the pipeline's threads (see `limitHeapsToCores()`).
        .target(name: "CHeapArenas", path: "Sources/CHeapArenas"),
        .target(name: "RekeySyntax", dependencies: ["CTreeSitter", "TreeSitterPython"]),
        .target(name: "RekeyEdits", dependencies: ["RekeySyntax"]),
        .target(name: "RekeyAnalysis", dependencies: ["RekeySyntax"]),
        .target(name: "RekeyRules", dependencies: ["RekeySyntax", "RekeyAnalysis", "RekeyEdits"]),
        .target(
            name: "RekeyDriver",
            dependencies: [
                "CHeapArenas", "RekeySyntax", "RekeyAnalysis", "RekeyRules", "RekeyEdits", .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(
            name: "rekey",
            dependencies: ["RekeyDriver", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "rekey-bench",
            dependencies: ["RekeyDriver", "RekeySyntax", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The pipeline on one input with its invariants checked: a libFuzzer target when scripts/fuzz
        // builds it with -sanitize=fuzzer, a replay tool for Tests/fuzz/regressions otherwise.
        .executableTarget(
            name: "rekey-fuzz",
            dependencies: ["RekeyDriver", "RekeyEdits", "RekeySyntax"]
        ),
        // What the test targets share: temporary trees and a project run through the engine.
        .target(name: "RekeyTestSupport", dependencies: ["RekeyDriver", "RekeyRules"], path: "Tests/RekeyTestSupport"),
        .testTarget(name: "RekeySyntaxTests", dependencies: ["RekeySyntax", "RekeyTestSupport"]),
        .testTarget(name: "RekeyEditsTests", dependencies: ["RekeyEdits", "RekeySyntax"]),
        .testTarget(name: "RekeyAnalysisTests", dependencies: ["RekeyAnalysis", "RekeySyntax", "RekeyTestSupport"]),
        .testTarget(
            name: "RekeyRulesTests",
            dependencies: ["RekeyAnalysis", "RekeyRules", "RekeyDriver", "RekeyEdits", "RekeySyntax", "RekeyTestSupport"]),
        .testTarget(
            name: "RekeyDriverTests",
            dependencies: ["RekeyDriver", "RekeyAnalysis", "RekeyRules", "RekeyEdits", "RekeySyntax", "RekeyTestSupport"]),
    ]
)
