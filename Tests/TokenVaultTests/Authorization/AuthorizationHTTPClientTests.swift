import AsyncHTTPClient
import ExampleTokenServer
import Testing
import TokenVault

/// `HTTPClient.execute(_:authorizedBy:timeout:)` against the example server's protected endpoint.
@Suite struct AuthorizationHTTPClientTests {
    static let callers = 16

    @Test func aRevokedTokenIsReplacedOnceAndTheRequestSentAgain() async throws {
        try await withTokenServer { server in
            let (logger, logs) = CapturingLogHandler.logger()
            let manager = makeManager(server: server, logger: logger)

            let first = try await getProtected(server, authorizedBy: manager)
            #expect(first.status == 200)
            #expect(first.body.contains(#""ok":true"#))
            #expect(server.tokenRequestCount == 1)
            #expect(logs.unauthorizedCount == 0)

            let revoked = try #require(manager.currentToken)
            server.revoke(accessToken: revoked.accessToken)
            let second = try await getProtected(server, authorizedBy: manager)
            #expect(second.status == 200)
            #expect(second.body.contains(#""ok":true"#))
            #expect(logs.unauthorizedCount == 1)
            #expect(server.tokenRequestCount == 2)
            #expect(manager.currentToken.map { $0.accessToken != revoked.accessToken } == true)
        }
    }

    @Test func concurrentRequestsRejectedForTheSameTokenShareOneRefresh() async throws {
        try await withTokenServer { server in
            let (logger, logs) = CapturingLogHandler.logger()
            let manager = makeManager(server: server, logger: logger)
            let revoked = try await manager.token()
            server.revoke(accessToken: revoked.accessToken)

            // Every caller starts only when all are ready, and finds the revoked token current, so
            // most send it. A caller scheduled after the first rejection may already get the new
            // token: the single refresh must hold either way.
            let start = HeldCalls(holding: Self.callers)
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<Self.callers {
                    group.addTask {
                        await start.arrive()
                        return try await getProtected(server, authorizedBy: manager).status
                    }
                }
                await start.waitForArrivals(Self.callers)
                start.releaseAll()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: Self.callers))
            #expect(server.tokenRequestCount == 2)
            #expect((1...Self.callers).contains(logs.unauthorizedCount))
        }
    }

    @Test func aSecondUnauthorizedIsReturnedWithoutAnotherTry() async throws {
        try await withTokenServer { server in
            let (logger, logs) = CapturingLogHandler.logger()
            let provided = Counter()
            let manager = makeManager(
                server: server,
                provider: { _, _ in
                    provided.increment()
                    return validToken("a-token-the-server-never-issued")
                },
                logger: logger
            )
            let result = try await getProtected(server, authorizedBy: manager)
            #expect(result.status == 401)
            #expect(result.body.contains("invalid_token"))
            // One token for each send: the first and the one retry.
            #expect(provided.count == 2)
            #expect(logs.unauthorizedCount == 1)
            #expect(server.tokenRequestCount == 0)
        }
    }

    @Test func anAuthorizationHeaderOfTheRequestIsReplaced() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            var request = HTTPClientRequest(url: server.protectedURL)
            request.headers.add(name: "Authorization", value: "Bearer stale")
            let response = try await HTTPClient.shared.execute(request, authorizedBy: manager, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 64 * 1024)
            #expect(response.status == .ok)
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func aRequestWithABytesBodyIsRetried() async throws {
        try await withTokenServer { server in
            let (logger, logs) = CapturingLogHandler.logger()
            let manager = makeManager(server: server, logger: logger)
            let revoked = try await manager.token()
            server.revoke(accessToken: revoked.accessToken)
            let result = try await getProtected(server, authorizedBy: manager, body: .bytes(Array("payload".utf8)))
            #expect(result.status == 200)
            #expect(logs.unauthorizedCount == 1)
            #expect(server.tokenRequestCount == 2)
        }
    }
}
