import Synchronization
import TokenVault

/// A transport that holds every request until ``open()`` is called, then forwards it.
///
/// Lets a test start many callers while a refresh is provably still in flight.
final class GatedTransport: TokenTransport {
    private struct State {
        var isOpen = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let inner: any TokenTransport
    private let state = Mutex(State())

    init(forwardingTo inner: any TokenTransport = AsyncHTTPClientTokenTransport()) {
        self.inner = inner
    }

    /// Holds the requests that come from now on.
    func close() {
        state.withLock { $0.isOpen = false }
    }

    /// Lets held and future requests through.
    func open() {
        let waiting = state.withLock { state in
            state.isOpen = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting {
            continuation.resume()
        }
    }

    func post(_ request: TransportRequest) async throws -> TransportResponse {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state in
                if !state.isOpen {
                    state.waiting.append(continuation)
                }
                return state.isOpen
            }
            if isOpen {
                continuation.resume()
            }
        }
        return try await inner.post(request)
    }
}
