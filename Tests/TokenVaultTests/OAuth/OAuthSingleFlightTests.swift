import ExampleTokenServer
import Foundation
import Testing
import TokenVault

/// One refresh at a time, shared by every concurrent caller.
@Suite struct OAuthSingleFlightTests {
    static let callers = 64

    /// Starts `callers` tasks calling `token()` while the token request is held at the gate, and
    /// returns once every one of them is waiting for a refresh.
    func startCallers(
        _ manager: ClientCredentialsAuthManager,
        logs: CapturingLogHandler.Store,
        in group: inout ThrowingTaskGroup<OAuthToken, any Error>
    ) async {
        for _ in 0..<Self.callers {
            group.addTask { try await manager.token() }
        }
        // Every caller either started the refresh or joined it; with a deadline, so that a broken
        // single flight fails here instead of hanging.
        await waitUntil("every caller waits for the refresh") { manager.waitingCallers == Self.callers }
        #expect(logs.entries.count { $0.message == "token missing or expired; refreshing" } == 1)
    }

    @Test func concurrentCallersShareOneRequest() async throws {
        try await withTokenServer { server in
            let (logger, logs) = CapturingLogHandler.logger()
            let gate = GatedTransport()
            let updates = Counter()
            let manager = makeManager(
                server: server,
                onUpdate: { _ in updates.increment() },
                transport: gate,
                logger: logger
            )
            let tokens = try await withThrowingTaskGroup(of: OAuthToken.self) { group in
                await startCallers(manager, logs: logs, in: &group)
                gate.open()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(tokens.count == Self.callers)
            #expect(Set(tokens.map(\.accessToken)).count == 1)
            #expect(server.tokenRequestCount == 1)
            #expect(updates.count == 1)
            #expect(manager.currentToken?.accessToken == tokens.first?.accessToken)
        }
    }

    @Test func concurrentCallersWithoutAGateStillMakeOneRequest() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<Self.callers {
                    group.addTask { try await manager.token().accessToken }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(tokens.count == 1)
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func aFailedRefreshReachesEveryWaiterAndTheNextCallRetries() async throws {
        try await withTokenServer { server in
            // Not terminal (a terminal answer holds callers off; see RefreshAheadTests), not retried.
            server.enqueue(.body(status: 200, contentType: "application/json", body: "not json"))
            let (logger, logs) = CapturingLogHandler.logger()
            let gate = GatedTransport()
            let manager = makeManager(server: server, transport: gate, logger: logger)
            let results = await withThrowingTaskGroup(of: OAuthToken.self) { group in
                await startCallers(manager, logs: logs, in: &group)
                gate.open()
                var results: [Result<OAuthToken, OAuthError>] = []
                while let result = await group.nextResult() {
                    results.append(result.mapError { $0 as? OAuthError ?? .timeout })
                }
                return results
            }
            let failure = OAuthError.invalidTokenResponse(reason: "body is not JSON")
            #expect(results.count == Self.callers)
            #expect(results.allSatisfy { if case .failure(failure) = $0 { true } else { false } })
            #expect(server.tokenRequestCount == 1)
            #expect(manager.currentToken == nil)

            let token = try await manager.token()
            #expect(!token.accessToken.isEmpty)
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func validTokenIsServedWithoutRequests() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server, token: validToken("held-token"))
            for _ in 0..<100 {
                let token = try await manager.token()
                #expect(token.accessToken == "held-token")
            }
            #expect(server.tokenRequestCount == 0)
        }
    }

    @Test func expiredStartingTokenIsRefreshed() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server, token: expiredToken())
            let token = try await manager.token()
            #expect(token.accessToken != "expired-access-token")
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func tokenWithinTheClockSkewIsRefreshed() async throws {
        try await withTokenServer { server in
            // 30 s left of a one-hour token: expired under the default 60 s skew.
            let nearlyExpired = OAuthToken(
                accessToken: "nearly",
                expiresIn: 3600,
                obtainedAt: Date().addingTimeInterval(-3570)
            )
            let manager = makeManager(server: server, token: nearlyExpired)
            let token = try await manager.token()
            #expect(token.accessToken != "nearly")
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func invalidateThenTokenRefreshesOnce() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            let first = try await manager.token()
            #expect(try await manager.token() == first)
            #expect(server.tokenRequestCount == 1)

            #expect(manager.invalidate(first))
            #expect(!manager.invalidate(first))
            #expect(manager.currentToken == nil)
            let second = try await manager.token()
            #expect(second.accessToken != first.accessToken)
            #expect(try await manager.token() == second)
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func invalidatingAStaleTokenKeepsTheCurrentOne() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            let current = try await manager.token()
            #expect(!manager.invalidate(validToken("some-older-token")))
            #expect(manager.currentToken == current)
        }
    }
}
