import Foundation

extension Response {
    /// A JSON response encoding `value` with sorted keys, slashes left unescaped (scopes are URLs).
    static func json(status: Int, _ value: some Encodable, headers: [(String, String)] = []) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and integers cannot fail.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: headers,
            contentType: "application/json",
            body: String(decoding: data, as: UTF8.self)
        )
    }

    /// An RFC 6749 §5.2 error response: `{"error": ..., "error_description": ...}`.
    static func oauthError(
        status: Int,
        error: String,
        description: String?,
        headers: [(String, String)] = []
    ) -> Response {
        .json(status: status, OAuthErrorBody(error: error, errorDescription: description), headers: headers)
    }

    /// A short JSON error for routing failures such as 404 and 405.
    static func routingError(status: Int, error: String, headers: [(String, String)] = []) -> Response {
        .oauthError(status: status, error: error, description: nil, headers: headers)
    }
}

/// The body of an RFC 6749 §5.2 error response.
struct OAuthErrorBody: Encodable {
    var error: String
    var errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
    }
}
