import Foundation
import Synchronization
import TokenVault

/// Clocks that tests set and step, so a token's expiry is crossed without waiting.
/// ``advance(by:)`` moves both clocks; ``stepWallClock(by:)`` only the wall clock.
final class TestClock: TokenClock {
    private let current: Mutex<(now: Date, elapsed: Int64)>

    /// A clock at `start`; by default now, in whole seconds (as stored dates are rounded).
    init(_ start: Date = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))) {
        current = Mutex((start, 1_000_000_000_000))
    }

    var now: Date { current.withLock { $0.now } }

    var elapsedNanoseconds: Int64 { current.withLock { $0.elapsed } }

    func advance(by seconds: TimeInterval) {
        current.withLock {
            $0.now += seconds
            $0.elapsed += Int64(seconds * 1e9)
        }
    }

    /// A step of the wall clock alone, as NTP or an operator makes.
    func stepWallClock(by seconds: TimeInterval) { current.withLock { $0.now += seconds } }
}
