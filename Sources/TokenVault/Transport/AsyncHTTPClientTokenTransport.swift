import AsyncHTTPClient
import NIOCore

/// A ``TokenTransport`` over AsyncHTTPClient.
///
/// The timeout of each request covers the whole exchange, including reading the body, which is
/// collected with a size cap. The client's own configuration applies otherwise (redirects, TLS,
/// connection pooling). By default a client of TokenVault's own is used, which follows no
/// redirect (a token request carries the client's credentials, which a redirect could send to
/// another host) and does not retry failed connections itself, so that an unreachable endpoint
/// is reported at once and ``RetryPolicy`` alone decides on retries. This type never shuts a
/// client down.
///
/// ```swift
/// let manager = ClientCredentialsAuthManager(
///     credentials: credentials,
///     transport: AsyncHTTPClientTokenTransport(client: myClient)
/// )
/// ```
public struct AsyncHTTPClientTokenTransport: TokenTransport {
    /// The client requests are sent with.
    let client: HTTPClient

    /// Creates a transport sending requests with TokenVault's own client (no redirects, no
    /// connection retries of its own, 10 s to connect).
    public init() {
        self.client = Self.tokenClient
    }

    /// Creates a transport sending requests with `client`.
    ///
    /// - Parameter client: The client to use. Its owner shuts it down.
    public init(client: HTTPClient) {
        self.client = client
    }

    /// The process-wide client behind ``init()``; like ``HTTPClient/shared``, it lives as long as
    /// the process.
    static let tokenClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public func post(_ request: TransportRequest) async throws -> TransportResponse {
        let deadline = ContinuousClock.now.advanced(by: request.timeout)
        var httpRequest = HTTPClientRequest(url: request.url)
        httpRequest.method = .POST
        for header in request.headers {
            httpRequest.headers.add(name: header.name, value: header.value)
        }
        httpRequest.body = .bytes(ByteBuffer(bytes: request.body))

        do {
            let response = try await client.execute(httpRequest, timeout: TimeAmount(request.timeout))
            let limit = request.maxResponseBytes
            // `execute`'s timeout ends with the response head; bound the body by the same deadline.
            let body = try await withDeadline(deadline) {
                try await response.body.collect(upTo: limit)
            }
            return TransportResponse(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: Array(buffer: body)
            )
        } catch {
            throw Self.transportError(for: error, limit: request.maxResponseBytes)
        }
    }

    /// The ``OAuthError`` (or `CancellationError`) that reports `error` to the auth manager.
    static func transportError(for error: any Error, limit: Int) -> any Error {
        switch error {
        case is CancellationError, is OAuthError:
            return error
        case is NIOTooManyBytesError:
            return OAuthError.responseTooLarge(limit: limit)
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout:
                return OAuthError.timeout
            case .invalidURL, .emptyHost, .emptyScheme:
                return OAuthError.invalidTokenURL
            case _ where error.shortDescription == HTTPClientError.unsupportedScheme("").shortDescription:
                return OAuthError.invalidTokenURL
            case .cancelled where Task.isCancelled:
                return CancellationError()
            default:
                return OAuthError.unreachable(reason: error.description)
            }
        case let error as ChannelError:
            if case .connectTimeout = error { return OAuthError.timeout }
            return OAuthError.unreachable(reason: String(describing: error))
        default:
            return OAuthError.unreachable(reason: String(describing: error))
        }
    }
}
