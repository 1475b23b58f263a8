import Foundation
import PostgresNIO
import TokenVault
import TokenVaultPostgres

/// The private PostgreSQL cluster that the test command (`make test`, scripts/test.sh) starts on
/// 127.0.0.1 in a temp folder and stops on every exit path. Its folder is in
/// `TOKENVAULT_TEST_POSTGRES_DIR`; `DIR/url` holds the URL with the cluster's random password.
enum TestPostgres {
    static let directory = ProcessInfo.processInfo.environment["TOKENVAULT_TEST_POSTGRES_DIR"]

    /// Whether the tests run under the test command, which starts the cluster.
    static var isAvailable: Bool { directory != nil }

    /// The bound on one operation: 10 s, or 60 s when `TOKENVAULT_TEST_SLOW` is set (the suite
    /// under a sanitizer, which runs everything several times slower).
    static let operationTimeout: Duration = ProcessInfo.processInfo.environment["TOKENVAULT_TEST_SLOW"] == nil ? .seconds(10) : .seconds(60)

    /// The cluster's URL, password included, for the vault `vault` with extra parameters.
    static func url(vault: String, parameters: String = "") throws -> String {
        let base = try String(contentsOfFile: directory! + "/url", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return base + "&vault=" + vault + parameters
    }

    /// The URL split in a URL without password (for `--vault`) and the password (for `PGPASSWORD`).
    static func urlAndPassword(vault: String, parameters: String = "") throws -> (url: String, password: String) {
        var components = URLComponents(string: try url(vault: vault, parameters: parameters))!
        let password = components.password!
        components.password = nil
        return (components.string!, password)
    }

    /// Runs `scripts/postgres-cluster.sh COMMAND DIR` (start, stop, restart) and waits for it.
    static func cluster(_ command: String) async throws {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/postgres-cluster.sh").path
        let status = try await offThePool { () -> Int32 in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [script, command, directory!]
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        guard status == 0 else { throw TestPostgresError(description: "postgres-cluster.sh \(command) exited \(status)") }
    }

    /// Runs `body` with a vault in the cluster, its own connection pool running meanwhile.
    @discardableResult
    static func withVault<T: Sendable>(
        name: String, keyring: Keyring, operationTimeout: Duration = TestPostgres.operationTimeout, refreshLockTimeout: Duration = .seconds(90),
        _ body: (PostgresVault) async throws -> T
    ) async throws -> T {
        let location = try PostgresURL(try url(vault: name))
        let client = PostgresClient(configuration: location.configuration)
        let vault = PostgresVault(
            client: client, name: location.vaultName, keyring: keyring, operationTimeout: operationTimeout,
            refreshLockTimeout: refreshLockTimeout)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(vault)
        }
    }

    /// The output of `pg_dump` of the whole database (data and schema).
    static func dump() async throws -> Data {
        let (url, password) = try urlAndPassword(vault: "unused")
        var components = URLComponents(string: url)!
        components.queryItems = nil
        let database = components.string!
        let versions = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").compactMap { Int($0) }
        let bindir = "/usr/lib/postgresql/\(versions.max()!)/bin"  // the server's version (scripts/postgres-cluster.sh)
        return try await offThePool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: bindir + "/pg_dump")
            process.arguments = ["--dbname", database]
            process.environment = ["PGPASSWORD": password]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw TestPostgresError(description: "pg_dump exited \(process.terminationStatus)") }
            return data
        }
    }
}

struct TestPostgresError: Error, CustomStringConvertible {
    var description: String
}
