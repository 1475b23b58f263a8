/// Where a token comes from: the token endpoint, the client it is issued to and the scope
/// requested.
///
/// A ``TokenStore`` keeps tokens by origin, and a stored token is only ever returned to a
/// manager with the same origin, so tokens of two clients or environments never mix. The
/// manager gives its origin to the store (``ClientCredentialsAuthManager/origin``); nobody passes
/// it a second time.
public struct TokenOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The token endpoint's URL.
    public var tokenURL: String
    /// The OAuth client id.
    public var clientID: String
    /// The scope requested, space-separated; `nil` for the client's default scope.
    public var scope: String?

    /// Creates an origin.
    public init(tokenURL: String, clientID: String, scope: String?) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.scope = scope
    }

    public var description: String {
        "client \(clientID) at \(tokenURL)" + (scope.map { " (scope \($0))" } ?? "")
    }
}
