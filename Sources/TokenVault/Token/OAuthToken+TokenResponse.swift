import Foundation

extension OAuthToken {
    /// Parses the JSON body of a successful token response (RFC 6749 §5.1, with PayPal's
    /// `app_id` and `nonce`), as `vaultcli put` reads it from standard input.
    ///
    /// - Parameters:
    ///   - body: The response body.
    ///   - receivedAt: When the response was received; the expiry counts from it.
    ///   - defaultLifetime: The lifetime given when the body has no `expires_in`.
    /// - Throws: ``OAuthError/invalidTokenResponse(reason:)`` when the body is not a valid token
    ///   response; the reason names fields, never their values.
    public init(tokenResponse body: some Collection<UInt8>, receivedAt: Date = Date(), defaultLifetime: TimeInterval = OAuthToken.defaultLifetime) throws {
        self = try TokenResponse.parseToken(Array(body), receivedAt: receivedAt, defaultLifetime: defaultLifetime)
    }
}
