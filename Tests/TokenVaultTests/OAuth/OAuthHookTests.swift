import ExampleTokenServer
import Foundation
import Logging
import Testing
import TokenVault

/// The provider and update hooks: where tokens come from and go to.
@Suite struct OAuthHookTests {
    @Test func providerGetsTheLastTokenAndCanFetch() async throws {
        try await withTokenServer { server in
            let start = expiredToken("stored-expired-token")
            let seen = Recorder<OAuthToken?>()
            let updates = Recorder<OAuthToken>()
            let manager = makeManager(
                server: server,
                token: start,
                provider: { lastToken, authManager in
                    seen.record(lastToken)
                    return try await authManager.fetchToken()
                },
                onUpdate: { updates.record($0) }
            )
            let token = try await manager.token()
            #expect(seen.values == [start])
            #expect(server.tokenRequestCount == 1)
            #expect(updates.values == [token])
            #expect(manager.currentToken == token)
        }
    }

    @Test func updateIsCalledOncePerChangeAndNotForTheSameToken() async throws {
        let stored = validToken("stored-token")
        let seen = Recorder<OAuthToken?>()
        let updates = Recorder<OAuthToken>()
        let credentials = ClientCredentialsAuthCredentials(
            oAuthClientId: "id",
            oAuthClientSecret: "secret",
            oAuthTokenProvider: { lastToken, _ in
                seen.record(lastToken)
                return stored
            },
            oAuthOnTokenUpdate: { updates.record($0) }
        )
        let manager = ClientCredentialsAuthManager(credentials: credentials, transport: ScriptedTransport([]))

        #expect(try await manager.token() == stored)
        #expect(updates.values == [stored])

        // After a 401 the provider is asked again, told which token was rejected, and hands back
        // the same one: nothing changed, so no update.
        #expect(manager.invalidate(stored))
        #expect(try await manager.token() == stored)
        #expect(seen.values == [nil, stored])
        #expect(updates.values == [stored])

        // The same token after a storage round trip (dates are not exact) is still the same.
        let roundTripped = try JSONDecoder().decode(OAuthToken.self, from: JSONEncoder().encode(stored))
        await manager.setToken(roundTripped)
        #expect(updates.values == [stored])
    }

    @Test func setTokenTriggersUpdateOnlyWhenItChanges() async throws {
        let updates = Recorder<OAuthToken>()
        let credentials = ClientCredentialsAuthCredentials(
            oAuthClientId: "id",
            oAuthClientSecret: "secret",
            oAuthOnTokenUpdate: { updates.record($0) }
        )
        let manager = ClientCredentialsAuthManager(credentials: credentials, transport: ScriptedTransport([]))
        let first = validToken("app-token-1")
        let second = validToken("app-token-2")

        await manager.setToken(first)
        #expect(manager.currentToken == first)
        #expect(try await manager.token() == first)
        await manager.setToken(first)
        await manager.setToken(second)
        #expect(updates.values == [first, second])
        #expect(try await manager.authorizationHeader() == "Bearer app-token-2")
    }

    @Test func providerReturningAnExpiredTokenIsAnError() async throws {
        let start = expiredToken("start")
        let updates = Counter()
        let credentials = ClientCredentialsAuthCredentials(
            oAuthClientId: "id",
            oAuthClientSecret: "secret",
            oAuthToken: start,
            oAuthTokenProvider: { _, _ in expiredToken("also-expired") },
            oAuthOnTokenUpdate: { _ in updates.increment() }
        )
        let manager = ClientCredentialsAuthManager(credentials: credentials, transport: ScriptedTransport([]))
        await #expect(throws: OAuthError.providerReturnedExpiredToken) {
            try await manager.token()
        }
        #expect(manager.currentToken == start)
        #expect(updates.count == 0)
    }

    @Test func providerErrorsReachTheCaller() async {
        struct StoreDown: Error, Equatable {}
        let credentials = ClientCredentialsAuthCredentials(
            oAuthClientId: "id",
            oAuthClientSecret: "secret",
            oAuthTokenProvider: { _, _ in throw StoreDown() }
        )
        let manager = ClientCredentialsAuthManager(credentials: credentials, transport: ScriptedTransport([]))
        await #expect(throws: StoreDown()) {
            try await manager.token()
        }
    }

    @Test func providerCallingTokenIsCaughtInsteadOfDeadlocking() async {
        let credentials = ClientCredentialsAuthCredentials(
            oAuthClientId: "id",
            oAuthClientSecret: "secret",
            oAuthTokenProvider: { _, manager in try await manager.token() }
        )
        let manager = ClientCredentialsAuthManager(credentials: credentials, transport: ScriptedTransport([]))
        await #expect(throws: OAuthError.reentrantTokenRequest) {
            try await manager.token()
        }
    }

    @Test func failingUpdateHookStillReturnsTheTokenAndLogsAnError() async throws {
        struct DiskFull: Error {}
        try await withTokenServer { server in
            let (logger, logs) = CapturingLogHandler.logger()
            let manager = makeManager(server: server, onUpdate: { _ in throw DiskFull() }, logger: logger)
            let token = try await manager.token()
            #expect(manager.currentToken == token)
            let errors = logs.entries.filter { $0.level == .error }
            #expect(errors.count == 1)
            #expect(errors.first?.rendered.contains("DiskFull") == true)
            // The failed hook does not make the token count as new again.
            #expect(try await manager.token() == token)
            #expect(server.tokenRequestCount == 1)
        }
    }
}
