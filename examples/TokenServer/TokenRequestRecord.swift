/// What a client sent to the token endpoint, kept so tests can assert on it.
///
/// ```swift
/// #expect(server.lastTokenRequest?.authMethod == .basic)
/// #expect(server.lastTokenRequest?.form["grant_type"] == "client_credentials")
/// ```
public typealias TokenRequestRecord = ExampleTokenServer.TokenRequestRecord

extension ExampleTokenServer {
    /// What a client sent to the token endpoint, kept so tests can assert on it.
    public struct TokenRequestRecord: Sendable, Hashable {
        /// How the client authenticated (RFC 6749 §2.3.1).
        public enum AuthMethod: String, Sendable, Hashable {
            /// HTTP Basic: `Authorization: Basic base64(urlencode(id):urlencode(secret))`.
            case basic
            /// `client_id` and `client_secret` in the form body.
            case post
        }

        /// The HTTP method, e.g. `POST`.
        public var method: String
        /// The request target as sent, including any query.
        public var uri: String
        /// The request headers, names lowercased; repeated headers are joined with `", "`.
        public var headers: [String: String]
        /// The raw request body, decoded as UTF-8 (invalid bytes replaced).
        public var body: String
        /// The parsed form fields, or empty when the body was not a valid form.
        public var form: [String: String]
        /// The client the server authenticated, or `nil` when authentication failed or did not happen.
        public var clientID: String?
        /// The authentication method the client used, or `nil` when it sent no credentials.
        public var authMethod: AuthMethod?
    }
}
