extension ExampleTokenServer {
    /// A scripted answer to one token request, queued with ``ExampleTokenServer/enqueue(_:)``.
    ///
    /// Each queued behaviour answers exactly one upcoming `POST` to the token path, in FIFO order.
    /// With an empty queue, requests are answered as ``normal``.
    ///
    /// ```swift
    /// server.enqueue(.httpError(status: 503, body: "try later"), .expiresIn(60))
    /// ```
    public enum Behavior: Sendable, Hashable {
        /// Authenticates the client and issues a token, exactly as without a script.
        case normal
        /// Answers with an RFC 6749 §5.2 error: `{"error": ..., "error_description": ...}`.
        case oauthError(status: Int, error: String, description: String?)
        /// Answers with a `text/plain` body, e.g. a 503 from a load balancer.
        case httpError(status: Int, body: String)
        /// Answers with an arbitrary body: malformed JSON, HTML, JSON without `access_token`, wrong types.
        case body(status: Int, contentType: String, body: String)
        /// Like ``normal``, but the successful response has no `expires_in` field.
        case withoutExpiresIn
        /// Like ``normal``, but the token lives for the given number of seconds.
        case expiresIn(Int)
        /// Waits on the event loop, then answers with the inner behaviour (for client timeout tests).
        indirect case delayed(milliseconds: Int, then: Behavior)
        /// Closes the connection without answering.
        case closeConnection
    }
}
