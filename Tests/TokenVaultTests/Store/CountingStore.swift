import Synchronization
import TokenVault

/// A ``TokenStore`` that counts what the manager asks of the real store it wraps.
final class CountingStore: TokenStore {
    struct Counts: Equatable, CustomStringConvertible {
        var reads = 0
        var lockedReads = 0
        var locks = 0
        var writes = 0

        var description: String { "reads \(reads) (\(lockedReads) under the lock), locks \(locks), writes \(writes)" }
    }

    let base: any TokenStore
    private let state = Mutex((counts: Counts(), locked: false))

    init(_ base: any TokenStore) { self.base = base }

    var counts: Counts { state.withLock { $0.counts } }

    func read(for origin: TokenOrigin) async throws -> OAuthToken? {
        state.withLock {
            $0.counts.reads += 1
            if $0.locked { $0.counts.lockedReads += 1 }
        }
        return try await base.read(for: origin)
    }

    func withRefreshLock<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T {
        state.withLock { $0.counts.locks += 1 }
        return try await base.withRefreshLock(for: origin) {
            state.withLock { $0.locked = true }
            defer { state.withLock { $0.locked = false } }
            return try await body()
        }
    }

    func withRefreshLockIfFree<T>(for origin: TokenOrigin, _ body: () async throws -> T) async throws -> T? {
        state.withLock { $0.counts.locks += 1 }
        return try await base.withRefreshLockIfFree(for: origin) {
            state.withLock { $0.locked = true }
            defer { state.withLock { $0.locked = false } }
            return try await body()
        }
    }

    func write(_ token: OAuthToken, for origin: TokenOrigin) async throws {
        state.withLock { $0.counts.writes += 1 }
        try await base.write(token, for: origin)
    }
}
