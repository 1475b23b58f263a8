/// The one network operation the OAuth layer needs: POST a form and read back the status, the
/// headers and a body of bounded size.
///
/// ``AsyncHTTPClientTokenTransport`` is the implementation used by default. Another implementation
/// (a test double, another HTTP stack) should report failures with the same ``OAuthError`` cases
/// so that ``ClientCredentialsAuthManager`` can tell what to retry:
/// - ``OAuthError/timeout`` when ``TransportRequest/timeout`` elapsed,
/// - ``OAuthError/unreachable(reason:)`` when no response came back (connection refused or
///   reset, DNS failure),
/// - ``OAuthError/responseTooLarge(limit:)`` when the body exceeded
///   ``TransportRequest/maxResponseBytes``,
/// - ``OAuthError/invalidTokenURL`` when the URL cannot be used at all.
///
/// Any other error thrown is treated like ``OAuthError/unreachable(reason:)``. A transport
/// returns non-2xx responses normally; it does not throw for them.
///
/// ```swift
/// let transport: any TokenTransport = AsyncHTTPClientTokenTransport()
/// let response = try await transport.post(request)
/// print(response.status)
/// ```
public protocol TokenTransport: Sendable {
    /// Sends `request` as an HTTP `POST` and returns the response with its whole body.
    ///
    /// - Parameter request: The URL, headers, body and limits of the request.
    /// - Returns: The status, headers and body of the response.
    func post(_ request: TransportRequest) async throws -> TransportResponse
}
