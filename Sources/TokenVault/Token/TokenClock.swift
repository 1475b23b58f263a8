import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The clocks that a ``ClientCredentialsAuthManager`` and a ``TokenStore`` read, in one place, so
/// that tests can step across a token's expiry instead of waiting for it.
///
/// Two clocks: the wall clock, for the absolute expiry that is stored; and a monotonic clock, by
/// which a token held in memory expires, so that a step of the wall clock (NTP, an operator)
/// neither expires a held token early nor keeps it past its lifetime.
public protocol TokenClock: Sendable {
    /// The current time (the wall clock).
    var now: Date { get }
    /// Nanoseconds from an arbitrary origin on a clock that never steps and keeps counting while
    /// the machine sleeps.
    var elapsedNanoseconds: Int64 { get }
}

/// The system's clocks: `Date()` and `CLOCK_BOOTTIME`.
public struct SystemClock: TokenClock {
    /// The system clock.
    public init() {}

    public var now: Date { Date() }

    public var elapsedNanoseconds: Int64 {
        var time = timespec()
        clock_gettime(CLOCK_BOOTTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

extension TokenClock where Self == SystemClock {
    /// The system's clocks.
    public static var system: SystemClock { SystemClock() }
}
