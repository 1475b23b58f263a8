import ExampleTokenServer
import Foundation
import Testing
import TokenVault

/// How the manager reports what the token endpoint said, against the example server.
@Suite struct OAuthEndpointErrorTests {
    @Test func invalidClientIsTypedAndNotRetried() async throws {
        try await withTokenServer { server in
            server.enqueue(
                .oauthError(status: 401, error: "invalid_client", description: "Client Authentication failed")
            )
            let manager = makeManager(server: server, retryPolicy: .fast)
            await #expect(
                throws: OAuthError.tokenEndpoint(
                    status: 401,
                    code: "invalid_client",
                    description: "Client Authentication failed"
                )
            ) {
                try await manager.token()
            }
            #expect(server.tokenRequestCount == 1)
            #expect(manager.currentToken == nil)
        }
    }

    @Test func wrongSecretIsRejectedCredentials() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server, clientSecret: "not-the-secret", retryPolicy: .fast)
            await #expect {
                try await manager.token()
            } throws: { error in
                guard let error = error as? OAuthError, case .tokenEndpoint(401, "invalid_client", _) = error else {
                    return false
                }
                return error.isCredentialsRejected && !error.isUnreachable
            }
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func invalidScopeIsTypedAndNotRetried() async throws {
        try await withTokenServer { server in
            server.enqueue(
                .oauthError(status: 400, error: "invalid_scope", description: "Scope not permitted for this app")
            )
            let manager = makeManager(server: server, retryPolicy: .fast)
            await #expect(
                throws: OAuthError.tokenEndpoint(
                    status: 400,
                    code: "invalid_scope",
                    description: "Scope not permitted for this app"
                )
            ) {
                try await manager.token()
            }
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func unknownErrorCodeIsKept() async throws {
        try await withTokenServer { server in
            server.enqueue(.oauthError(status: 403, error: "account_locked", description: nil))
            await #expect(throws: OAuthError.tokenEndpoint(status: 403, code: "account_locked", description: nil)) {
                try await makeManager(server: server).token()
            }
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func nonOAuthErrorBodyIsABareStatusWithoutTheBody() async throws {
        try await withTokenServer { server in
            server.enqueue(.httpError(status: 404, body: "no such page: secret-looking-body"))
            await #expect {
                try await makeManager(server: server).token()
            } throws: { error in
                error as? OAuthError == .httpStatus(404) && !"\(error)".contains("secret-looking-body")
            }
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func serviceUnavailableThenSuccessIsRetried() async throws {
        try await withTokenServer { server in
            server.enqueue(.httpError(status: 503, body: "busy"))
            let manager = makeManager(server: server, retryPolicy: .fast)
            let token = try await manager.token()
            #expect(!token.accessToken.isEmpty)
            #expect(server.tokenRequestCount == 2)
            #expect(server.issuedTokenCount == 1)
        }
    }

    @Test func persistent5xxGivesUpAfterMaxAttempts() async throws {
        try await withTokenServer { server in
            server.enqueue(
                .httpError(status: 500, body: "a"),
                .httpError(status: 502, body: "b"),
                .httpError(status: 503, body: "c")
            )
            await #expect(throws: OAuthError.httpStatus(503)) {
                try await makeManager(server: server, retryPolicy: .fast).token()
            }
            #expect(server.tokenRequestCount == 3)
        }
    }

    @Test(arguments: [
        "not json at all",
        "{}",
        #"{"access_token": 12345, "token_type": "Bearer", "expires_in": 3600}"#,
        #"{"access_token": "t", "token_type": "Bearer", "expires_in": -1}"#,
    ])
    func malformedBodiesAreInvalidAndLeaveTheTokenAlone(body: String) async throws {
        try await withTokenServer { server in
            server.enqueue(.body(status: 200, contentType: "application/json", body: body))
            let start = expiredToken()
            let updates = Counter()
            let manager = makeManager(server: server, token: start, onUpdate: { _ in updates.increment() })
            await #expect {
                try await manager.token()
            } throws: { error in
                guard case .invalidTokenResponse = error as? OAuthError else { return false }
                return true
            }
            #expect(manager.currentToken == start)
            #expect(updates.count == 0)
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func oversizedBodyIsRejected() async throws {
        try await withTokenServer { server in
            let huge = #"{"access_token":""# + String(repeating: "a", count: 70_000) + #"","token_type":"Bearer"}"#
            server.enqueue(.body(status: 200, contentType: "application/json", body: huge))
            await #expect(throws: OAuthError.responseTooLarge(limit: 64 * 1024)) {
                try await makeManager(server: server).token()
            }
            #expect(server.tokenRequestCount == 1)
        }
    }
}
