// swift-tools-version:6.1
// SPDX-License-Identifier: Apache-2.0
import PackageDescription

/// Every target compiles in Swift 6 mode with the upcoming features Hummingbird uses, so an import
/// that leaks into public API (a C type, a GRDB type) fails to compile instead of spreading.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "RealAlgo",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "realalgo", targets: ["realalgo"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // MARK: C bridges
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .target(name: "CLuaShims", dependencies: ["CLua"]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // MARK: Pure and generic modules
        .target(name: "Core", swiftSettings: strictSettings),
        .target(name: "Cryptography", dependencies: ["COpenSSL"], swiftSettings: strictSettings),
        .target(name: "LuaBridge", dependencies: ["CLua", "CLuaShims"], swiftSettings: strictSettings),
        .target(name: "Indicators", dependencies: ["Core"], swiftSettings: strictSettings),

        // MARK: The hub
        .target(
            name: "Schema",
            dependencies: [
                "Core", "Cryptography", "CSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings,
            plugins: ["EmbedMigrations"]
        ),

        // MARK: Domain modules
        .target(
            name: "MarketData",
            dependencies: [
                "Core", "Schema",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Broker",
            dependencies: [
                "Core", "Schema",
                .product(name: "Logging", package: "swift-log"),
                // The order-update stream of upstream accounts (OpenAlgo's `subscribe_orders`).
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Strategies",
            dependencies: [
                "Core", "LuaBridge", "Indicators", "Schema", "MarketData", "Broker", "Cryptography",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: HTTP, WebSocket and the command line
        .target(
            name: "Server",
            dependencies: [
                "Core", "Schema", "Cryptography", "MarketData", "Broker", "Strategies", "LuaBridge",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "realalgo",
            dependencies: [
                "Server", "Schema", "Core", "Cryptography", "MarketData", "Broker", "Indicators", "Strategies", "LuaBridge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Build tooling: migrations are compiled into the binary
        .executableTarget(name: "embed-sql", path: "Tools/embed-sql", swiftSettings: strictSettings),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["embed-sql"]),

        // MARK: Tests
        .testTarget(name: "CoreTests", dependencies: ["Core"], swiftSettings: strictSettings),
        .testTarget(name: "CryptographyTests", dependencies: ["Cryptography"], swiftSettings: strictSettings),
        .testTarget(
            name: "MarketDataTests",
            dependencies: ["MarketData", "Core", "Schema"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BrokerTests",
            dependencies: [
                "Broker", "Core", "Schema", .product(name: "Logging", package: "swift-log"), .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "LuaBridgeTests", dependencies: ["LuaBridge"], resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(name: "IndicatorsTests", dependencies: ["Indicators"], swiftSettings: strictSettings),
        .testTarget(
            name: "StrategiesTests",
            dependencies: [
                "Strategies", "LuaBridge", "Broker", "Schema", "Core", "MarketData", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SchemaTests",
            dependencies: ["Schema", "Core", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Schema", "Cryptography", "MarketData", "Core",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "RealAlgoCLITests", dependencies: ["realalgo"], swiftSettings: strictSettings),
    ]
)
