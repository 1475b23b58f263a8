import Testing
import Synchronization

/// Holds the first callers of ``arrive()`` until the test lets them go, so that a test knows
/// every caller has reached a given point (for instance, has its token in hand) before any goes
/// on. Callers after the first `limit` pass without stopping, so code that arrives more often than
/// expected (a broken retry, say) makes the test fail instead of hang.
final class HeldCalls: Sendable {
    private struct State {
        var arrived = 0
        var isOpen = false
        var held: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let limit: Int

    /// Creates a gate that holds the first `limit` callers.
    init(holding limit: Int) {
        self.limit = limit
    }

    /// Waits until released; returns at once after ``releaseAll()`` or for a caller past the limit.
    func arrive() async {
        await withCheckedContinuation { continuation in
            let passes = state.withLock { state -> Bool in
                state.arrived += 1
                let isHeld = !state.isOpen && state.arrived <= limit
                if isHeld {
                    state.held.append(continuation)
                }
                return !isHeld
            }
            if passes {
                continuation.resume()
            }
        }
    }

    /// Returns once ``arrive()`` has been called `count` times in all, or records an issue
    /// after a deadline.
    func waitForArrivals(_ count: Int) async {
        await waitUntil("\(count) callers arrived") { state.withLock { $0.arrived >= count } }
    }

    /// Lets the `count` callers held longest go on.
    func release(_ count: Int) {
        let released = state.withLock { state in
            let released = state.held.prefix(count)
            state.held.removeFirst(released.count)
            return Array(released)
        }
        for continuation in released {
            continuation.resume()
        }
    }

    /// Lets every held caller go on, and every later one pass without stopping.
    func releaseAll() {
        let released = state.withLock { state in
            state.isOpen = true
            defer { state.held = [] }
            return state.held
        }
        for continuation in released {
            continuation.resume()
        }
    }
}
