/// Why a token could not be obtained.
///
/// No case carries or prints the client secret or an access token. Server-supplied words
/// (``tokenEndpoint(status:code:description:)``) are kept as the server sent them.
///
/// ```swift
/// do {
///     _ = try await manager.token()
/// } catch let error as OAuthError where error.isCredentialsRejected {
///     print("check the client id and secret: \(error)")
/// }
/// ```
public enum OAuthError: Error, Sendable, Equatable {
    /// The endpoint answered with an RFC 6749 §5.2 error object, e.g. `invalid_client` or
    /// `invalid_scope`, with the server's own description when it gave one.
    case tokenEndpoint(status: Int, code: String, description: String?)
    /// The endpoint answered with a non-2xx status and no RFC 6749 error object.
    case httpStatus(Int)
    /// The endpoint answered, but not with a usable token (not JSON, a missing or mistyped field,
    /// a non-positive `expires_in`).
    case invalidTokenResponse(reason: String)
    /// No response came back: connection refused or reset, name resolution failed.
    case unreachable(reason: String)
    /// The request did not complete within its timeout.
    case timeout
    /// The response body was larger than the limit, in bytes.
    case responseTooLarge(limit: Int)
    /// The token URL cannot be used (malformed, or not `http`/`https`).
    case invalidTokenURL
    /// The token URL is `http://` to a host other than loopback, which would send the client
    /// secret in clear; allow it explicitly with ``OAuthEnvironment/allowsPlainHTTP``.
    case insecureTokenURL
    /// The `oAuthTokenProvider` returned a token that is already expired.
    case providerReturnedExpiredToken
    /// `token()` or `authorizationHeader()` was called from inside the `oAuthTokenProvider` of the
    /// same manager, which would wait on itself forever. Call `fetchToken()` there instead.
    case reentrantTokenRequest
}

extension OAuthError {
    /// Whether the endpoint rejected the client credentials: `invalid_client`,
    /// `unauthorized_client`, or a bare HTTP 401.
    public var isCredentialsRejected: Bool {
        switch self {
        case .tokenEndpoint(let status, let code, _):
            return code == "invalid_client" || code == "unauthorized_client" || status == 401
        case .httpStatus(let status):
            return status == 401
        default:
            return false
        }
    }

    /// Whether the endpoint could not be reached in time: ``unreachable(reason:)`` or
    /// ``timeout``.
    public var isUnreachable: Bool {
        switch self {
        case .unreachable, .timeout:
            return true
        default:
            return false
        }
    }

    /// Whether the endpoint gave a final answer that repeating the request will not change: an
    /// RFC 6749 error `invalid_client`, `unauthorized_client`, `invalid_scope` or
    /// `invalid_grant`, or any other 4xx but 408 (timeout) and 429 (too many requests).
    public var isTerminal: Bool {
        switch self {
        case .tokenEndpoint(let status, let code, _):
            return ["invalid_client", "unauthorized_client", "invalid_scope", "invalid_grant"].contains(code)
                || ((400...499).contains(status) && status != 408 && status != 429)
        case .httpStatus(let status):
            return (400...499).contains(status) && status != 408 && status != 429
        default:
            return false
        }
    }

    /// Whether a later attempt might succeed without any change on the caller's side.
    var isTransient: Bool {
        switch self {
        case .unreachable, .timeout:
            return true
        case .httpStatus(let status), .tokenEndpoint(let status, _, _):
            return status == 429 || (500...599).contains(status)
        default:
            return false
        }
    }
}

extension OAuthError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .tokenEndpoint(let status, let code, let description):
            let detail = description.map { ": \(Self.printable($0))" } ?? ""
            return "token endpoint rejected the request (HTTP \(status), \(Self.printable(code)))\(detail)"
        case .httpStatus(let status):
            return "token endpoint answered HTTP \(status)"
        case .invalidTokenResponse(let reason):
            return "invalid token response: \(reason)"
        case .unreachable(let reason):
            return "token endpoint unreachable: \(Self.printable(reason))"
        case .timeout:
            return "token request timed out"
        case .responseTooLarge(let limit):
            return "token response larger than \(limit) bytes"
        case .insecureTokenURL:
            return "refusing to send client credentials in clear: the token URL is http:// to a host other than loopback (use https, or allow plain http explicitly)"
        case .invalidTokenURL:
            return "invalid token URL"
        case .providerReturnedExpiredToken:
            return "the token provider returned an expired token"
        case .reentrantTokenRequest:
            return "token() called from inside the token provider; call fetchToken() there"
        }
    }
}

extension OAuthError {
    /// Server- or transport-supplied `text` made safe to print on a terminal or in a log line:
    /// every control, format (bidirectional marks and overrides, zero-width characters, the byte
    /// order mark), line separator and paragraph separator character is escaped as `\u{…}`, and
    /// the text is cut at 300 characters.
    package static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars.prefix(300) {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator:
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > 300 ? result + "…" : result
    }
}
