import AsyncHTTPClient
import ExampleTokenServer
import Foundation
import Testing
import TokenVault

/// Timeouts and unreachable endpoints, over real sockets.
@Suite struct OAuthTransportFailureTests {
    @Test func slowEndpointTimesOut() async throws {
        try await withTokenServer { server in
            server.enqueue(.delayed(milliseconds: 60_000, then: .normal))
            let manager = makeManager(server: server, retryPolicy: .none, requestTimeout: .seconds(1))
            await #expect {
                try await manager.token()
            } throws: { error in
                error as? OAuthError == .timeout && (error as? OAuthError)?.isUnreachable == true
            }
            #expect(manager.currentToken == nil)
        }
    }

    @Test func timeoutIsRetried() async throws {
        try await withTokenServer { server in
            server.enqueue(.delayed(milliseconds: 60_000, then: .normal))
            // Long enough for the normal answer to the retry even on a loaded machine.
            let manager = makeManager(server: server, retryPolicy: .fast, requestTimeout: .seconds(3))
            let token = try await manager.token()
            #expect(!token.accessToken.isEmpty)
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func closedConnectionIsRetried() async throws {
        try await withTokenServer { server in
            server.enqueue(.closeConnection)
            let token = try await makeManager(server: server, retryPolicy: .fast).token()
            #expect(!token.accessToken.isEmpty)
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func closedConnectionEveryTimeIsUnreachable() async throws {
        try await withTokenServer { server in
            server.enqueue(.closeConnection, .closeConnection, .closeConnection)
            await #expect {
                try await makeManager(server: server, retryPolicy: .fast).token()
            } throws: { error in
                guard case .unreachable = error as? OAuthError else { return false }
                return true
            }
            #expect(server.tokenRequestCount == 3)
        }
    }

    @Test func stoppedServerIsUnreachable() async throws {
        // A client that fails a refused connection at once, instead of retrying it until the deadline.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let server = try await ExampleTokenServer.start(clients: [
                .init(id: TestClient.id, secret: TestClient.secret)
            ])
            try await server.shutdown()
            let manager = makeManager(server: server, transport: AsyncHTTPClientTokenTransport(client: client))
            await #expect {
                try await manager.token()
            } throws: { error in
                guard let error = error as? OAuthError, case .unreachable = error else { return false }
                return error.isUnreachable && !error.isCredentialsRejected
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test func stoppedServerIsUnreachableWithTheSharedClient() async throws {
        // `HTTPClient.shared` keeps retrying a refused connection until the request deadline; the
        // error is still the connection failure, not a timeout.
        let server = try await ExampleTokenServer.start(clients: [.init(id: TestClient.id, secret: TestClient.secret)])
        try await server.shutdown()
        let manager = makeManager(server: server, retryPolicy: .none, requestTimeout: .seconds(10))
        await #expect {
            try await manager.token()
        } throws: { error in
            guard case .unreachable = error as? OAuthError else { return false }
            return true
        }
    }

    @Test func malformedTokenURLIsInvalid() async {
        let manager = ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: "id", oAuthClientSecret: "secret"),
            environment: .custom(tokenURL: "not a url"),
            retryPolicy: .fast
        )
        await #expect(throws: OAuthError.invalidTokenURL) {
            try await manager.token()
        }
    }

    /// Issue 12, defect 4: an endpoint that never answers costs one overall deadline, not
    /// attempts × request timeout.
    @Test func aSilentEndpointFailsAtTheOverallDeadline() async throws {
        try await withTokenServer { server in
            server.enqueue(
                .delayed(milliseconds: 120_000, then: .normal), .delayed(milliseconds: 120_000, then: .normal),
                .delayed(milliseconds: 120_000, then: .normal))
            let manager = ClientCredentialsAuthManager(
                credentials: ClientCredentialsAuthCredentials(oAuthClientId: TestClient.id, oAuthClientSecret: TestClient.secret),
                environment: .custom(tokenURL: server.tokenURL), requestTimeout: .seconds(30), fetchTimeout: .seconds(1))
            let error = try await within(.seconds(20), "a token request past its deadline") {
                do {
                    _ = try await manager.token()
                    return nil as OAuthError?
                } catch {
                    return error as? OAuthError
                }
            } ?? nil
            #expect(error == .timeout)
        }
    }

    @Test func vaultcliTimeoutEndsWithExitTen() async throws {
        try await withTokenServer { server in
            server.enqueue(.delayed(milliseconds: 120_000, then: .normal))
            let dir = try TemporaryDirectory()
            var cli = VaultCLIProcess(directory: dir.path)
            cli.environment["CLIENT_SECRET"] = TestClient.secret
            #expect(try await cli.run(["init"]).status == 0)
            let result = try await cli.run(
                ["fetch", "--name", "p", "--token-url", server.tokenURL, "--client-id", TestClient.id, "--client-secret-env", "CLIENT_SECRET",
                 "--timeout", "1"])
            #expect(result.status == 10, "\(result.stderr)")
            #expect(result.stderr.contains("timed out"))
        }
    }
}
