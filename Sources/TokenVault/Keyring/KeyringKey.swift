import Foundation

/// A key in a keyring, with its bytes.
package struct KeyringKey: Sendable {
    package var info: KeyInfo
    package var key: SymmetricKey

    package var id: String { info.id }

    /// A new random key with a new random id.
    package static func generate(state: KeyState, now: Date = Date()) throws -> KeyringKey {
        let id = try SecureRandom.bytes(count: 8).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
        let createdAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        return KeyringKey(
            info: KeyInfo(id: id, state: state, createdAt: createdAt), key: try .generate())
    }

    /// Key ids are 1 to 64 characters of `[A-Za-z0-9._-]`, so they fit the vault header and a
    /// command line.
    package static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5a).contains(self) || (0x61...0x7a).contains(self)
    }
}
