/// How the client authenticates to the token endpoint (RFC 6749 §2.3.1).
public enum ClientAuthMethod: String, Sendable {
    /// `client_secret_basic`: an `Authorization: Basic` header with the form-urlencoded id and
    /// secret. What PayPal expects, and the default.
    case basic
    /// `client_secret_post`: `client_id` and `client_secret` in the form body.
    case post
}
