extension ExampleTokenServer {
    /// The number of requests received on the token path, whatever their outcome.
    public var tokenRequestCount: Int {
        state.values.withLock { $0.tokenRequestCount }
    }

    /// The number of access tokens issued.
    public var issuedTokenCount: Int {
        state.values.withLock { $0.issuedTokenCount }
    }

    /// What the last request on the token path carried, or `nil` before the first.
    public var lastTokenRequest: TokenRequestRecord? {
        state.values.withLock { $0.lastTokenRequest }
    }

    /// Queues scripted answers: each answers exactly one upcoming `POST` to the token path, in FIFO order.
    ///
    /// Once the queue is empty, requests are answered normally.
    /// - Parameter behaviors: The answers, first one first.
    public func enqueue(_ behaviors: Behavior...) {
        state.values.withLock { $0.behaviors.append(contentsOf: behaviors) }
    }

    /// Revokes an issued access token: the protected endpoint answers 401 for it from now on.
    /// - Parameter accessToken: The token, as issued.
    public func revoke(accessToken: String) {
        _ = state.values.withLock { $0.tokens.removeValue(forKey: accessToken) }
    }

    /// Revokes every issued access token.
    public func revokeAll() {
        state.values.withLock { $0.tokens.removeAll() }
    }
}
