import Foundation
import Logging
import TokenVault

/// A ``TokenStore`` that keeps one client's token sealed in an entry of a ``PostgresVault``, so
/// that every replica of a service, on any machine, shares one token and the fleet makes one
/// token request per token lifetime.
///
/// ```swift
/// let location = try PostgresURL(ProcessInfo.processInfo.environment["TOKENVAULT_VAULT"]!)
/// let client = PostgresClient(configuration: location.configuration)
/// let vault = PostgresVault(client: client, name: location.vaultName,
///                           keyring: Keyring(path: "/etc/myservice/vault.keys"))
/// let auth = ClientCredentialsAuthManager(
///     credentials: ClientCredentialsAuthCredentials(oAuthClientId: clientID, oAuthClientSecret: secret),
///     environment: .production,
///     store: PostgresTokenStore(vault: vault, entry: "paypal"))
/// // Run `client` (client.run()) in a task or a ServiceGroup while `auth` is used.
/// ```
///
/// - Sealing stays in the process: the row holds the entry sealed with the keyring's primary
///   key in the vault file's format. Every replica needs a copy of the keyring.
/// - The refresh lock is a transaction-scoped advisory lock that the server drops when its
///   holder goes quiet for `refreshLockTimeout` (see ``PostgresVault/refreshLockTimeout``).
/// - Writes are compare-and-swap on the row's generation; a stored token of the same client
///   obtained later than the one written is kept.
/// - When PostgreSQL cannot be reached, every operation fails within the vault's
///   `operationTimeout` with a ``PostgresStoreError``: the manager keeps its valid token and
///   reports the failure to its `onStoreFailure` callback. The pool reconnects by itself.
public struct PostgresTokenStore: TokenStore {
    /// The vault holding the entry.
    public let vault: PostgresVault
    /// The entry's name; clients sharing a vault each need their own.
    public let entry: String
    private let clock: any TokenClock

    /// A store for the entry `entry` of `vault`.
    ///
    /// - Parameters:
    ///   - vault: The vault.
    ///   - entry: The entry name.
    ///   - clock: Stamps the time an entry is stored; the system clock by default.
    public init(vault: PostgresVault, entry: String, clock: any TokenClock = .system) {
        self.vault = vault
        self.entry = entry
        self.clock = clock
    }

    /// The entry's token when it was stored for `origin` (or put by hand, with no origin).
    public func read(for origin: TokenOrigin) async throws -> OAuthToken? {
        guard let stored = try await vault.entry(named: entry)?.entry else { return nil }
        if let storedOrigin = stored.origin, storedOrigin != origin {
            vault.logger.warning(
                "ignoring the stored token: it was obtained for another client, token URL or scope",
                metadata: ["vault.entry": "\(entry)", "vault.name": "\(vault.name)"])
            return nil
        }
        return stored.token
    }

    public func withRefreshLock<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T {
        guard let result = try await vault.withRefreshLock(entry: entry, wait: true, body) else {
            throw PostgresStoreError(.lockTimeout, "\(vault.location(of: entry)): the refresh lock stayed taken")
        }
        return result
    }

    public func withRefreshLockIfFree<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T? {
        try await vault.withRefreshLock(entry: entry, wait: false, body)
    }

    public func write(_ token: OAuthToken, for origin: TokenOrigin) async throws {
        let now = clock.now
        let written = try await vault.update(entry: entry) { stored in
            if let stored = stored?.entry, stored.origin == origin, stored.token.obtainedAt > token.obtainedAt {
                return nil
            }
            return VaultEntry(token: token, storedAt: now, origin: origin)
        }
        vault.logger.debug(
            written ? "stored the token" : "kept the stored token: it is newer",
            metadata: ["vault.entry": "\(entry)", "vault.name": "\(vault.name)"])
    }
}
