/// The JSON of a successful PayPal token response.
struct TokenResponseBody: Encodable {
    var scope: String
    var accessToken: String
    var tokenType = "Bearer"
    var appID: String
    /// Left out of the JSON when `nil`.
    var expiresIn: Int?
    var nonce: String

    enum CodingKeys: String, CodingKey {
        case scope
        case accessToken = "access_token"
        case tokenType = "token_type"
        case appID = "app_id"
        case expiresIn = "expires_in"
        case nonce
    }
}
