/// Where tokens are requested: PayPal's sandbox or production, or any token endpoint.
///
/// ```swift
/// let live = ClientCredentialsAuthManager(credentials: credentials, environment: .production)
/// let local = OAuthEnvironment.custom(tokenURL: "http://127.0.0.1:8080/v1/oauth2/token")
/// ```
public struct OAuthEnvironment: Sendable, Hashable {
    /// The absolute URL of the token endpoint.
    public var tokenURL: String

    /// Creates an environment for the token endpoint at `tokenURL`.
    ///
    /// - Parameter tokenURL: The absolute URL of the token endpoint.
    public init(tokenURL: String) {
        self.tokenURL = tokenURL
    }

    /// PayPal's sandbox: `https://api-m.sandbox.paypal.com/v1/oauth2/token`.
    public static let sandbox = OAuthEnvironment(tokenURL: "https://api-m.sandbox.paypal.com/v1/oauth2/token")

    /// PayPal's production API: `https://api-m.paypal.com/v1/oauth2/token`.
    public static let production = OAuthEnvironment(tokenURL: "https://api-m.paypal.com/v1/oauth2/token")

    /// Any token endpoint.
    ///
    /// - Parameter tokenURL: The absolute URL of the token endpoint.
    /// - Returns: An environment requesting tokens from `tokenURL`.
    public static func custom(tokenURL: String) -> OAuthEnvironment {
        OAuthEnvironment(tokenURL: tokenURL)
    }
}
