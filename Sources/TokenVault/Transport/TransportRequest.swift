/// An HTTP `POST` for a ``TokenTransport`` to send.
///
/// The headers and the body may carry client credentials: a transport must not log them.
public struct TransportRequest: Sendable {
    /// The absolute URL to post to.
    public var url: String
    /// Header fields in order; names as they should be sent.
    public var headers: [(name: String, value: String)]
    /// The request body.
    public var body: [UInt8]
    /// How long the whole exchange may take, from sending the request to the last body byte.
    public var timeout: Duration
    /// The largest response body accepted; a longer one fails with
    /// ``OAuthError/responseTooLarge(limit:)``.
    public var maxResponseBytes: Int

    /// The body size limit used unless another is given: 64 KiB.
    public static let defaultMaxResponseBytes = 64 * 1024

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - url: The absolute URL to post to.
    ///   - headers: Header fields in order.
    ///   - body: The request body.
    ///   - timeout: How long the whole exchange may take.
    ///   - maxResponseBytes: The largest response body accepted.
    public init(
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeout: Duration = .seconds(30),
        maxResponseBytes: Int = TransportRequest.defaultMaxResponseBytes
    ) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }
}

extension TransportRequest: CustomStringConvertible {
    /// The URL and header names only: values and body may hold credentials.
    public var description: String {
        let names = headers.map(\.name).joined(separator: ", ")
        return "TransportRequest(POST \(url), headers: [\(names)], body: \(body.count) bytes)"
    }
}
