import Foundation
import HTTPTypes
import OpenAPIRuntime
import TokenVault

/// An OpenAPI client middleware that authorizes each request with a bearer token from a
/// ``ClientCredentialsAuthManager``, and sends it once more with a new token when the server
/// answers 401 Unauthorized.
///
/// The `Authorization` header field is set to the value of
/// ``ClientCredentialsAuthManager/token()`` (replacing any the request had). On a 401, that token
/// is invalidated, the 401 body is read and discarded, and the request goes to `next` a second
/// time with a new token; many requests rejected together share one token refresh. The second
/// response is returned whatever it is, so a second 401 reaches the caller. See
/// ``ClientCredentialsAuthManager/sendAuthorized(isolation:_:isUnauthorized:shouldRetry:)``.
///
/// A request body whose `iterationBehavior` is `.single` (one made from an `AsyncStream`, say)
/// cannot be sent twice. For such a request a 401 is returned untouched, body unread, without a
/// retry; its token is still invalidated, so the next request gets a new one. Bodies made from
/// bytes, strings or `Data` are `.multiple` and are sent again.
///
/// ```swift
/// let client = Client(
///     serverURL: try Servers.Server1.url(),
///     transport: AsyncHTTPClientTokenTransport(),
///     middlewares: [BearerTokenMiddleware(authManager: manager)]
/// )
/// ```
public struct BearerTokenMiddleware: ClientMiddleware {
    /// Where the tokens come from.
    public let authManager: ClientCredentialsAuthManager

    /// Creates a middleware authorizing requests with tokens from `authManager`.
    ///
    /// - Parameter authManager: Where the tokens come from.
    public init(authManager: ClientCredentialsAuthManager) {
        self.authManager = authManager
    }

    public func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let canResend = body.map { $0.iterationBehavior == .multiple } ?? true
        return try await authManager.sendAuthorized(
            { authorization in
                var request = request
                request.headerFields[.authorization] = authorization
                return try await next(request, body, baseURL)
            },
            isUnauthorized: { response, _ in response.status == .unauthorized },
            shouldRetry: { _, rejectedBody in
                guard canResend else {
                    return false
                }
                await rejectedBody?.discard(upTo: HTTPBody.discardLimit)
                return true
            }
        )
    }
}
