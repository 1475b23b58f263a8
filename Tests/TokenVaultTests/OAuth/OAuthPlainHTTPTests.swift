import Foundation
import Synchronization
import Testing
@testable import TokenVault

/// An `http://` token URL to another machine would carry the client secret in clear: refused
/// before any connection unless allowed.
@Suite struct OAuthPlainHTTPTests {
    /// Counts requests and answers none (nothing leaves the process).
    final class CountingTransport: TokenTransport {
        let posts = Mutex(0)
        func post(_ request: TransportRequest) async throws -> TransportResponse {
            posts.withLock { $0 += 1 }
            throw OAuthError.unreachable(reason: "not sent in tests")
        }
    }

    func manager(_ url: String, allowsPlainHTTP: Bool = false, transport: CountingTransport) -> ClientCredentialsAuthManager {
        ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: "id", oAuthClientSecret: "secret"),
            environment: .custom(tokenURL: url, allowsPlainHTTP: allowsPlainHTTP), transport: transport,
            retryPolicy: RetryPolicy(maxAttempts: 1))
    }

    @Test(arguments: ["http://198.51.100.7/v1/oauth2/token", "HTTP://api.example.test/token", "http://[2001:db8::1]:8080/token"])
    func plainHTTPToAnotherHostIsRefusedBeforeAnyRequest(url: String) async {
        let transport = CountingTransport()
        await #expect(throws: OAuthError.insecureTokenURL) { try await manager(url, transport: transport).token() }
        #expect(transport.posts.withLock { $0 } == 0)
    }

    @Test(arguments: ["http://127.0.0.1:8080/token", "http://localhost/token", "http://[::1]:9/token", "https://api.example.test/token"])
    func loopbackAndHTTPSAreUsed(url: String) async {
        let transport = CountingTransport()
        await #expect(throws: OAuthError.unreachable(reason: "not sent in tests")) { try await manager(url, transport: transport).token() }
        #expect(transport.posts.withLock { $0 } == 1)
    }

    @Test func plainHTTPIsUsedWhenAllowed() async {
        let transport = CountingTransport()
        let manager = manager("http://198.51.100.7/token", allowsPlainHTTP: true, transport: transport)
        await #expect(throws: OAuthError.unreachable(reason: "not sent in tests")) { try await manager.token() }
        #expect(transport.posts.withLock { $0 } == 1)
    }

    @Test func vaultcliRefusesItAsAUsageError() async throws {
        let dir = try TemporaryDirectory()
        var cli = VaultCLIProcess(directory: dir.path)
        cli.environment["CLIENT_SECRET"] = "secret"
        let result = try await cli.run(
            ["fetch", "--name", "p", "--token-url", "http://198.51.100.7/token", "--client-id", "id", "--client-secret-env", "CLIENT_SECRET"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--allow-plain-http"))
    }
}
