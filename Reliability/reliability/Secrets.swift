import Foundation
import Synchronization

/// The secrets of a run: the OAuth client's secret, the keyring passphrase, and every access
/// token the harness stored, fetched or was served, so that the leak scan can look for them.
final class Secrets: Sendable {
    let clientID = "reliability-client"
    /// Holds characters that form-encoding and base64 both change, so each encoding is distinct.
    let clientSecret = "rel+S3cret/Zq9=&x~" + Secrets.randomHex(8)
    let passphrase = "rel-pass-" + Secrets.randomHex(12)
    /// The environment variable the client secret reaches `vaultcli` through (never argv).
    let secretVariable = "RELIABILITY_CLIENT_SECRET"
    let passphraseVariable = "RELIABILITY_PASSPHRASE"

    private let tokens = Mutex<Set<String>>([])

    /// Remembers an access token, for the scan.
    func addToken(_ token: String) {
        guard token.count >= 8 else { return }
        tokens.withLock { _ = $0.insert(token) }
    }

    var allTokens: Set<String> { tokens.withLock { $0 } }

    /// The environment a fetching command needs.
    var clientEnvironment: [String: String] { [secretVariable: clientSecret] }
    var passphraseEnvironment: [String: String] { [passphraseVariable: passphrase] }

    /// The client secret in every encoding it could take on the wire or in a message: raw,
    /// form-encoded (`client_secret_post`), base64 of itself, base64 of `id:secret` raw and
    /// form-encoded (HTTP Basic, RFC 6749 §2.3.1), the same in base64url.
    var secretEncodings: [(name: String, value: String)] {
        let formSecret = Self.formEncoded(clientSecret)
        let basicRaw = Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
        let basicForm = Data("\(Self.formEncoded(clientID)):\(formSecret)".utf8).base64EncodedString()
        var encodings = [
            ("client secret", clientSecret),
            ("client secret, form-encoded", formSecret),
            ("client secret, base64", Data(clientSecret.utf8).base64EncodedString()),
            ("HTTP Basic credentials", basicRaw),
            ("HTTP Basic credentials (form-encoded parts)", basicForm),
            ("HTTP Basic credentials, base64url", Self.base64url(basicForm)),
            ("passphrase", passphrase),
        ]
        // A base64 string cut short (a log that truncates) still holds its first 24 characters.
        encodings.append(("HTTP Basic credentials, prefix", String(basicForm.prefix(24))))
        return encodings
    }

    /// `application/x-www-form-urlencoded` as TokenVault writes it (WHATWG: `*-._` and alphanumerics kept, space `+`).
    static func formEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                result += "+"
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    static func base64url(_ base64: String) -> String {
        base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
