/// Where a ``ClientCredentialsAuthManager`` keeps its token across restarts and shares it with
/// the other processes that use the same store.
///
/// The manager drives the store in one direction, when it holds no valid token or its token has
/// passed its refresh point (then in the background, trying the lock without waiting):
///
/// 1. ``read(for:)`` without a lock: a valid stored token is used as it is, with no lock and
///    no write (the warm start of a service).
/// 2. Otherwise ``withRefreshLock(for:_:)``: inside it, ``read(for:)`` again (another process
///    may have just stored a token), and only when that is still missing or expiring, the token
///    request, then ``write(_:for:)``; then the lock is released.
///
/// Tokens are kept by ``TokenOrigin``, which the store takes from the manager: a token stored for
/// another client, endpoint or scope is never returned. ``VaultTokenStore`` keeps tokens sealed
/// in a vault file; implement this protocol to keep them elsewhere.
public protocol TokenStore: Sendable {
    /// The token stored for `origin`, or `nil` when none is stored for it.
    ///
    /// Called without and with the refresh lock; it must not take the refresh lock itself.
    func read(for origin: TokenOrigin) async throws -> OAuthToken?

    /// Runs `body` while holding `origin`'s refresh lock, which serializes token requests for
    /// one origin across every process using the store.
    ///
    /// The lock must not keep readers or writers of other origins waiting: it is held across a
    /// network request.
    func withRefreshLock<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T

    /// Runs `body` holding `origin`'s refresh lock if it is free now, without waiting.
    ///
    /// A manager refreshing ahead of expiry uses it: when another process holds the lock, it
    /// keeps its valid token and looks again shortly.
    ///
    /// - Returns: What `body` returned, or `nil` when another holder has the lock.
    func withRefreshLockIfFree<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T?

    /// Stores `token` for `origin`, replacing the stored one unless that was obtained later.
    func write(_ token: OAuthToken, for origin: TokenOrigin) async throws
}

extension TokenStore {
    /// For a store that cannot try its lock without waiting: waits for it, like
    /// ``withRefreshLock(for:_:)``, and never returns `nil`.
    public func withRefreshLockIfFree<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T? {
        try await withRefreshLock(for: origin, body)
    }
}
