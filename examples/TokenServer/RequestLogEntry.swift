/// One answered request, for a request log. It never holds credentials or tokens.
///
/// ```swift
/// let server = try await ExampleTokenServer.start(clients: clients) { entry in
///     print(entry)  // POST /v1/oauth2/token 200 client=demo-client
/// }
/// ```
public struct RequestLogEntry: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP method.
    public var method: String
    /// The request path, without the query.
    public var path: String
    /// The status answered, or `nil` when the connection was closed without an answer.
    public var status: Int?
    /// The authenticated client, if any.
    public var clientID: String?

    public var description: String {
        var line = "\(method) \(path) \(status.map(String.init) ?? "closed")"
        if let clientID {
            line += " client=\(clientID)"
        }
        return line
    }
}
