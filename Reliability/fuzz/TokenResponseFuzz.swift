import Foundation
import TokenVault

/// A token endpoint's answer: the first byte picks the HTTP status, the second the Content-Type,
/// the rest is the body. An accepted token is only what RFC 6749 and RFC 6750 allow (so it can
/// go into an `Authorization` header and onto a terminal as it is); an error's message is
/// printable (no control characters, cut to a bounded length).
enum TokenResponseFuzz {
    static let statuses = [200, 200, 200, 200, 400, 401, 429, 500, 201, 302]
    static let contentTypes: [String?] = [nil, "application/json", "application/json; charset=UTF-8", "text/html", "application/problem+json"]

    static func run(_ input: [UInt8]) -> Bool {
        guard input.count >= 2 else { return false }
        let status = statuses[Int(input[0]) % statuses.count]
        let contentType = contentTypes[Int(input[1]) % contentTypes.count]
        do {
            let token = try TokenResponse.token(
                status: status, contentType: contentType, body: Array(input.dropFirst(2)),
                receivedAt: Date(timeIntervalSince1970: 1_700_000_000), defaultLifetime: 900)
            expect(status == 200, "only a 200 answer is a token")
            expect(contentType.map { $0.hasPrefix("application/json") || $0.hasSuffix("+json") } ?? true, "only JSON is a token")
            expect(isB64Token(token.accessToken), "an accepted access_token is an RFC 6750 b64token")
            expect(!token.tokenType.isEmpty && token.tokenType.utf8.allSatisfy(isNameChar), "an accepted token_type is an RFC 6749 name")
            expect(token.expiresIn.map { $0 >= 1 } ?? true, "an accepted expires_in is positive")
            expect(token.expiresAt > token.obtainedAt, "an accepted token expires after it was obtained")
            var other = token
            other.accessToken = "other"
            expect(token.description == other.description, "a token's description does not show the access token")
            return true
        } catch {
            let message = error.description
            expect(message.unicodeScalars.allSatisfy { !isControlOrBidi($0) }, "an error's message has no control characters")
            // Server text is cut at 300 characters before escaping (at most 8 characters each),
            // in the code and in the description.
            expect(message.count <= 2 * (300 * 8 + 1) + 200, "an error's message is bounded")
            return false
        }
    }

    /// RFC 6750 §2.1, written out again rather than calling the parser's own check.
    private static func isB64Token(_ token: String) -> Bool {
        let bytes = Array(token.utf8)
        guard let firstPad = bytes.firstIndex(of: UInt8(ascii: "=")) ?? Optional(bytes.count), firstPad > 0 else { return false }
        return bytes[..<firstPad].allSatisfy(b64TokenBytes.contains) && bytes[firstPad...].allSatisfy { $0 == UInt8(ascii: "=") }
    }

    private static let b64TokenBytes = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/".utf8)
    private static let nameBytes = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._".utf8)

    private static func isNameChar(_ byte: UInt8) -> Bool { nameBytes.contains(byte) }

    /// Control (Cc), format (Cf: bidirectional marks and overrides, zero-width characters, the
    /// byte order mark), line and paragraph separators (Zl, Zp): what a terminal or a log viewer
    /// may act on or hide.
    private static func isControlOrBidi(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
