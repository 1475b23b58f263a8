import Foundation

/// Makes PayPal-shaped access tokens and nonces from `SystemRandomNumberGenerator`.
enum TokenGenerator {
    /// A new access token: `A21AA` and 64 random bytes in unpadded base64url (91 characters).
    static func accessToken() -> String {
        "A21AA" + randomURLSafe(byteCount: 64)
    }

    /// A new nonce: the current UTC time to the second, then 32 random bytes in unpadded base64url.
    /// - Parameter date: The time to stamp.
    /// - Returns: e.g. `2026-11-29T07:05:37Zk3J...`.
    static func nonce(at date: Date = Date()) -> String {
        date.formatted(.iso8601) + randomURLSafe(byteCount: 32)
    }

    /// Random bytes in unpadded base64url.
    static func randomURLSafe(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
