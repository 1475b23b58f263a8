/// What a ``TokenTransport`` got back: the status, the headers and the whole body.
public struct TransportResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields in the order received.
    public var headers: [(name: String, value: String)]
    /// The response body, at most the request's ``TransportRequest/maxResponseBytes`` long.
    public var body: [UInt8]

    /// Creates a response.
    ///
    /// - Parameters:
    ///   - status: The HTTP status code.
    ///   - headers: Header fields in the order received.
    ///   - body: The response body.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name`, compared case-insensitively.
    ///
    /// - Parameter name: The header name, e.g. `Retry-After`.
    /// - Returns: The value, or `nil` when the response has no such header.
    public func firstHeader(named name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
