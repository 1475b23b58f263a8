import ExampleTokenServer
import Foundation
import Logging
import Testing
import TokenVault

/// Neither the client secret nor an access token shows up in a log line or an error.
@Suite struct OAuthRedactionTests {
    static let secret = "SuperSecret-Client-Secret-9f8e7d6c"

    @Test func noSecretOrTokenInLogsOrErrors() async throws {
        try await withTokenServer(clients: [.init(id: TestClient.id, secret: Self.secret)]) { server in
            let (logger, logs) = CapturingLogHandler.logger()
            var errors: [any Error] = []
            var accessTokens: [String] = []
            let manager = makeManager(
                server: server,
                clientSecret: Self.secret,
                onUpdate: { _ in
                    struct HookFailed: Error {}
                    throw HookFailed()
                },
                logger: logger
            )

            // Success after a retry, then a 401-driven refresh.
            server.enqueue(.httpError(status: 503, body: "busy"))
            let first = try await manager.token()
            accessTokens.append(first.accessToken)
            manager.invalidate(first)
            accessTokens.append(try await manager.token().accessToken)

            // Failures of every kind, after a token has been held.
            server.enqueue(
                .oauthError(status: 401, error: "invalid_client", description: "Client Authentication failed"),
                .body(status: 200, contentType: "application/json", body: #"{"access_token": 1}"#),
                .body(status: 200, contentType: "application/json", body: "garbage"),
                .oauthError(status: 400, error: "invalid_request", description: "echo \(Self.secret)"),
                .delayed(milliseconds: 60_000, then: .normal)
            )
            for _ in 0..<4 {
                do { _ = try await manager.fetchToken() } catch { errors.append(error) }
            }
            let slow = makeManager(
                server: server,
                clientSecret: Self.secret,
                retryPolicy: .none,
                requestTimeout: .seconds(1),
                logger: logger
            )
            do { _ = try await slow.fetchToken() } catch { errors.append(error) }

            // The post method puts the secret in the body: still not in any log line.
            let post = makeManager(server: server, clientSecret: Self.secret, authMethod: .post, logger: logger)
            accessTokens.append(try await post.token().accessToken)

            #expect(errors.count == 5)
            #expect(!logs.entries.isEmpty)
            #expect(logs.entries.contains { $0.level == .error })
            let texts =
                logs.entries.map(\.rendered) + errors.map { "\($0)" } + errors.map { String(reflecting: $0) }
                + [String(describing: manager.credentials), "\(first)", String(reflecting: first)]
            for text in texts {
                #expect(!text.contains(Self.secret), "secret in: \(text)")
                for accessToken in accessTokens {
                    #expect(!text.contains(accessToken), "access token in: \(text)")
                }
            }
            // Useful context is there, under dotted keys.
            #expect(
                logs.entries.contains { $0.metadata["oauth.token_url"] != nil && $0.metadata["oauth.status"] != nil }
            )
        }
    }
}
