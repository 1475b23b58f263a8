extension ExampleTokenServer {
    /// A registered OAuth client: the credentials the token endpoint accepts.
    ///
    /// ```swift
    /// let client = ExampleTokenServer.Client(id: "demo-client", secret: "s3cret")
    /// ```
    public struct Client: Sendable, Hashable {
        /// The client identifier (PayPal's "Client ID").
        public var id: String
        /// The client secret.
        public var secret: String

        /// Creates a client.
        /// - Parameters:
        ///   - id: The client identifier.
        ///   - secret: The client secret.
        public init(id: String, secret: String) {
            self.id = id
            self.secret = secret
        }
    }
}
