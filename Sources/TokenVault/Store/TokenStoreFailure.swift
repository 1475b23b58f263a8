/// A failure of a ``TokenStore``, as reported to the `onStoreFailure` callback given to
/// ``ClientCredentialsAuthManager``.
///
/// A failure to read or lock is also thrown to the caller that needed a token. A failure to
/// write is not: the fresh token is returned all the same and held in memory, and the next
/// token change is written again. `onStoreFailure` is where a service learns about it.
public struct TokenStoreFailure: Error, Sendable, CustomStringConvertible {
    /// What the manager was doing with the store.
    public enum Operation: String, Sendable {
        /// Reading the stored token.
        case read
        /// Taking the refresh lock.
        case lock
        /// Writing a new token.
        case write
    }

    /// What the manager was doing.
    public var operation: Operation
    /// The origin of the token concerned.
    public var origin: TokenOrigin
    /// What the store threw, for example a ``VaultError``.
    public var error: any Error

    public var description: String {
        "token store \(operation.rawValue) failed for \(origin): \(error)"
    }
}
