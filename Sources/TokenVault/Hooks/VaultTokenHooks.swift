import Foundation
import Logging

/// The vault's provider and update hooks for one named entry: plug them into
/// ``ClientCredentialsAuthCredentials`` and the token survives restarts, sealed at rest, and is
/// fetched only when the stored one is missing or expired.
///
/// ```swift
/// let vault = Vault(path: "tokens.vault", keyring: Keyring(path: "vault.keys"))
/// let hooks = VaultTokenHooks(vault: vault, entry: "paypal", clientId: clientId, environment: .sandbox)
/// let credentials = ClientCredentialsAuthCredentials(
///     oAuthClientId: clientId,
///     oAuthClientSecret: clientSecret,
///     oAuthTokenProvider: hooks.provider,
///     oAuthOnTokenUpdate: hooks.onTokenUpdate
/// )
/// let manager = ClientCredentialsAuthManager(credentials: credentials, environment: .sandbox)
/// ```
///
/// The hooks are made for one client: its id, token URL and scope (the token's origin), which are
/// stored with every token and must match for a stored token to be returned, so tokens of two
/// clients or environments never mix. A manager with another origin is refused.
///
/// The provider opens the vault and returns the stored token when it is valid (with the clock
/// skew) and was obtained for the same origin. Otherwise it takes the vault's lock, reads again
/// (another process may have just stored one), and only then fetches with
/// ``ClientCredentialsAuthManager/fetchToken()`` and stores the result before releasing the lock,
/// so processes that start together make one token request between them.
///
/// The update hook re-seals the vault under its lock, and never replaces the stored token with
/// one obtained earlier. A failure to store is thrown to the manager, which logs it and keeps
/// the fresh token in memory; the next update stores again.
public struct VaultTokenHooks: Sendable {
    /// The vault holding the entry.
    public let vault: Vault
    /// The entry's name.
    public let entry: String
    /// Where the entry's tokens come from.
    let origin: TokenOrigin
    private let logger: Logger

    /// Hooks for the entry `entry` of `vault`, holding the tokens of one client.
    ///
    /// - Parameters:
    ///   - vault: The vault.
    ///   - entry: The entry name; two clients can share a vault under different names.
    ///   - clientId: The OAuth client id of the credentials the hooks are plugged into.
    ///   - environment: The token endpoint of the auth manager.
    ///   - scope: The scope the auth manager requests, if any.
    ///   - logger: Where to log; nothing is logged by default. Tokens never are.
    public init(
        vault: Vault, entry: String, clientId: String, environment: OAuthEnvironment, scope: String? = nil,
        logger: Logger = Logger(label: "tokenvault", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.vault = vault
        self.entry = entry
        self.origin = TokenOrigin(tokenURL: environment.tokenURL, clientID: clientId, scope: scope)
        self.logger = logger
    }

    /// The provider hook, for ``ClientCredentialsAuthCredentials/oAuthTokenProvider``.
    public var provider: ClientCredentialsAuthCredentials.TokenProvider {
        { lastToken, manager in try await provideToken(lastToken: lastToken, manager: manager) }
    }

    /// The update hook, for ``ClientCredentialsAuthCredentials/oAuthOnTokenUpdate``.
    public var onTokenUpdate: ClientCredentialsAuthCredentials.TokenUpdateHandler {
        { token in try await store(token) }
    }

    /// The stored token when valid for `manager`, else a new one fetched and stored.
    ///
    /// The manager calls the provider only when its last token is missing, expired or was
    /// invalidated (an API answered 401), so a stored token equal to `lastToken` is not returned.
    package func provideToken(lastToken: OAuthToken?, manager: ClientCredentialsAuthManager) async throws -> OAuthToken {
        guard TokenOrigin(manager) == origin else {
            throw VaultError.refused(
                reason: "the vault hooks of entry '\(entry)' were made for another client id, token URL or scope than the auth manager using them")
        }
        let rejected = lastToken?.accessToken
        if let token = usableToken(in: try storedEntries(), origin: origin, skew: manager.clockSkew, rejected: rejected) {
            return token
        }
        return try await vault.withLock { locked in
            var entries = try locked.entries()
            if let token = usableToken(in: entries, origin: origin, skew: manager.clockSkew, rejected: rejected) {
                logger.debug("another process stored a token meanwhile", metadata: ["vault.entry": "\(entry)"])
                return token
            }
            let token = try await manager.fetchToken()
            do {
                // Every writer holds this lock, so the entries read above are still current.
                entries[entry] = VaultEntry(token: token, tokenURL: origin.tokenURL, clientID: origin.clientID, requestedScope: origin.scope)
                try locked.write(entries)
                logger.info("stored a new token", metadata: ["vault.entry": "\(entry)", "vault.path": "\(vault.path)"])
            } catch {
                // The fresh token is good; the update hook will try to store it again.
                logger.error("could not store the new token: \(error)", metadata: ["vault.entry": "\(entry)"])
            }
            return token
        }
    }

    /// Stores `token` under the vault's lock unless the entry holds the same token or a newer one.
    ///
    /// - Returns: Whether the vault was written.
    @discardableResult
    package func store(_ token: OAuthToken) async throws -> Bool {
        try await vault.withLock { locked async throws in
            var entries = try locked.entries()
            if let stored = entries[entry]?.token {
                if stored.accessToken == token.accessToken && stored.expiresAt == token.expiresAt { return false }
                if stored.obtainedAt > token.obtainedAt {
                    logger.debug("kept the stored token: it is newer", metadata: ["vault.entry": "\(entry)"])
                    return false
                }
            }
            entries[entry] = VaultEntry(token: token, tokenURL: origin.tokenURL, clientID: origin.clientID, requestedScope: origin.scope)
            try locked.write(entries)
            logger.info("stored the updated token", metadata: ["vault.entry": "\(entry)", "vault.path": "\(vault.path)"])
            return true
        }
    }

    private func storedEntries() throws -> [String: VaultEntry] {
        do {
            return try vault.contents().entries
        } catch VaultError.fileNotFound(let path) where path == vault.path {
            return [:]
        }
    }

    private func usableToken(in entries: [String: VaultEntry], origin: TokenOrigin, skew: TimeInterval, rejected: String?) -> OAuthToken? {
        guard let stored = entries[entry], stored.token.accessToken != rejected else { return nil }
        if let reason = origin.mismatch(with: stored) {
            logger.warning("ignoring the stored token: \(reason)", metadata: ["vault.entry": "\(entry)"])
            return nil
        }
        return stored.token.isExpired(clockSkew: skew) ? nil : stored.token
    }
}
