import Foundation

/// Where tokens are requested: PayPal's sandbox or production, or any token endpoint.
///
/// ```swift
/// let live = ClientCredentialsAuthManager(credentials: credentials, environment: .production)
/// let local = OAuthEnvironment.custom(tokenURL: "http://127.0.0.1:8080/v1/oauth2/token")
/// ```
public struct OAuthEnvironment: Sendable, Hashable {
    /// The absolute URL of the token endpoint.
    public var tokenURL: String
    /// Whether an `http://` URL to a host other than loopback may be used, sending the client
    /// secret in clear; `false` by default, when such a request fails with
    /// ``OAuthError/insecureTokenURL`` before any connection.
    public var allowsPlainHTTP: Bool

    /// Creates an environment for the token endpoint at `tokenURL`.
    ///
    /// - Parameters:
    ///   - tokenURL: The absolute URL of the token endpoint.
    ///   - allowsPlainHTTP: Allow `http://` to a host other than loopback (`127.0.0.0/8`,
    ///     `::1`, `localhost`); `false` by default.
    public init(tokenURL: String, allowsPlainHTTP: Bool = false) {
        self.tokenURL = tokenURL
        self.allowsPlainHTTP = allowsPlainHTTP
    }

    /// Whether a request to ``tokenURL`` would send the client credentials in clear to another
    /// machine without that being allowed.
    package var isRefusedPlainHTTP: Bool {
        guard !allowsPlainHTTP, let url = URLComponents(string: tokenURL), url.scheme?.lowercased() == "http" else { return false }
        let host = (url.host ?? "").lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return !(host == "localhost" || host == "::1" || host.hasPrefix("127."))
    }

    /// PayPal's sandbox: `https://api-m.sandbox.paypal.com/v1/oauth2/token`.
    public static let sandbox = OAuthEnvironment(tokenURL: "https://api-m.sandbox.paypal.com/v1/oauth2/token")

    /// PayPal's production API: `https://api-m.paypal.com/v1/oauth2/token`.
    public static let production = OAuthEnvironment(tokenURL: "https://api-m.paypal.com/v1/oauth2/token")

    /// Any token endpoint.
    ///
    /// - Parameter tokenURL: The absolute URL of the token endpoint.
    /// - Returns: An environment requesting tokens from `tokenURL`.
    public static func custom(tokenURL: String, allowsPlainHTTP: Bool = false) -> OAuthEnvironment {
        OAuthEnvironment(tokenURL: tokenURL, allowsPlainHTTP: allowsPlainHTTP)
    }
}
