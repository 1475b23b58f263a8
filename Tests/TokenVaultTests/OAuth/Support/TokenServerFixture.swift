import ExampleTokenServer
import Foundation
import Logging
import TokenVault

/// Runs `body` with a fresh token server on 127.0.0.1 and shuts the server down afterwards,
/// whether `body` succeeded or not.
func withTokenServer<Result>(
    clients: [ExampleTokenServer.Client] = [.init(id: TestClient.id, secret: TestClient.secret)],
    tokenLifetime: Int = 32400,
    _ body: (ExampleTokenServer) async throws -> Result
) async throws -> Result {
    let server = try await ExampleTokenServer.start(clients: clients, tokenLifetime: tokenLifetime)
    do {
        let result = try await body(server)
        try await server.shutdown()
        return result
    } catch {
        try? await server.shutdown()
        throw error
    }
}

/// A manager for `server`'s token endpoint with fast retries.
func makeManager(
    server: ExampleTokenServer,
    clientId: String = TestClient.id,
    clientSecret: String = TestClient.secret,
    token: OAuthToken? = nil,
    provider: ClientCredentialsAuthCredentials.TokenProvider? = nil,
    onUpdate: ClientCredentialsAuthCredentials.TokenUpdateHandler? = nil,
    scope: String? = nil,
    authMethod: ClientAuthMethod = .basic,
    transport: any TokenTransport = AsyncHTTPClientTokenTransport(),
    retryPolicy: RetryPolicy = .fast,
    requestTimeout: Duration = .seconds(10),
    defaultTokenLifetime: TimeInterval = OAuthToken.defaultLifetime,
    logger: Logger? = nil
) -> ClientCredentialsAuthManager {
    let credentials = ClientCredentialsAuthCredentials(
        oAuthClientId: clientId,
        oAuthClientSecret: clientSecret,
        oAuthToken: token,
        oAuthTokenProvider: provider,
        oAuthOnTokenUpdate: onUpdate
    )
    return ClientCredentialsAuthManager(
        credentials: credentials,
        environment: .custom(tokenURL: server.tokenURL),
        scope: scope,
        authMethod: authMethod,
        transport: transport,
        retryPolicy: retryPolicy,
        requestTimeout: requestTimeout,
        defaultTokenLifetime: defaultTokenLifetime,
        logger: logger ?? Logger(label: "tokenvault.tests") { _ in SwiftLogNoOpLogHandler() }
    )
}
