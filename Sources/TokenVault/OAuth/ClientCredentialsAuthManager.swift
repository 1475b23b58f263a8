import Foundation
import Logging
import Synchronization

/// Obtains, holds and refreshes the access token of one OAuth 2.0 client-credentials client.
///
/// ``token()`` returns the held token while it is valid: that path only reads it under a lock.
/// When the token is missing or expired, one refresh runs and every concurrent caller waits for
/// it. A refresh goes one way:
///
/// 1. With a ``TokenStore``: the store is read without a lock, and a valid token stored for this
///    client (``origin``) is used as it is. Otherwise the store's refresh lock is taken and the
///    store read again, and only when it still has no valid token:
/// 2. the token is obtained: from ``ClientCredentialsAuthCredentials/oAuthTokenProvider`` when
///    there is one, else from the token endpoint (``fetchToken()``);
/// 3. it is written to the store, and the lock released.
///
/// Every change of the held token is passed to ``ClientCredentialsAuthCredentials/oAuthOnTokenUpdate``.
///
/// ```swift
/// let manager = ClientCredentialsAuthManager(
///     credentials: ClientCredentialsAuthCredentials(oAuthClientId: id, oAuthClientSecret: secret),
///     environment: .sandbox,
///     store: VaultTokenStore(vault: vault, entry: "paypal")
/// )
/// let authorization = try await manager.authorizationHeader()  // "Bearer A21AA…"
/// ```
public final class ClientCredentialsAuthManager: Sendable {
    /// The client credentials and hooks.
    public let credentials: ClientCredentialsAuthCredentials
    /// The endpoint tokens are requested from.
    let environment: OAuthEnvironment
    /// Where tokens are kept across restarts and processes; `nil` keeps them in memory only.
    public let store: (any TokenStore)?
    /// The scope requested, space-separated; `nil` requests the client's default scope.
    public let scope: String?
    let authMethod: ClientAuthMethod
    let transport: any TokenTransport
    let retryPolicy: RetryPolicy
    let requestTimeout: Duration
    let defaultTokenLifetime: TimeInterval
    let maxResponseBytes: Int
    let clock: any TokenClock
    let onStoreFailure: (@Sendable (TokenStoreFailure) -> Void)?
    let logger: Logger

    private let state: Mutex<State>

