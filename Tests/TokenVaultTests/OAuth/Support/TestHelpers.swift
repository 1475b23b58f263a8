import Foundation
import Synchronization
import TokenVault

/// The client the fixture server knows, unless a test says otherwise.
enum TestClient {
    static let id = "test-client"
    static let secret = "test-client-secret-0123456789"
}

/// Retries that take no noticeable time.
extension RetryPolicy {
    static let fast = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))
}

/// A token that expired an hour ago.
func expiredToken(_ accessToken: String = "expired-access-token") -> OAuthToken {
    OAuthToken(accessToken: accessToken, expiresIn: 3600, obtainedAt: Date().addingTimeInterval(-7200))
}

/// A token valid for another hour.
func validToken(_ accessToken: String) -> OAuthToken {
    OAuthToken(accessToken: accessToken, expiresIn: 3600)
}

/// Counts calls, across tasks.
final class Counter: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }

    @discardableResult
    func increment() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}

/// Keeps values handed to a hook, across tasks.
final class Recorder<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])
    var values: [Value] { storage.withLock { $0 } }

    func record(_ value: Value) {
        storage.withLock { $0.append(value) }
    }
}
