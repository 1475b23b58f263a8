import Foundation
import Logging
import Synchronization

/// Obtains, holds and refreshes the access token of one OAuth 2.0 client-credentials client.
///
/// ``token()`` and ``authorizationHeader()`` return the held token while it is valid: that path
/// only reads it under a lock. A refresh goes one way:
///
/// 1. With a ``TokenStore``: the store is read without a lock, and a valid token stored for this
///    client (``origin``) is used as it is. Otherwise the store's refresh lock is taken and the
///    store read again, and only when it still has no valid token:
/// 2. the token is obtained: from ``ClientCredentialsAuthCredentials/oAuthTokenProvider`` when
///    there is one, else from the token endpoint (``fetchToken()``);
/// 3. it is written to the store, and the lock released.
///
/// **Refresh ahead** (``RefreshAhead``, on by default): once the held token passes its refresh
/// point, one background refresh starts and callers keep getting the still-valid token. In the
/// background the store's refresh lock is only tried: when another process holds it, this one
/// keeps its token and looks again shortly, and adopts the token the other stores. Callers wait
/// only when no valid token is held. A background refresh that fails keeps the token and tries
/// again with backoff.
///
/// **Hold-off**: after a terminal answer (`invalid_client`, `unauthorized_client`,
/// `invalid_scope`, `invalid_grant`, other 4xx but 408 and 429), callers without a valid token
/// get the same error at once, without a request, for 1 s, then 2 s, 4 s, … up to 5 minutes;
/// the first call after a hold-off tries again.
///
/// In memory a token expires by a monotonic clock (``TokenClock/elapsedNanoseconds``): its
/// lifetime counts from when it was received or read, so a step of the wall clock neither
/// expires nor revives it. Every change of the held token is passed to
/// ``ClientCredentialsAuthCredentials/oAuthOnTokenUpdate``.
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
    let fetchTimeout: Duration
    let defaultTokenLifetime: TimeInterval
    let maxResponseBytes: Int
    let clock: any TokenClock
    /// The part of a token's lifetime left at its refresh point, for this manager (jitter drawn).
    let refreshAheadFraction: Double
    let onStoreFailure: (@Sendable (TokenStoreFailure) -> Void)?
    let logger: Logger
    let metrics: TokenMetrics

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
    ///   - fetchTimeout: The time one token request may take in all, retries and their backoff
    ///     included; 60 s by default. Then it fails with ``OAuthError/timeout``.
    ///   - defaultTokenLifetime: The lifetime of a token whose response had no `expires_in`.
    ///   - refreshAhead: When a held token is refreshed in the background; a fifth of its
    ///     lifetime ahead, ±10 %, by default. ``RefreshAhead/disabled`` turns it off.
    ///   - clock: The clocks expiry is judged by; the system's by default.
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
        fetchTimeout: Duration = .seconds(60),
        defaultTokenLifetime: TimeInterval = OAuthToken.defaultLifetime,
        refreshAhead: RefreshAhead = .default,
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
        self.fetchTimeout = fetchTimeout
        self.defaultTokenLifetime = defaultTokenLifetime
        self.maxResponseBytes = TransportRequest.defaultMaxResponseBytes
        self.clock = clock
        self.refreshAheadFraction = refreshAhead.drawn()
        self.onStoreFailure = onStoreFailure
        self.logger = logger
        self.metrics = TokenMetrics(clientID: credentials.oAuthClientId)
        var state = State()
        if let token = credentials.oAuthToken {
            state.last = token
            state.current = Current(token, clockSkew: credentials.oAuthClockSkew, aheadFraction: refreshAheadFraction, clock: clock)
        }
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
    /// call after a failed refresh tries again, unless the answer was terminal (a hold-off).
    /// Cancelling a caller does not cancel the shared refresh. Past the token's refresh point, a
    /// background refresh starts and this call still returns the held token at once.
    ///
    /// - Returns: A token that is not expired (with the clock skew applied).
    /// - Throws: ``OAuthError``; the store's error (for a ``VaultTokenStore``, a ``VaultError``
    ///   such as a missing keyring) when it could not be read or locked; or whatever the provider
    ///   hook threw.
    nonisolated(nonsending) public func token() async throws -> OAuthToken {
        while true {
            let now = clock.elapsedNanoseconds
            let step = state.withLock { state -> Step in
                if let current = state.current, now < current.expiredAt {
                    if now >= current.refreshAt { startBackgroundRefreshIfDue(&state, now: now) }
                    return .ready(current.token)
                }
                if let holdOff = state.holdOff, now < holdOff.until {
                    return .heldOff(holdOff.error)
                }
                state.waitingCallers += 1
                if let refresh = state.refresh {
                    return .join(refresh.task)
                }
                return .start(startRefresh(&state, background: false))
            }
            let task: Task<OAuthToken?, any Error>
            switch step {
            case .ready(let token):
                return token
            case .heldOff(let error):
                throw error
            case .start(let started):
                logger.debug("token missing or expired; refreshing", metadata: ["oauth.token_url": "\(tokenURL)"])
                task = started
            case .join(let joined):
                if Self.refreshingManager == ObjectIdentifier(self) {
                    state.withLock { $0.waitingCallers -= 1 }
                    throw OAuthError.reentrantTokenRequest
                }
                logger.debug("waiting for the token refresh in flight", metadata: ["oauth.token_url": "\(tokenURL)"])
                task = joined
            }
            defer { state.withLock { $0.waitingCallers -= 1 } }
            if let token = try await task.value {
                return token
            }
            // A background refresh found another process refreshing and gave up while the held
            // token expired: go round again, which waits for a refresh of this caller's own.
        }
    }

    /// Marks the endpoint's clock offset as logged; returns whether it was not yet.
    func markClockOffsetLogged() -> Bool {
        state.withLock { state in
            defer { state.loggedClockOffset = true }
            return !state.loggedClockOffset
        }
    }

    /// How many callers of ``token()`` are waiting for a refresh now (tests wait on it).
    package var waitingCallers: Int { state.withLock { $0.waitingCallers } }

    /// Whether a refresh is in flight (tests wait on it).
    package var isRefreshing: Bool { state.withLock { $0.refresh != nil } }

    /// The `Authorization` header value of a valid token, e.g. `Bearer A21AA…`.
    ///
    /// - Returns: The header value of ``token()``'s token.
    nonisolated(nonsending) public func authorizationHeader() async throws -> String {
        // The hot path: the header was formatted when the token became current; only it and two
        // instants are read under the lock.
        let now = clock.elapsedNanoseconds
        let header = state.withLock { state -> String? in
            guard let current = state.current, now < current.expiredAt else { return nil }
            if now >= current.refreshAt { startBackgroundRefreshIfDue(&state, now: now) }
            return current.header
        }
        if let header { return header }
        return try await token().authorizationHeaderValue
    }

    /// Keeps the token fresh until the calling task is cancelled: fetches one now if none is
    /// held, then sleeps until each refresh point and refreshes there, so that a service that
    /// makes no calls for a while still finds a valid token. ``TokenRefreshService`` runs it
    /// under swift-service-lifecycle. Failures are logged and retried with the manager's backoff.
    public func keepFresh() async throws {
        state.withLock { $0.isStopped = false }
        var failures = 0
        do {
            while true {
                try Task.checkCancellation()
                _ = try? await token()
                let now = clock.elapsedNanoseconds
                let wake = state.withLock { state -> Int64 in
                    guard let current = state.current, now < current.expiredAt else {
                        // No valid token (the endpoint failed, or a hold-off): back off.
                        failures += 1
                        return max(now + Int64(Self.backoffSeconds(afterFailures: failures) * 1e9), state.holdOff?.until ?? .min)
                    }
                    failures = 0
                    if state.refresh != nil { return now + 100_000_000 }  // a refresh is running: look again
                    if current.refreshAt == .max { return current.expiredAt }  // refresh ahead disabled
                    return max(current.refreshAt, state.backgroundNotBefore)
                }
                try await Task.sleep(for: .nanoseconds(min(max(wake - now, 10_000_000), 3_600_000_000_000)))
            }
        } catch {
            await stopRefreshing()
            throw error
        }
    }

    /// Stops starting background refreshes, cancels the one in flight and waits for it to end,
    /// so that no refresh task is left behind. Callers without a valid token can still refresh.
    public func stopRefreshing() async {
        let task = state.withLock { state -> Task<OAuthToken?, any Error>? in
            state.isStopped = true
            return state.refresh.flatMap { $0.background ? $0.task : nil }
        }
        task?.cancel()
        _ = try? await task?.value
    }

    /// Makes `token` the current token, e.g. one the application obtained itself.
    ///
    /// Writes it to the ``store`` and calls ``ClientCredentialsAuthCredentials/oAuthOnTokenUpdate``
    /// when `token` differs from the last token the manager knew. A refresh already running may
    /// replace it when it finishes. Ends a hold-off.
    ///
    /// - Parameter token: The new current token.
    public func setToken(_ token: OAuthToken) async {
        let changed = state.withLock { state in
            state.holdOff = nil
            return store(token, in: &state)
        }
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

    /// Starts the shared refresh task; call with the state locked and no refresh in flight.
    private func startRefresh(_ state: inout State, background: Bool) -> Task<OAuthToken?, any Error> {
        state.refreshCount &+= 1
        let id = state.refreshCount
        let task = Task { try await self.refresh(id: id, background: background) }
        state.refresh = Refresh(id: id, task: task, background: background)
        return task
    }

    /// Starts a background refresh unless one is running, a recent one asked to wait, or the
    /// manager was stopped; call with the state locked, past the held token's refresh point.
    private func startBackgroundRefreshIfDue(_ state: inout State, now: Int64) {
        guard state.refresh == nil, !state.isStopped, now >= state.backgroundNotBefore else { return }
        _ = startRefresh(&state, background: true)
    }

    /// The body of the shared refresh task `id`: the new current token, or `nil` when a
    /// background refresh gave up (another process holds the refresh lock, or it failed while
    /// the held token is still valid).
    private func refresh(id: UInt64, background: Bool) async throws -> OAuthToken? {
        (background ? metrics.refreshesAhead : metrics.refreshesWaited).increment()
        let lastToken = state.withLock { $0.last }
        let obtained: Obtained
        do {
            obtained = try await obtainToken(lastToken: lastToken, background: background)
        } catch {
            let now = clock.elapsedNanoseconds
            let cancelled = error is CancellationError
            let holdOff = state.withLock { state -> HoldOff? in
                state.finishRefresh(id)
                if cancelled { return nil }
                if (error as? OAuthError)?.isTerminal == true {
                    let delay = min((state.holdOff?.seconds ?? 0.5) * 2, HoldOff.maximum)
                    state.holdOff = HoldOff(error: error, until: now + Int64(delay * 1e9), seconds: delay)
                    if background { state.backgroundNotBefore = state.holdOff!.until }
                    return state.holdOff
                }
                if background {
                    state.backgroundFailures += 1
                    let delay = Self.backoffSeconds(afterFailures: state.backgroundFailures) * Double.random(in: 0.8...1.2)
                    state.backgroundNotBefore = now + Int64(delay * 1e9)
                }
                return nil
            }
            if let holdOff { metrics.holdOffs.increment(); logHoldOff(holdOff) }
            if !cancelled {
                logger.info(
                    background ? "background token refresh failed; the held token is kept" : "token refresh failed",
                    metadata: ["oauth.token_url": "\(tokenURL)", "oauth.error": "\(redacted(String(describing: error)))"]
                )
            }
            // A background refresh fails for nobody: callers that joined it after the held token
            // expired (or that it was stopped under) go round and refresh for themselves.
            if background { return nil }
            throw error
        }
        switch obtained {
        case .busy:
            // Another process is refreshing: keep the token, look again shortly (by then it may
            // have stored the new token, which is then adopted without a request).
            let now = clock.elapsedNanoseconds
            state.withLock { state in
                state.finishRefresh(id)
                let left = (state.current?.expiredAt ?? now) - now
                state.backgroundNotBefore = now + max(50_000_000, min(1_000_000_000, left / 3))
            }
            logger.debug("another process is refreshing the token; keeping the held one", metadata: ["oauth.token_url": "\(tokenURL)"])
            return nil
        case .token(let token):
            let now = clock.elapsedNanoseconds
            let (changed, current) = state.withLock { state in
                state.finishRefresh(id)
                state.holdOff = nil
                state.backgroundFailures = 0
                let changed = store(token, in: &state)
                // A new token already past its refresh point (a very short one, or a provider's
                // old one) must not make every call start another refresh.
                state.backgroundNotBefore = state.current!.refreshAt <= now ? now + 1_000_000_000 : .min
                return (changed, state.current!)
            }
            metrics.remainingLifetime.record(Double(current.expiredAt - now) / 1e9)
            if changed {
                await tokenDidChange(to: token)
            }
            return token
        }
    }

    /// The pause after `failures` failures in a row: 1 s, doubling, at most 60 s.
    static func backoffSeconds(afterFailures failures: Int) -> Double {
        min(pow(2, Double(max(failures, 1) - 1)), 60)
    }

    /// Makes `token` current and last; returns whether it differs from the last one.
    private func store(_ token: OAuthToken, in state: inout State) -> Bool {
        let changed = !(state.last.map { $0 == token } ?? false)
        let current = Current(token, clockSkew: clockSkew, aheadFraction: refreshAheadFraction, clock: clock)
        state.current = current
        state.last = token
        return changed
    }

    /// A valid token from the store, or a new one written to it: read, then under the store's
    /// refresh lock read again, obtain and write. Without a store, a new token. In the
    /// background the lock is only tried (``Obtained/busy`` when another process holds it), and
    /// a stored token is taken only when it is newer than the held one and not itself due.
    private func obtainToken(lastToken: OAuthToken?, background: Bool) async throws -> Obtained {
        guard let store else { return .token(try await newToken(lastToken: lastToken)) }
        if let stored = try await usableStoredToken(in: store, rejected: lastToken, background: background) {
            return .token(stored)
        }
        var locked = false
        let body: () async throws -> OAuthToken = {
            locked = true
            if let stored = try await self.usableStoredToken(in: store, rejected: lastToken, background: background) {
                self.logger.debug("another process stored a token meanwhile", metadata: ["oauth.token_url": "\(self.tokenURL)"])
                return stored
            }
            let token = try await self.newToken(lastToken: lastToken)
            await self.write(token, to: store)
            return token
        }
        do {
            if background {
                guard let token = try await store.withRefreshLockIfFree(for: origin, body) else { return .busy }
                return .token(token)
            }
            return .token(try await store.withRefreshLock(for: origin, body))
        } catch where !locked {
            report(.lock, error)
            throw error
        }
    }

    /// The store's token when it is valid and not `rejected` (the token this manager last held,
    /// which has expired, was invalidated, or in the background is the one being replaced); in
    /// the background, also not past its own refresh point.
    private func usableStoredToken(in store: any TokenStore, rejected: OAuthToken?, background: Bool) async throws -> OAuthToken? {
        let stored: OAuthToken?
        do {
            stored = try await store.read(for: origin)
        } catch {
            report(.read, error)
            throw error
        }
        guard let stored, stored.accessToken != rejected?.accessToken else { return nil }
        let candidate = Current(stored, clockSkew: clockSkew, aheadFraction: refreshAheadFraction, clock: clock)
        let now = clock.elapsedNanoseconds
        guard now < candidate.expiredAt, !background || now < candidate.refreshAt else { return nil }
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
        // The same rule as for the endpoint's answers: the token goes into a header.
        guard TokenResponse.isBearerToken(token.accessToken), !token.tokenType.isEmpty,
            token.tokenType.utf8.allSatisfy(TokenResponse.isNameChar)
        else {
            throw OAuthError.invalidTokenResponse(reason: "the token provider returned a token with characters a bearer token cannot have")
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

    /// Passes a store failure to `onStoreFailure` and counts it.
    private func report(_ operation: TokenStoreFailure.Operation, _ error: any Error) {
        guard !(error is CancellationError) else { return }
        metrics.storeFailures[operation]?.increment()
        onStoreFailure?(TokenStoreFailure(operation: operation, origin: origin, error: error))
    }

    private func logHoldOff(_ holdOff: HoldOff) {
        logger.warning(
            "the token endpoint refused the client; callers without a valid token get the same error until the hold-off ends",
            metadata: [
                "oauth.token_url": "\(tokenURL)", "oauth.hold_off_seconds": "\(holdOff.seconds)",
                "oauth.error": "\(redacted(String(describing: holdOff.error)))",
            ])
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

    /// `text` with the client secret, in every encoding this library puts on the wire, and the
    /// held access tokens replaced by `<redacted>`.
    ///
    /// A last line of defence for text this library did not write (server messages that echo the
    /// request, errors from hooks): the secret as is, form-urlencoded (`client_secret_post`), and
    /// the base64 of the `id:secret` pair (`client_secret_basic`, RFC 6749 §2.3.1, and the plain
    /// pair some servers expect). Values shorter than 8 characters are left alone: they cannot
    /// be told apart from ordinary words.
    func redacted(_ text: String) -> String {
        let tokens = state.withLock { [$0.current?.token.accessToken, $0.last?.accessToken] }
        let secret = credentials.oAuthClientSecret
        let request = TokenRequest(tokenURL: tokenURL, clientID: clientID, clientSecret: secret, scope: nil, authMethod: .basic)
        let encodings = [
            secret, FormURLEncoding.encode(secret), String(request.basicAuthorization.dropFirst("Basic ".count)),
            Data((clientID + ":" + secret).utf8).base64EncodedString(),
        ]
        var result = text
        for value in encodings + tokens.compactMap({ $0 }) where value.count >= 8 {
            result = result.replacingOccurrences(of: value, with: "<redacted>")
        }
        return result
    }
}

extension ClientCredentialsAuthManager {
    /// What the manager holds, behind its lock.
    struct State {
        /// The token handed out while valid.
        var current: Current?
        /// The last token known, kept after ``invalidate(_:)`` for the provider hook.
        var last: OAuthToken?
        /// The refresh in flight, shared by all callers.
        var refresh: Refresh?
        var refreshCount: UInt64 = 0
        /// Callers of ``token()`` waiting for a refresh.
        var waitingCallers = 0
        /// Set after a terminal answer: callers without a valid token fail at once until it ends.
        var holdOff: HoldOff?
        /// No background refresh starts before this instant (after one failed or found the lock busy).
        var backgroundNotBefore: Int64 = .min
        var backgroundFailures = 0
        /// Set by ``stopRefreshing()``: no more background refreshes.
        var isStopped = false
        /// Whether a clock offset of the token endpoint was logged (once is enough).
        var loggedClockOffset = false

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
        /// When it counts as expired (``OAuthToken/isExpired(at:clockSkew:)``), on the monotonic clock.
        let expiredAt: Int64
        /// When the background refresh starts, on the monotonic clock; `Int64.max` for never.
        let refreshAt: Int64

        /// - Parameter aheadFraction: The part of the lifetime left at the refresh point.
        init(_ token: OAuthToken, clockSkew: TimeInterval, aheadFraction: Double, clock: any TokenClock) {
            self.token = token
            header = token.authorizationHeaderValue
            let expired = token.expiredAt(clockSkew: clockSkew)
            let elapsed = clock.elapsedNanoseconds
            expiredAt = elapsed &+ Self.nanoseconds(expired.timeIntervalSince(clock.now))
            let lifetime = max(0, token.expiresAt.timeIntervalSince(token.obtainedAt))
            refreshAt = aheadFraction > 0 ? expiredAt &- Self.nanoseconds(lifetime * aheadFraction) : .max
        }

        /// Seconds as nanoseconds, within ±30 years so that the sums above cannot overflow.
        static func nanoseconds(_ seconds: TimeInterval) -> Int64 {
            Int64(min(max(seconds, -1e9), 1e9) * 1e9)
        }
    }

    /// Terminal answers hold off the callers without a valid token for a while.
    struct HoldOff {
        static let maximum: Double = 300
        var error: any Error
        var until: Int64
        var seconds: Double
    }

    struct Refresh {
        let id: UInt64
        let task: Task<OAuthToken?, any Error>
        let background: Bool
    }

    enum Obtained {
        case token(OAuthToken)
        /// Another process holds the refresh lock (background only).
        case busy
    }

    enum Step {
        /// The held token is valid.
        case ready(OAuthToken)
        /// A hold-off is in force: its error, at once.
        case heldOff(any Error)
        /// This caller started a refresh.
        case start(Task<OAuthToken?, any Error>)
        /// This caller waits for a refresh another caller started.
        case join(Task<OAuthToken?, any Error>)
    }
}