    /// Creates a manager.
    ///
    /// - Parameters:
    ///   - credentials: The client credentials and hooks. Their `oAuthToken`, if any, is the
    ///     starting current token.
    ///   - environment: Where tokens are requested; PayPal's sandbox by default.
    ///   - store: Where tokens are kept across restarts and shared between processes, e.g. a
    ///     ``VaultTokenStore``; `nil` (the default) keeps them in memory only.
    ///   - scope: The scope to request, space-separated; `nil` (the default) sends none.
    ///   - authMethod: How the client authenticates; HTTP Basic by default.
    ///   - transport: How requests are sent; AsyncHTTPClient's shared client by default.
    ///   - retryPolicy: How transient failures are retried; 3 attempts by default.
    ///   - requestTimeout: The time one attempt may take; 30 s by default.
    ///   - defaultTokenLifetime: The lifetime of a token whose response had no `expires_in`.
    ///   - clock: The wall clock expiry is judged by; the system clock by default.
    ///   - onStoreFailure: Called with every failure of the store. Read and lock failures are
    ///     also thrown to the caller; write failures are not (the token is used all the same),
    ///     so this is where a service learns that a token was not persisted.
    ///   - logger: Where to log; nothing is logged by default. Secrets and tokens never are.
    public init(
        credentials: ClientCredentialsAuthCredentials,
        environment: OAuthEnvironment = .sandbox,
        store: (any TokenStore)? = nil,
        scope: String? = nil,
        authMethod: ClientAuthMethod = .basic,
        transport: any TokenTransport = AsyncHTTPClientTokenTransport(),
        retryPolicy: RetryPolicy = .init(),
        requestTimeout: Duration = .seconds(30),
        defaultTokenLifetime: TimeInterval = OAuthToken.defaultLifetime,
        clock: any TokenClock = .system,
        onStoreFailure: (@Sendable (TokenStoreFailure) -> Void)? = nil,
        logger: Logger = Logger(label: "tokenvault", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.credentials = credentials
        self.environment = environment
        self.store = store
        self.scope = scope
        self.authMethod = authMethod
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.requestTimeout = requestTimeout
        self.defaultTokenLifetime = defaultTokenLifetime
        self.maxResponseBytes = TransportRequest.defaultMaxResponseBytes
        self.clock = clock
        self.onStoreFailure = onStoreFailure
        self.logger = logger
        var state = State()
        if let token = credentials.oAuthToken { _ = state.store(token, clockSkew: credentials.oAuthClockSkew) }
        self.state = Mutex(state)
    }

    /// The URL tokens are requested from.
    public var tokenURL: String { environment.tokenURL }

    /// The OAuth client id.
    public var clientID: String { credentials.oAuthClientId }

    /// Where this manager's tokens come from: the key its ``store`` keeps them by.
    public var origin: TokenOrigin { TokenOrigin(tokenURL: tokenURL, clientID: clientID, scope: scope) }

    /// Seconds before expiry at which a token counts as expired.
    public var clockSkew: TimeInterval { credentials.oAuthClockSkew }

    /// The token held now, expired or not; `nil` before the first one or after ``invalidate(_:)``.
    public var currentToken: OAuthToken? {
        state.withLock { $0.current?.token }
    }

    /// A valid token: the held one while it has not expired, otherwise a new one.
    ///
    /// Concurrent callers share a single refresh and all get its token, or its error. The next
    /// call after a failed refresh tries again. Cancelling a caller does not cancel the shared
    /// refresh.
    ///
    /// - Returns: A token that is not expired (with the clock skew applied).
    /// - Throws: ``OAuthError``; the store's error (for a ``VaultTokenStore``, a ``VaultError``
    ///   such as a missing keyring) when it could not be read or locked; or whatever the provider
    ///   hook threw.
    nonisolated(nonsending) public func token() async throws -> OAuthToken {
        let now = clock.now.timeIntervalSinceReferenceDate
        let step = state.withLock { state -> Step in
            if let current = state.current, now < current.expiredAt {
                return .ready(current.token)
            }
            state.waitingCallers += 1
            if let refresh = state.refresh {
                return .join(refresh.task)
            }
            state.refreshCount &+= 1
            let id = state.refreshCount
            let task = Task { try await self.refresh(id: id) }
            state.refresh = Refresh(id: id, task: task)
            return .start(task)
        }
        switch step {
        case .ready(let token):
            return token
        case .start(let task):
            defer { state.withLock { $0.waitingCallers -= 1 } }
            logger.debug("token missing or expired; refreshing", metadata: ["oauth.token_url": "\(tokenURL)"])
            return try await task.value
        case .join(let task):
            defer { state.withLock { $0.waitingCallers -= 1 } }
            if Self.refreshingManager == ObjectIdentifier(self) {
                throw OAuthError.reentrantTokenRequest
            }
            logger.debug("waiting for the token refresh in flight", metadata: ["oauth.token_url": "\(tokenURL)"])
            return try await task.value
        }
    }

    /// How many callers of ``token()`` are waiting for a refresh now (tests wait on it).
    package var waitingCallers: Int { state.withLock { $0.waitingCallers } }

    /// The `Authorization` header value of a valid token, e.g. `Bearer A21AA…`.
    ///
    /// - Returns: The header value of ``token()``'s token.
    nonisolated(nonsending) public func authorizationHeader() async throws -> String {
        // The hot path: the header was formatted when the token became current; only it and the
        // expiry instant are read under the lock.
        let now = clock.now.timeIntervalSinceReferenceDate
        if let header = state.withLock({ $0.current.flatMap { now < $0.expiredAt ? $0.header : nil } }) {
            return header
        }
        return try await token().authorizationHeaderValue
    }

    /// Makes `token` the current token, e.g. one the application obtained itself.
    ///
    /// Writes it to the ``store`` and calls ``ClientCredentialsAuthCredentials/oAuthOnTokenUpdate``
    /// when `token` differs from the last token the manager knew. A refresh already running may
    /// replace it when it finishes.
    ///
    /// - Parameter token: The new current token.
    public func setToken(_ token: OAuthToken) async {
        let skew = clockSkew
        let changed = state.withLock { $0.store(token, clockSkew: skew) }
        guard changed else { return }
        if let store { await write(token, to: store) }
        await tokenDidChange(to: token)
    }

    /// Forgets `token` if it is still the current one, so that the next ``token()`` refreshes.
    ///
    /// For a request rejected with HTTP 401: pass the token it carried. If another caller has
    /// already replaced it, nothing happens. The refresh does not take `token` from the store
    /// again, and the provider hook is given it as the last token, so it can tell that its
    /// stored copy was rejected.
    ///
    /// - Parameter token: The token that was rejected.
    /// - Returns: Whether `token` was the current token and is now forgotten.
    @discardableResult
    public func invalidate(_ token: OAuthToken) -> Bool {
        state.withLock { state in
            guard let current = state.current?.token, current == token else {
                return false
            }
            state.current = nil
            return true
        }
    }

    // MARK: - Refresh

    /// Set while this manager's provider hook runs, to catch a `token()` call from inside it.
    @TaskLocal static var refreshingManager: ObjectIdentifier?

    /// The body of the shared refresh task `id`.
    private func refresh(id: UInt64) async throws -> OAuthToken {
        let lastToken = state.withLock { $0.last }
        let token: OAuthToken
        do {
            token = try await obtainToken(lastToken: lastToken)
        } catch {
            state.withLock { $0.finishRefresh(id) }
            logger.info(
                "token refresh failed",
                metadata: ["oauth.token_url": "\(tokenURL)", "oauth.error": "\(redacted(String(describing: error)))"]
            )
            throw error
        }
        let skew = clockSkew
        let changed = state.withLock { state in
            state.finishRefresh(id)
            return state.store(token, clockSkew: skew)
        }
        if changed {
            await tokenDidChange(to: token)
        }
        return token
    }

    /// A valid token from the store, or a new one written to it: read, then under the store's
    /// refresh lock read again, obtain and write. Without a store, a new token.
    private func obtainToken(lastToken: OAuthToken?) async throws -> OAuthToken {
        guard let store else { return try await newToken(lastToken: lastToken) }
        if let stored = try await usableStoredToken(in: store, rejected: lastToken) {
            return stored
        }
        var locked = false
        do {
            return try await store.withRefreshLock(for: origin) {
                locked = true
                if let stored = try await usableStoredToken(in: store, rejected: lastToken) {
                    logger.debug("another process stored a token meanwhile", metadata: ["oauth.token_url": "\(tokenURL)"])
                    return stored
                }
                let token = try await newToken(lastToken: lastToken)
                await write(token, to: store)
                return token
            }
        } catch where !locked {
            report(.lock, error)
            throw error
        }
    }

    /// The store's token when it is valid and not `rejected` (the token this manager last held,
    /// which has expired or was invalidated).
    private func usableStoredToken(in store: any TokenStore, rejected: OAuthToken?) async throws -> OAuthToken? {
        let stored: OAuthToken?
        do {
            stored = try await store.read(for: origin)
        } catch {
            report(.read, error)
            throw error
        }
        guard let stored, stored.accessToken != rejected?.accessToken,
            !stored.isExpired(at: clock.now, clockSkew: clockSkew)
        else { return nil }
        return stored
    }

    /// A new token from the provider hook, or from the token endpoint when there is no hook.
    private func newToken(lastToken: OAuthToken?) async throws -> OAuthToken {
        guard let provider = credentials.oAuthTokenProvider else {
            return try await fetchToken()
        }
        let token = try await Self.$refreshingManager.withValue(ObjectIdentifier(self)) {
            try await provider(lastToken, self)
        }
        guard !token.isExpired(at: clock.now, clockSkew: clockSkew) else {
            throw OAuthError.providerReturnedExpiredToken
        }
        return token
    }

    /// Writes `token` to the store; a failure is reported and logged, not thrown.
    private func write(_ token: OAuthToken, to store: any TokenStore) async {
        do {
            try await store.write(token, for: origin)
        } catch {
            report(.write, error)
            logger.error(
                "could not store the new token; it is used anyway and stored at the next change",
                metadata: ["oauth.token_url": "\(tokenURL)", "oauth.error": "\(redacted(String(describing: error)))"]
            )
        }
    }

    /// Passes a store failure to `onStoreFailure`.
    private func report(_ operation: TokenStoreFailure.Operation, _ error: any Error) {
        guard !(error is CancellationError) else { return }
        onStoreFailure?(TokenStoreFailure(operation: operation, origin: origin, error: error))
    }

    /// Tells the update hook about `token`; a failure is logged, not thrown.
    private func tokenDidChange(to token: OAuthToken) async {
        logger.debug("current token changed", metadata: ["oauth.expires_at": "\(token.expiresAt)"])
        guard let onTokenUpdate = credentials.oAuthOnTokenUpdate else {
            return
        }
        do {
            try await onTokenUpdate(token)
        } catch {
            logger.error(
                "token update handler failed; the new token is used anyway",
                metadata: ["oauth.error": "\(redacted(String(describing: error)))"]
            )
        }
    }

    /// `text` with the client secret and the held access tokens replaced by `<redacted>`.
    ///
    /// A last line of defence for text this library did not write (server messages, errors from
    /// hooks). Values shorter than 8 characters are left alone: they cannot be told apart from
    /// ordinary words.
    func redacted(_ text: String) -> String {
        let tokens = state.withLock { [$0.current?.token.accessToken, $0.last?.accessToken] }
        var result = text
        for secret in [credentials.oAuthClientSecret] + tokens.compactMap({ $0 }) where secret.count >= 8 {
            result = result.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return result
    }
}

extension ClientCredentialsAuthManager {
    /// What the manager holds, behind its lock.
    struct State {
        /// The token handed out by ``token()`` while valid.
        var current: Current?
        /// The last token known, kept after ``invalidate(_:)`` for the provider hook.
        var last: OAuthToken?
        /// The refresh in flight, shared by all callers.
        var refresh: Refresh?
        var refreshCount: UInt64 = 0
        /// Callers of ``token()`` waiting for a refresh.
        var waitingCallers = 0

        /// Makes `token` current and last; returns whether it differs from the last one.
        mutating func store(_ token: OAuthToken, clockSkew: TimeInterval) -> Bool {
            let changed = !(last.map { $0 == token } ?? false)
            current = Current(token, clockSkew: clockSkew)
            last = token
            return changed
        }

        /// Clears the in-flight slot if it still holds refresh `id`.
        mutating func finishRefresh(_ id: UInt64) {
            if refresh?.id == id {
                refresh = nil
            }
        }
    }

    /// The current token with what the hot path needs, worked out once when it became current.
    struct Current {
        let token: OAuthToken
        /// The `Authorization` header value.
        let header: String
        /// When it counts as expired (``OAuthToken/isExpired(at:clockSkew:)``), in seconds since
        /// the reference date.
        let expiredAt: TimeInterval

        init(_ token: OAuthToken, clockSkew: TimeInterval) {
            self.token = token
            header = token.authorizationHeaderValue
            expiredAt = token.expiredAt(clockSkew: clockSkew).timeIntervalSinceReferenceDate
        }
    }

    struct Refresh {
        let id: UInt64
        let task: Task<OAuthToken, any Error>
    }

    enum Step {
        /// The held token is valid.
        case ready(OAuthToken)
        /// This caller started a refresh.
        case start(Task<OAuthToken, any Error>)
        /// This caller waits for a refresh another caller started.
        case join(Task<OAuthToken, any Error>)
    }
}
