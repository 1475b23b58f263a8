import Foundation
import Synchronization
import TokenVault

/// Measures the auth manager's hot path (a valid token is held) against a bare `Mutex` read and
/// an actor hop, and prints figures and ratios. It runs on the main actor, as a service's caller
/// on an actor would: `token()` runs on its caller's executor (`nonisolated(nonsending)`), so
/// the hot path hops nowhere. Build in release for meaningful numbers:
///
///     swift run -c release hot-path-benchmark
@main
struct HotPathBenchmark {
    static let iterations = 2_000_000

    static func main() async throws {
        let token = OAuthToken(accessToken: "benchmark-token", expiresIn: 32400)
        let manager = ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: "id", oAuthClientSecret: "secret", oAuthToken: token),
            environment: .custom(tokenURL: "http://127.0.0.1:9/v1/oauth2/token"))
        let mutex = Mutex<OAuthToken?>(token)
        let holder = TokenHolder(token: token)

        let managerNs = try await measure { _ = try await manager.token() }
        let mutexNs = try await measure {
            let held = mutex.withLock { $0 }
            precondition(held?.isExpired(clockSkew: 60) == false)
        }
        let actorNs = try await measure { _ = await holder.validToken() }

        print("hot path, \(iterations) calls each, best of 5 runs (ns per call):")
        print(String(format: "  bare Mutex read + expiry check   %7.1f ns", mutexNs))
        print(String(format: "  manager.token()                  %7.1f ns   (%.2fx the Mutex read)", managerNs, managerNs / mutexNs))
        print(String(format: "  actor hop + expiry check         %7.1f ns   (%.2fx the Mutex read)", actorNs, actorNs / mutexNs))
    }

    /// The best of five runs, in nanoseconds per call.
    static func measure(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Void) async throws -> Double {
        var best = Double.infinity
        for _ in 0..<5 {
            let start = ContinuousClock.now
            for _ in 0..<iterations { try await body() }
            let elapsed = ContinuousClock.now - start
            let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            best = min(best, ns / Double(iterations))
        }
        return best
    }
}

/// The same state behind an actor, for comparison.
actor TokenHolder {
    let token: OAuthToken

    init(token: OAuthToken) { self.token = token }

    func validToken() -> OAuthToken? { token.isExpired(clockSkew: 60) ? nil : token }
}
