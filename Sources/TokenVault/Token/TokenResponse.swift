import Foundation

/// Reads a token endpoint's answer: a token (RFC 6749 §5.1, with PayPal's extra fields) or an
/// error (§5.2).
///
/// Error reasons name fields and JSON types only, never values, so an access token cannot leak
/// into a message.
package enum TokenResponse {
    /// The token in a `200` response, or the error the response stands for.
    ///
    /// - Parameters:
    ///   - status: The response's HTTP status.
    ///   - body: The response's body.
    ///   - receivedAt: When the response arrived; the token's `obtainedAt`.
    ///   - defaultLifetime: The lifetime used when `expires_in` is absent.
    /// - Returns: The token.
    /// - Throws: ``OAuthError/tokenEndpoint(status:code:description:)`` for an RFC 6749 error
    ///   object in a 4xx response, ``OAuthError/httpStatus(_:)`` for other non-2xx responses,
    ///   ``OAuthError/invalidTokenResponse(reason:)`` for anything else that is not a token.
    package static func token(
        status: Int,
        contentType: String? = nil,
        body: [UInt8],
        receivedAt: Date,
        defaultLifetime: TimeInterval
    ) throws(OAuthError) -> OAuthToken {
        switch status {
        case 200:
            // RFC 6749 §5.1: the answer is application/json. A page of another type (a captive
            // portal, a proxy's page) is not a token response, whatever its body parses as. No
            // Content-Type at all is let through: the body's strict parse still decides.
            if let contentType, !isJSON(contentType) {
                throw .invalidTokenResponse(reason: "Content-Type is not application/json")
            }
            return try parseToken(body, receivedAt: receivedAt, defaultLifetime: defaultLifetime)
        case 201...299:
            throw .invalidTokenResponse(reason: "HTTP \(status) instead of 200")
        case 400...499:
            if let error = endpointError(body, status: status) {
                throw error
            }
            throw .httpStatus(status)
        default:
            throw .httpStatus(status)
        }
    }

    static func parseToken(
        _ body: [UInt8],
        receivedAt: Date,
        defaultLifetime: TimeInterval
    ) throws(OAuthError) -> OAuthToken {
        let fields = try object(in: body)

        guard let accessTokenValue = fields["access_token"] else {
            throw .invalidTokenResponse(reason: "no access_token")
        }
        guard case .string(let accessToken) = accessTokenValue else {
            throw .invalidTokenResponse(reason: "access_token is \(accessTokenValue.typeName), not a string")
        }
        guard !accessToken.isEmpty else {
            throw .invalidTokenResponse(reason: "access_token is empty")
        }
        // It goes into an Authorization header and onto command lines' output: only what
        // RFC 6750 allows there (b64token, within RFC 6749's VSCHAR), so a server cannot slip a
        // CR/LF, a space or an escape sequence through it.
        guard isBearerToken(accessToken) else {
            throw .invalidTokenResponse(reason: "access_token has characters RFC 6750 does not allow in a bearer token")
        }
        guard let tokenTypeValue = fields["token_type"] else {
            throw .invalidTokenResponse(reason: "no token_type")
        }
        guard case .string(let tokenType) = tokenTypeValue else {
            throw .invalidTokenResponse(reason: "token_type is \(tokenTypeValue.typeName), not a string")
        }
        guard !tokenType.isEmpty, tokenType.utf8.allSatisfy(isNameChar) else {
            throw .invalidTokenResponse(reason: "token_type is not an RFC 6749 type name")
        }

        var expiresIn: Int?
        switch fields["expires_in"] {
        case nil, .null:
            expiresIn = nil
        case .number(let seconds):
            // Whole seconds; anything from 1 s up to ~68 years is accepted.
            guard seconds.isFinite, seconds >= 1, seconds <= Double(Int32.max) else {
                throw .invalidTokenResponse(reason: "expires_in is not a positive number of seconds")
            }
            expiresIn = Int(seconds)
        case .some(let other):
            throw .invalidTokenResponse(reason: "expires_in is \(other.typeName), not a number")
        }

        return OAuthToken(
            accessToken: accessToken,
            tokenType: tokenType,
            expiresIn: expiresIn,
            scope: try optionalString("scope", in: fields),
            obtainedAt: receivedAt,
            appId: try optionalString("app_id", in: fields),
            nonce: try optionalString("nonce", in: fields),
            defaultLifetime: defaultLifetime
        )
    }

    /// The RFC 6749 §5.2 error in `body`, if it holds one: an object with a string `error`.
    static func endpointError(_ body: [UInt8], status: Int) -> OAuthError? {
        guard let fields = try? object(in: body), case .string(let code) = fields["error"], !code.isEmpty else {
            return nil
        }
        var description: String?
        if case .string(let text) = fields["error_description"] {
            description = text
        }
        return .tokenEndpoint(status: status, code: code, description: description)
    }

    private static func object(in body: [UInt8]) throws(OAuthError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw .invalidTokenResponse(reason: "body is not JSON")
        }
        guard case .object(let fields) = value else {
            throw .invalidTokenResponse(reason: "body is \(value.typeName), not a JSON object")
        }
        return fields
    }

    private static func optionalString(_ name: String, in fields: [String: JSONValue]) throws(OAuthError) -> String? {
        switch fields[name] {
        case nil, .null:
            return nil
        case .string(let value):
            return value
        case .some(let other):
            throw .invalidTokenResponse(reason: "\(name) is \(other.typeName), not a string")
        }
    }

    /// RFC 6750 §2.1 `b64token`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
    static func isBearerToken(_ token: String) -> Bool {
        let bytes = Array(token.utf8)
        let body = bytes.prefix { $0 != UInt8(ascii: "=") }
        let padding = bytes.dropFirst(body.count)
        return !body.isEmpty && padding.allSatisfy { $0 == UInt8(ascii: "=") }
            && body.allSatisfy { isAlphanumeric($0) || "-._~+/".utf8.contains($0) }
    }

    /// RFC 6749 appendix A.13 `name-char`: `"-" / "." / "_" / DIGIT / ALPHA`.
    static func isNameChar(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
    }
}

extension TokenResponse {
    /// Whether a Content-Type value names JSON: `application/json` or a `+json` type, with any
    /// parameters (`; charset=UTF-8`).
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
