import NIOCore
import NIOHTTP1
import NIOPosix

/// A PayPal-shaped OAuth 2.0 client-credentials token endpoint on loopback, for tests and demos.
///
/// It serves `POST /v1/oauth2/token` like PayPal's REST API (HTTP Basic or `client_secret_post` client
/// authentication, `grant_type=client_credentials`, optional `scope`) and `GET /v1/protected`, which accepts
/// the bearer tokens it issued until they are revoked or expire. Scripted ``Behavior``s make it misbehave.
///
/// ```swift
/// let server = try await ExampleTokenServer.start(clients: [.init(id: "demo-client", secret: "s3cret")])
/// server.enqueue(.httpError(status: 503, body: "busy"))   // the next token request gets a 503
/// // ... request tokens from server.tokenURL ...
/// try await server.shutdown()
/// ```
public final class ExampleTokenServer: Sendable {
    /// The scopes granted when none are configured: PayPal's invoicing and payments scopes.
    public static let defaultScope =
        "https://uri.paypal.com/services/invoicing https://uri.paypal.com/services/payments/payment"

    private let channel: any Channel
    let state: ServerState
    private let host: String

    /// The port the server listens on.
    public let port: Int

    private init(channel: any Channel, state: ServerState, host: String, port: Int) {
        self.channel = channel
        self.state = state
        self.host = host
        self.port = port
    }

    /// Starts a server on `MultiThreadedEventLoopGroup.singleton`.
    ///
    /// - Parameters:
    ///   - host: The address to bind, `127.0.0.1` by default.
    ///   - port: The port; 0 picks a free one (read it back from ``port``).
    ///   - clients: The clients allowed to get tokens. With a repeated id, the last secret counts.
    ///   - tokenLifetime: The `expires_in` of issued tokens, in seconds; the protected endpoint honours it.
    ///   - responseDelay: Milliseconds every token answer is held back (a slow endpoint); 0 by default.
    ///   - scope: The space-separated scopes the server grants.
    ///   - requestLog: Called on the event loop with each answered request; it carries no secrets or tokens.
    /// - Returns: The running server. Call ``shutdown()`` when done.
    public static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        clients: [Client],
        tokenLifetime: Int = 32400,
        responseDelay: Int = 0,
        scope: String = ExampleTokenServer.defaultScope,
        requestLog: (@Sendable (RequestLogEntry) -> Void)? = nil
    ) async throws -> ExampleTokenServer {
        let state = ServerState()
        let router = Router(
            token: TokenEndpoint(
                clients: Dictionary(clients.map { ($0.id, $0.secret) }, uniquingKeysWith: { _, last in last }),
                scopes: scope.split(separator: " ").map(String.init),
                tokenLifetime: tokenLifetime,
                responseDelay: responseDelay,
                state: state
            ),
            protected: ProtectedEndpoint(state: state)
        )
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard state.track(channel) else {
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(ConnectionHandler(router: router, log: requestLog))
                }
            }
            .bind(host: host, port: port)
            .get()
        guard let boundPort = channel.localAddress?.port else {
            try? await channel.close()
            throw ChannelError.unknownLocalAddress
        }
        return ExampleTokenServer(channel: channel, state: state, host: host, port: boundPort)
    }

    /// The server's root URL, e.g. `http://127.0.0.1:8080`.
    public var baseURL: String {
        let authority = host.contains(":") ? "[\(host)]" : host
        return "http://\(authority):\(port)"
    }

    /// The token endpoint: ``baseURL`` + `/v1/oauth2/token`.
    public var tokenURL: String { baseURL + TokenEndpoint.path }

    /// The protected endpoint: ``baseURL`` + `/v1/protected`.
    public var protectedURL: String { baseURL + ProtectedEndpoint.path }

    /// Closes the listening socket and every open connection. Calling it again does nothing.
    public func shutdown() async throws {
        guard let connections = state.beginShutdown() else {
            return
        }
        for connection in connections {
            connection.close(promise: nil)
        }
        try await channel.close()
        for connection in connections {
            try? await connection.closeFuture.get()
        }
    }
}
