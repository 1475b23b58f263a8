// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "TokenVault",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TokenVault", targets: ["TokenVault"]),
        .library(name: "TokenVaultOpenAPI", targets: ["TokenVaultOpenAPI"]),
        .library(name: "TokenVaultPostgres", targets: ["TokenVaultPostgres"]),
        .executable(name: "vaultcli", targets: ["vaultcli"]),
        .executable(name: "token-server", targets: ["token-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.25.0"),
    ],
    targets: [
        // OpenSSL 3 libcrypto (Debian: libssl-dev): AES-GCM, RAND_bytes, scrypt, OPENSSL_cleanse.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // fstatfs, for the filesystem type of an open file (Swift's Glibc module lacks it).
        .target(name: "CFileSystemType"),
        .target(
            name: "TokenVault",
            dependencies: [
                "COpenSSL",
                "CFileSystemType",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TokenVaultOpenAPI",
            dependencies: [
                "TokenVault",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // The fleet store: sealed tokens shared through PostgreSQL (its own product, so that
        // file-only users do not build postgres-nio).
        .target(
            name: "TokenVaultPostgres",
            dependencies: [
                "TokenVault",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "vaultcli",
            dependencies: [
                "TokenVault",
                "TokenVaultPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A PayPal-shaped OAuth token endpoint on 127.0.0.1, shared by the tests and the demo.
        .target(
            name: "ExampleTokenServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "examples/TokenServer"
        ),
        .executableTarget(
            name: "token-server",
            dependencies: [
                "ExampleTokenServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "examples/token-server"
        ),
        // A service keeping its token in a vault (VaultTokenStore).
        .executableTarget(
            name: "service-example",
            dependencies: [
                "TokenVault",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "examples/service-example"
        ),
        // Sandbox and production tokens sealed in one vault.
        .executableTarget(
            name: "two-environments",
            dependencies: ["TokenVault"],
            path: "examples/two-environments"
        ),
        // The README's Swift code blocks, one file each, verbatim: `swift build` compiles them so
        // the README cannot drift from the API.
        .target(
            name: "ReadmeExamples",
            dependencies: [
                "TokenVault",
                "TokenVaultOpenAPI",
                "TokenVaultPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "examples/readme"
        ),
        // Every operation against its physical floor, measured in one run: make bench
        .executableTarget(
            name: "benchmark",
            dependencies: ["TokenVault", "ExampleTokenServer"],
            path: "Benchmarks/benchmark"
        ),
        // Refresh ahead and hold-off against a slow local endpoint: swift run -c release refresh-check
        .executableTarget(
            name: "refresh-check",
            dependencies: ["TokenVault", "ExampleTokenServer"],
            path: "Benchmarks/refresh-check"
        ),
        // The floor of `vaultcli token` as a process: a hello-world linked the same way.
        .executableTarget(
            name: "benchmark-hello",
            dependencies: ["COpenSSL"],
            path: "Benchmarks/benchmark-hello"
        ),
        // make reliability: crash injection, a hostile token endpoint, a soak with rotation, tamper
        // sweep and hostile files, and a secret-leak scan, all through real vaultcli processes.
        .executableTarget(
            name: "reliability",
            dependencies: ["ExampleTokenServer"],
            path: "Reliability/reliability"
        ),
        // libFuzzer targets for the vault, keyring and token-response parsers (make reliability
        // builds them with -sanitize=fuzzer,address); a plain build replays files through them.
        .executableTarget(
            name: "fuzz",
            dependencies: ["TokenVault"],
            path: "Reliability/fuzz"
        ),
        .testTarget(
            name: "TokenVaultTests",
            dependencies: [
                "TokenVault",
                "TokenVaultOpenAPI",
                "TokenVaultPostgres",
                "ExampleTokenServer",
                "vaultcli",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.copy("Resources")]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
