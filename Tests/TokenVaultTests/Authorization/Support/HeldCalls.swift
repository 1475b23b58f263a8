import Synchronization

/// Holds the first callers of ``arrive()`` until the test lets them go, so that a test knows
/// every caller has reached a given point (for instance, has its token in hand) before any goes
/// on. Callers after the first `limit` pass without stopping, so code that arrives more often than
/// expected (a broken retry, say) makes the test fail instead of hang.
final class HeldCalls: Sendable {
    private struct ArrivalWaiter {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var arrived = 0
        var isOpen = false
        var held: [CheckedContinuation<Void, Never>] = []
        var arrivalWaiters: [ArrivalWaiter] = []
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
            let (passes, ready) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                state.arrived += 1
                let isHeld = !state.isOpen && state.arrived <= limit
                if isHeld {
                    state.held.append(continuation)
                }
                let arrived = state.arrived
                let ready = state.arrivalWaiters.filter { $0.count <= arrived }.map(\.continuation)
                state.arrivalWaiters.removeAll { $0.count <= arrived }
                return (!isHeld, ready)
            }
            for waiter in ready {
                waiter.resume()
            }
            if passes {
                continuation.resume()
            }
        }
    }

    /// Returns once ``arrive()`` has been called `count` times in all.
    func waitForArrivals(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                guard state.arrived < count else {
                    return true
                }
                state.arrivalWaiters.append(ArrivalWaiter(count: count, continuation: continuation))
                return false
            }
            if done {
                continuation.resume()
            }
        }
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
