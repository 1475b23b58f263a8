import Foundation
import Logging

/// A ``TokenStore`` that keeps one client's token sealed in an entry of a vault file.
///
/// ```swift
/// let vault = Vault(path: "/var/lib/myservice/tokens.vault",
///                   keyring: Keyring(path: "/etc/myservice/vault.keys"))
/// let auth = ClientCredentialsAuthManager(
///     credentials: ClientCredentialsAuthCredentials(oAuthClientId: clientID, oAuthClientSecret: secret),
///     environment: .production,
///     store: VaultTokenStore(vault: vault, entry: "paypal")
/// )
/// ```
///
/// - Reads open the vault without a lock (writes replace it atomically).
/// - The refresh lock is an `flock` on a lock file of the entry's own
///   (`.tokens.vault.refresh-ENTRY.lock` beside the vault), so processes that need the same
///   token make one request between them, while writes of other entries, `vaultcli put` and
///   rotations never wait for a network request.
/// - Writes re-seal the vault under the vault's own lock, and record the token's origin; a
///   stored token obtained later than the one written is kept.
/// - The vault file is created by the first write. Its folder and the keyring must exist: reads
///   report a missing one at once, naming it.
public struct VaultTokenStore: TokenStore {
    /// The vault holding the entry.
    public let vault: Vault
    /// The entry's name; clients sharing a vault each need their own.
    public let entry: String
    /// The longest a process waits for the entry's refresh lock while another holds it.
    public let refreshLockTimeout: Duration
    private let clock: any TokenClock
    private let logger: Logger

    /// A store for the entry `entry` of `vault`.
    ///
    /// - Parameters:
    ///   - vault: The vault.
    ///   - entry: The entry name; two clients can share a vault under different names.
    ///   - refreshLockTimeout: The longest to wait for the refresh lock another process holds
    ///     (90 s by default, above the manager's 60 s default fetch deadline): a holder that is
    ///     stopped keeps it, and waiters then fail with ``VaultError`` code `lockTimeout`.
    ///   - clock: Stamps the time an entry is stored; the system clock by default.
    ///   - logger: Where to log; nothing is logged by default. Tokens never are.
    public init(
        vault: Vault, entry: String, refreshLockTimeout: Duration = .seconds(90), clock: any TokenClock = .system,
        logger: Logger = Logger(label: "tokenvault", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.vault = vault
        self.entry = entry
        self.refreshLockTimeout = refreshLockTimeout
        self.clock = clock
        self.logger = logger
    }

    /// The entry's token when it was stored for `origin` (or put by hand, with no origin).
    public func read(for origin: TokenOrigin) async throws -> OAuthToken? {
        guard let stored = try vault.openIfPresent()?.table.entry(named: entry) else { return nil }
        if let storedOrigin = stored.origin, storedOrigin != origin {
            logger.warning(
                "ignoring the stored token: it was obtained for another client, token URL or scope",
                metadata: ["vault.entry": "\(entry)", "vault.path": "\(vault.path)"])
            return nil
        }
        return stored.token
    }

    public func withRefreshLock<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T {
        let lock: FileLock
        do { lock = try await FileLock.acquire(lockFile: refreshLockPath, timeout: refreshLockTimeout) } catch { throw VaultError(error) }
        defer { lock.unlock() }
        return try await body()
    }

    public func withRefreshLockIfFree<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T? {
        let lock: FileLock?
        do { lock = try FileLock.acquireIfFree(lockFile: refreshLockPath) } catch { throw VaultError(error) }
        guard let lock else { return nil }
        defer { lock.unlock() }
        return try await body()
    }

    public func write(_ token: OAuthToken, for origin: TokenOrigin) async throws {
        let written = try await vault.update { entries in
            // A token of this client obtained later is kept; another client's is replaced.
            if let stored = try entries.entry(named: entry), stored.origin == origin, stored.token.obtainedAt > token.obtainedAt {
                return false
            }
            entries.set(VaultEntry(token: token, storedAt: clock.now, origin: origin), named: entry)
            return true
        }
        logger.debug(
            written ? "stored the token" : "kept the stored token: it is newer",
            metadata: ["vault.entry": "\(entry)", "vault.path": "\(vault.path)"])
    }

    /// The entry's refresh lock file, beside the vault: its name holds the entry name when that
    /// is short and plain, else a hash of it (two entries sharing a lock only wait for each other).
    var refreshLockPath: String {
        let (folder, name) = AtomicFile.split(vault.file)
        let plain = entry.utf8.count <= 64 && entry.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        let tag = plain && !entry.isEmpty ? entry : "x" + String(entry.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }, radix: 16)
        return folder + "/." + name + ".refresh-" + tag + ".lock"
    }
}
