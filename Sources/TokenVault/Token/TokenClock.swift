import Foundation

/// The wall clock that a ``ClientCredentialsAuthManager`` and a ``TokenStore`` read, in one
/// place, so that tests can step across a token's expiry instead of waiting for it.
public protocol TokenClock: Sendable {
    /// The current time.
    var now: Date { get }
}

/// The system's wall clock, `Date()`.
public struct SystemClock: TokenClock {
    /// The system clock.
    public init() {}

    public var now: Date { Date() }
}

extension TokenClock where Self == SystemClock {
    /// The system's wall clock.
    public static var system: SystemClock { SystemClock() }
}
