import Foundation

/// The client credentials and token hooks of an OAuth 2.0 client-credentials client, shaped
/// like the PayPal Server SDK's `ClientCredentialsAuthCredentials`.
///
/// `description`, `debugDescription` and the reflection mirror never show the client secret or
/// the access token.
///
/// ```swift
/// let credentials = ClientCredentialsAuthCredentials(
///     oAuthClientId: clientId,
///     oAuthClientSecret: clientSecret,
///     oAuthOnTokenUpdate: { token in try await store.save(token) }
/// )
/// let manager = ClientCredentialsAuthManager(credentials: credentials, environment: .sandbox)
/// ```
public struct ClientCredentialsAuthCredentials: Sendable {
    /// Supplies a token when the manager holds none or an expired one.
    ///
    /// Called with the last token the manager knew (possibly expired or invalidated) and the
    /// manager itself, so it can call ``ClientCredentialsAuthManager/fetchToken()`` when its own
    /// source has nothing better. It must not call ``ClientCredentialsAuthManager/token()``,
    /// which would wait on this very call (that throws ``OAuthError/reentrantTokenRequest``).
    public typealias TokenProvider =
        @Sendable (_ lastToken: OAuthToken?, _ authManager: ClientCredentialsAuthManager) async throws -> OAuthToken

    /// Told about each new current token, e.g. to persist it.
    public typealias TokenUpdateHandler = @Sendable (_ token: OAuthToken) async throws -> Void

    /// The OAuth client id.
    public let oAuthClientId: String
    /// The OAuth client secret. Never logged or printed.
    public let oAuthClientSecret: String
    /// The token to start with, e.g. one restored from storage.
    public let oAuthToken: OAuthToken?
    /// Supplies tokens instead of the plain token request; see ``TokenProvider``.
    public let oAuthTokenProvider: TokenProvider?
    /// Called when the current token changes; see ``TokenUpdateHandler``.
    public let oAuthOnTokenUpdate: TokenUpdateHandler?
    /// Seconds before `expiresAt` at which a token already counts as expired (capped at a tenth of
    /// the token's lifetime; see ``OAuthToken/isExpired(at:clockSkew:)``).
    public let oAuthClockSkew: TimeInterval

    /// Creates credentials.
    ///
    /// - Parameters:
    ///   - oAuthClientId: The OAuth client id.
    ///   - oAuthClientSecret: The OAuth client secret.
    ///   - oAuthToken: The token to start with, if any.
    ///   - oAuthTokenProvider: Supplies tokens instead of the plain token request.
    ///   - oAuthOnTokenUpdate: Called when the current token changes.
    ///   - oAuthClockSkew: Seconds of early expiry; 60 by default.
    public init(
        oAuthClientId: String,
        oAuthClientSecret: String,
        oAuthToken: OAuthToken? = nil,
        oAuthTokenProvider: TokenProvider? = nil,
        oAuthOnTokenUpdate: TokenUpdateHandler? = nil,
        oAuthClockSkew: TimeInterval = 60
    ) {
        self.oAuthClientId = oAuthClientId
        self.oAuthClientSecret = oAuthClientSecret
        self.oAuthToken = oAuthToken
        self.oAuthTokenProvider = oAuthTokenProvider
        self.oAuthOnTokenUpdate = oAuthOnTokenUpdate
        self.oAuthClockSkew = oAuthClockSkew
    }
}

extension ClientCredentialsAuthCredentials: CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var description: String {
        "ClientCredentialsAuthCredentials(oAuthClientId: \(oAuthClientId), oAuthClientSecret: <redacted>, "
            + "oAuthToken: \(oAuthToken.map { String(describing: $0) } ?? "nil"), "
            + "oAuthTokenProvider: \(oAuthTokenProvider == nil ? "nil" : "set"), "
            + "oAuthOnTokenUpdate: \(oAuthOnTokenUpdate == nil ? "nil" : "set"), oAuthClockSkew: \(oAuthClockSkew))"
    }

    public var debugDescription: String { description }

    /// A mirror without the secret, so `dump` and debuggers do not show it either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "oAuthClientId": oAuthClientId,
                "oAuthClientSecret": "<redacted>",
                "oAuthToken": oAuthToken as Any,
                "oAuthClockSkew": oAuthClockSkew,
            ],
            displayStyle: .struct
        )
    }
}
