import Foundation
import NIOSSL
import PostgresNIO

/// Where a ``PostgresVault`` lives, from a `postgres://` URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE?vault=NAME&sslmode=verify-full`.
///
/// Keep a URL holding a password out of command lines: read it from an environment variable or
/// a file, or give the password in the `PGPASSWORD` environment variable. Query parameters:
/// - `vault`: the vault's name, so that several vaults share one table (default `default`).
/// - `sslmode`: as libpq's, but `verify-full` by default (TLS, the certificate checked against
///   the trusted roots and the host name): `disable`, `prefer` (TLS when the server offers it,
///   certificate not checked), `require` (TLS, certificate not checked), `verify-ca`
///   (certificate checked, host name not) or `verify-full`. Without a verified certificate, a
///   machine in the middle can ask for the password in clear.
/// - `sslrootcert`: a PEM file of roots to trust instead of the system's.
/// - `connect_timeout`: seconds to wait for a connection (default 10).
/// - `application_name`: shown in `pg_stat_activity` (default `tokenvault`).
/// - `operation_timeout`: seconds any one operation may take (default 10); see
///   ``PostgresVault/operationTimeout``.
/// - `refresh_lock_timeout`: seconds a refresh lock outlives a holder gone quiet, and the longest
///   wait for it (default 90); see ``PostgresVault/refreshLockTimeout``.
///
/// ```swift
/// let location = try PostgresURL(ProcessInfo.processInfo.environment["TOKENVAULT_VAULT"]!)
/// let client = PostgresClient(configuration: location.configuration)
/// ```
public struct PostgresURL: Sendable, CustomStringConvertible {
    /// The client configuration: host, port, user, password, database, TLS and timeouts.
    public var configuration: PostgresClient.Configuration
    /// The vault's name (the `vault` parameter).
    public var vaultName: String
    /// The `operation_timeout` parameter, 10 seconds when absent.
    public var operationTimeout: Duration
    /// The `refresh_lock_timeout` parameter, 90 seconds when absent.
    public var refreshLockTimeout: Duration
    /// The URL without its password, for messages.
    public var description: String

    /// Whether `string` is a `postgres://` or `postgresql://` URL rather than a file path.
    public static func isPostgresURL(_ string: String) -> Bool {
        let lowered = string.prefix(13).lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Parses `string`, taking the password from `PGPASSWORD` when the URL has none.
    ///
    /// - Throws: ``PostgresStoreError`` with code `invalidURL`, naming what is wrong but not
    ///   repeating the URL (it may hold a password).
    public init(_ string: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func invalid(_ reason: String) -> PostgresStoreError { PostgresStoreError(.invalidURL, "invalid postgres:// URL: \(reason)") }
        guard Self.isPostgresURL(string), var components = URLComponents(string: string) else {
            throw invalid("expected postgres://USER@HOST[:PORT]/DATABASE[?vault=NAME]")
        }
        components.scheme = components.scheme?.lowercased()
        guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("no user name") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let password = components.password ?? environment["PGPASSWORD"]
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] where !item.name.isEmpty {
            guard parameters[item.name] == nil else { throw invalid("parameter \(item.name) given twice") }
            parameters[item.name] = item.value ?? ""
        }
        let known: Set = [
            "vault", "sslmode", "sslrootcert", "connect_timeout", "application_name", "operation_timeout", "refresh_lock_timeout",
        ]
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw invalid("unsupported parameter \(unknown) (supported: \(known.sorted().joined(separator: ", ")))")
        }
        vaultName = parameters["vault"] ?? "default"
        guard !vaultName.isEmpty, vaultName.utf8.count <= 200 else { throw invalid("the vault name must have 1 to 200 bytes") }

        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let roots = parameters["sslrootcert"] { tlsConfiguration.trustRoots = .file(roots) }
        let tls: PostgresClient.Configuration.TLS
        switch parameters["sslmode"] ?? "verify-full" {
        case "disable":
            tls = .disable
        case "prefer", "require":
            tlsConfiguration.certificateVerification = .none
            tls = parameters["sslmode"] == "require" ? .require(tlsConfiguration) : .prefer(tlsConfiguration)
        case "verify-ca":
            tlsConfiguration.certificateVerification = .noHostnameVerification
            tls = .require(tlsConfiguration)
        case "verify-full":
            tls = .require(tlsConfiguration)
        case let mode:
            throw invalid("unsupported sslmode \(mode) (disable, prefer, require, verify-ca, verify-full)")
        }

        configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: password,
            database: database.isEmpty ? nil : database, tls: tls)
        func seconds(_ name: String, default value: Int) throws -> Duration {
            guard let text = parameters[name] else { return .seconds(value) }
            guard let seconds = Double(text), seconds >= 1, seconds <= 3600 else { throw invalid("\(name) must be 1 to 3600 seconds") }
            return .milliseconds(Int64(seconds * 1000))
        }
        configuration.options.connectTimeout = try seconds("connect_timeout", default: 10)
        operationTimeout = try seconds("operation_timeout", default: 10)
        refreshLockTimeout = try seconds("refresh_lock_timeout", default: 90)
        // Each refresh lock holds a connection while its body reads and writes on others.
        configuration.options.maximumConnections = 16
        configuration.options.additionalStartupParameters = [("application_name", parameters["application_name"] ?? "tokenvault")]

        var shown = components
        if shown.password != nil { shown.password = "***" }
        description = shown.string ?? "postgres://\(host)"
    }
}
