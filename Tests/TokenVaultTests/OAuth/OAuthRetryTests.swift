import Foundation
import Logging
import Testing

@testable import TokenVault

/// Retry decisions, checked against a scripted transport (no network).
@Suite struct OAuthRetryTests {
    static let tokenBody = #"{"access_token":"scripted-token","token_type":"Bearer","expires_in":3600}"#

    func manager(_ transport: ScriptedTransport, attempts: Int = 3) -> ClientCredentialsAuthManager {
        ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: "id", oAuthClientSecret: "secret"),
            environment: .custom(tokenURL: "http://127.0.0.1:1/token"),
            transport: transport,
            retryPolicy: RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        )
    }

    @Test func retriesTransportFailuresAnd5xxAnd429() async throws {
        let transport = ScriptedTransport([
            .fail(.unreachable(reason: "connection reset")),
            .fail(.timeout),
            ScriptedTransport.json("busy", status: 503),
            ScriptedTransport.json("slow down", status: 429, headers: [("Retry-After", "0")]),
            ScriptedTransport.json(Self.tokenBody),
        ])
        let token = try await manager(transport, attempts: 5).fetchToken()
        #expect(token.accessToken == "scripted-token")
        #expect(transport.requests.count == 5)
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastError() async {
        let transport = ScriptedTransport([
            .fail(.unreachable(reason: "refused")),
            ScriptedTransport.json("busy", status: 502),
            ScriptedTransport.json("busy", status: 503),
            ScriptedTransport.json(Self.tokenBody),
        ])
        await #expect(throws: OAuthError.httpStatus(503)) {
            try await manager(transport).fetchToken()
        }
        #expect(transport.requests.count == 3)
    }

    @Test(arguments: [
        ScriptedTransport.json(#"{"error":"invalid_client"}"#, status: 401),
        ScriptedTransport.json("forbidden", status: 403),
        ScriptedTransport.json("{}"),
        .fail(.responseTooLarge(limit: 10)),
        .fail(.invalidTokenURL),
    ])
    func neverRetriesPermanentFailures(first: ScriptedTransport.Step) async {
        let transport = ScriptedTransport([first, ScriptedTransport.json(Self.tokenBody)])
        await #expect(throws: OAuthError.self) {
            try await manager(transport).fetchToken()
        }
        #expect(transport.requests.count == 1)
    }

    @Test func retryAfterAboveMaxDelayIsCapped() async throws {
        // maxDelay is 2 ms: a Retry-After of an hour must not stall the test.
        let transport = ScriptedTransport([
            ScriptedTransport.json("busy", status: 503, headers: [("retry-after", "3600")]),
            ScriptedTransport.json(Self.tokenBody),
        ])
        _ = try await manager(transport).fetchToken()
        #expect(transport.requests.count == 2)
    }

    @Test func cancellationStopsRetrying() async {
        let transport = ScriptedTransport([.fail(.timeout), .fail(.timeout), .fail(.timeout)])
        let manager = ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: "id", oAuthClientSecret: "secret"),
            environment: .custom(tokenURL: "http://127.0.0.1:1/token"),
            transport: transport,
            retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .seconds(3600), maxDelay: .seconds(3600))
        )
        let task = Task { try await manager.fetchToken() }
        task.cancel()
        await #expect(throws: CancellationError.self) {
            try await task.value
        }
        #expect(transport.requests.count <= 1)
    }

    @Test func otherTransportErrorsCountAsUnreachable() async {
        struct Odd: Error {}
        final class Throwing: TokenTransport {
            func post(_ request: TransportRequest) async throws -> TransportResponse { throw Odd() }
        }
        let manager = ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: "id", oAuthClientSecret: "secret"),
            transport: Throwing(),
            retryPolicy: .none
        )
        await #expect {
            try await manager.fetchToken()
        } throws: { error in
            (error as? OAuthError)?.isUnreachable == true
        }
    }
}
