import AsyncHTTPClient
import Logging
import NIOCore

extension HTTPClient {
    /// Executes `request` with a bearer token from `manager`, and once more with a new token when
    /// the server answers 401 Unauthorized.
    ///
    /// The `Authorization` header is set to the value of ``ClientCredentialsAuthManager/token()``
    /// (replacing any the request had). On a 401, that token is invalidated, the 401 body is read
    /// and discarded, and the request is executed a second time with a new token; many requests
    /// rejected together share one token refresh. The second response is returned whatever it is,
    /// so a second 401 reaches the caller. See
    /// ``ClientCredentialsAuthManager/sendAuthorized(isolation:_:isUnauthorized:shouldRetry:)``.
    ///
    /// - Important: The retry sends `request` again, body included, so the body must be
    ///   replayable. Bodies made with `.bytes(…)` are. A `.stream(…)` body is iterated a second
    ///   time from a new iterator of its sequence: use one only if that sequence yields the same
    ///   bytes every time it is iterated (not an `AsyncStream`, which yields its elements once).
    ///   `HTTPClientRequest.Body` does not tell whether it can be replayed, so this method cannot
    ///   check; AsyncHTTPClient itself refuses to replay a streamed body when following a redirect.
    ///
    /// - Parameters:
    ///   - request: The request to execute, without an `Authorization` header.
    ///   - manager: Where the token comes from.
    ///   - timeout: How long executing may take, both sends together; the token refresh between
    ///     them is bounded by the manager's own request timeout instead. As with
    ///     `execute(_:timeout:logger:)`, reading the returned body is not covered.
    ///   - logger: The logger the client uses for the request.
    /// - Returns: The response: the first one unless it was a 401, otherwise the second one.
    /// - Throws: What `execute(_:deadline:logger:)` or ``ClientCredentialsAuthManager/token()``
    ///   threw.
    ///
    /// ```swift
    /// let request = HTTPClientRequest(url: "https://api-m.sandbox.paypal.com/v2/checkout/orders/5O190127TN364715T")
    /// let response = try await HTTPClient.shared.execute(request, authorizedBy: manager, timeout: .seconds(30))
    /// let body = try await response.body.collect(upTo: 1024 * 1024)
    /// ```
    public func execute(
        _ request: HTTPClientRequest,
        authorizedBy manager: ClientCredentialsAuthManager,
        timeout: TimeAmount,
        logger: Logger? = nil
    ) async throws -> HTTPClientResponse {
        let deadline = NIODeadline.now() + timeout
        return try await manager.sendAuthorized(
            { authorization in
                var request = request
                request.headers.replaceOrAdd(name: "Authorization", value: authorization)
                return try await self.execute(request, deadline: deadline, logger: logger)
            },
            isUnauthorized: { $0.status == .unauthorized },
            shouldRetry: { rejected in
                await rejected.body.discard(upTo: HTTPClientResponse.Body.discardLimit)
                return true
            }
        )
    }
}
