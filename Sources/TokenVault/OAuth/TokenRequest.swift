import Foundation

/// The client-credentials token request of RFC 6749 §4.4.2, ready for a ``TokenTransport``.
struct TokenRequest {
    var tokenURL: String
    var clientID: String
    var clientSecret: String
    var scope: String?
    var authMethod: ClientAuthMethod

    /// The form fields of the body, in order.
    var formFields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [("grant_type", "client_credentials")]
        if let scope {
            fields.append(("scope", scope))
        }
        if authMethod == .post {
            fields.append(("client_id", clientID))
            fields.append(("client_secret", clientSecret))
        }
        return fields
    }

    /// The `Authorization` value for `client_secret_basic`: id and secret each form-urlencoded
    /// before they are joined by `:` and base64-encoded (RFC 6749 §2.3.1).
    var basicAuthorization: String {
        let pair = FormURLEncoding.encode(clientID) + ":" + FormURLEncoding.encode(clientSecret)
        return "Basic " + Data(pair.utf8).base64EncodedString()
    }

    /// The request to send.
    ///
    /// - Parameters:
    ///   - timeout: The time the exchange may take.
    ///   - maxResponseBytes: The largest response body accepted.
    /// - Returns: A `POST` of the form to the token URL.
    func transportRequest(timeout: Duration, maxResponseBytes: Int) -> TransportRequest {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ]
        if authMethod == .basic {
            headers.append(("Authorization", basicAuthorization))
        }
        return TransportRequest(
            url: tokenURL,
            headers: headers,
            body: Array(FormURLEncoding.encode(formFields).utf8),
            timeout: timeout,
            maxResponseBytes: maxResponseBytes
        )
    }
}
