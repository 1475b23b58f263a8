extension ClientCredentialsAuthManager {
    /// Sends a request with a bearer token and, when the token is rejected, once more with a new
    /// one.
    ///
    /// The request is sent with the `Authorization` value of ``token()``. When `isUnauthorized`
    /// says the response rejected the token (HTTP 401), exactly the token that was sent is
    /// invalidated (``invalidate(_:)``), and the request is sent a second time with the
    /// `Authorization` value of a new ``token()``. Whatever the second response is, a 401 too, it
    /// is returned: there is never a third send.
    ///
    /// Many callers rejected for the same token together cause one token refresh. The first
    /// invalidation forgets the token and the next ``token()`` refreshes; every other caller finds
    /// the token already gone or replaced, so its invalidation does nothing and it joins the
    /// refresh in flight or takes the new token. A caller that sent an older token never
    /// invalidates a newer one.
    ///
    /// Between the two sends, `shouldRetry` decides whether the request can be sent again (a
    /// request body that was streamed once may not be replayable) and releases what the rejected
    /// response holds. When it returns `false` the rejected response is returned as is; its token
    /// has been invalidated all the same, so the next request gets a new one.
    ///
    /// - Parameters:
    ///   - isolation: The actor `send`, `isUnauthorized` and `shouldRetry` run on; the caller's.
    ///   - send: Sends the request with `authorization` as its `Authorization` header value, e.g.
    ///     `Bearer A21AA…`, and returns the response. Called once, or twice after a rejection.
    ///   - isUnauthorized: Whether `response` rejected the token, normally when its status is 401.
    ///     Asked about the first response only.
    ///   - shouldRetry: Called with a rejected first response, after its token was invalidated.
    ///     Returns `true` to send again, in which case the response is dropped (read and discard
    ///     its body here), or `false` to return it to the caller untouched. By default, `true`.
    /// - Returns: The first response when it did not reject the token or `shouldRetry` declined,
    ///   otherwise the second response.
    /// - Throws: What ``token()`` or `send` threw.
    ///
    /// ```swift
    /// let response = try await manager.sendAuthorized(
    ///     { authorization in
    ///         var request = request
    ///         request.headers.replaceOrAdd(name: "Authorization", value: authorization)
    ///         return try await client.execute(request, deadline: deadline)
    ///     },
    ///     isUnauthorized: { $0.status == .unauthorized },
    ///     shouldRetry: { rejected in
    ///         _ = try? await rejected.body.collect(upTo: 64 * 1024)
    ///         return true
    ///     }
    /// )
    /// ```
    public func sendAuthorized<Response>(
        isolation: isolated (any Actor)? = #isolation,
        _ send: (_ authorization: String) async throws -> Response,
        isUnauthorized: (_ response: Response) -> Bool,
        shouldRetry: (_ rejected: Response) async -> Bool = { _ in true }
    ) async throws -> Response {
        let sent = try await token()
        let response = try await send(sent.authorizationHeaderValue)
        guard isUnauthorized(response) else {
            return response
        }
        let forgotten = invalidate(sent)
        logger.debug(
            "request unauthorized; token invalidated",
            metadata: ["oauth.token_url": "\(tokenURL)", "oauth.token_was_current": "\(forgotten)"]
        )
        guard await shouldRetry(response) else {
            logger.debug("unauthorized request not sent again", metadata: ["oauth.token_url": "\(tokenURL)"])
            return response
        }
        let fresh = try await token()
        return try await send(fresh.authorizationHeaderValue)
    }
}
