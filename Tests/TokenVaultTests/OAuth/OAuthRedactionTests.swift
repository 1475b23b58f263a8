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

    /// An endpoint that echoes the request: the secret as it went on the wire (form-encoded,
    /// in the Basic pair) is redacted too, and control characters are escaped.
    @Test func secretsAreRedactedInEveryEncodingTheRequestCarriesThem() async throws {
        let secret = "s3cret:%+ x-long-enough"
        let id = TestClient.id
        let formEncoded = "s3cret%3A%25%2B+x-long-enough"
        let basic = Data((id + ":" + formEncoded).utf8).base64EncodedString()
        let plainPair = Data((id + ":" + secret).utf8).base64EncodedString()
        try await withTokenServer(clients: [.init(id: id, secret: secret)]) { server in
            let manager = makeManager(server: server, clientSecret: secret, authMethod: .basic)
            server.enqueue(
                .oauthError(
                    status: 400, error: "invalid_request",
                    description: "Authorization: Basic \(basic) / client_secret=\(formEncoded) / \(plainPair) \u{1b}]0;evil\u{07} \u{202e}"))
            do {
                _ = try await manager.token()
                Issue.record("the request was not refused")
            } catch {
                let text = String(describing: error)
                for leaked in [secret, formEncoded, basic, plainPair] { #expect(!text.contains(leaked), "\(text)") }
                #expect(!text.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 || $0.value == 0x202e }, "\(text)")
                #expect(text.contains("\\u{1b}"))
            }
        }
    }
}
