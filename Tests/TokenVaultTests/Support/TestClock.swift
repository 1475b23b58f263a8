import Foundation
import Synchronization
import TokenVault

/// A wall clock that tests set and step, so a token's expiry is crossed without waiting.
final class TestClock: TokenClock {
    private let current: Mutex<Date>

    /// A clock at `start`; by default now, in whole seconds (as stored dates are rounded).
    init(_ start: Date = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
