import Foundation

/// The keyring file format (docs/FORMAT.md): a header, then the key list as JSON, either in the
/// clear (the file is protected by its `0600` mode) or sealed under a key derived from a
/// passphrase with scrypt: with XAES-256-GCM in format 2 (written), AES-256-GCM in format 1
/// (read, and rewritten as format 2 when the keyring next changes).
package struct KeyringFile: Sendable {
    package static let magic: [UInt8] = Array("TVKR".utf8)
    /// The version written.
    package static let formatVersion: UInt8 = 2
    /// The largest keyring file read: thousands of keys; anything larger is refused unread.
    package static let maxBytes = 1 << 20
    static let saltByteCount = 16

    /// How the key list is protected.
    package enum Protection: Sendable {
        case none
        /// Sealed under `key`, derived from the passphrase with `scrypt` and `salt`.
        case passphrase(scrypt: Scrypt, salt: [UInt8], key: SymmetricKey)

        /// Protection under `passphrase` with a new random salt, or none without a passphrase.
        package static func derived(from passphrase: Passphrase?, scrypt: Scrypt) throws -> Protection {
            guard let passphrase else { return .none }
            let salt = try SecureRandom.bytes(count: KeyringFile.saltByteCount)
            let key = try passphrase.withBytes { try scrypt.deriveKey(passphrase: $0, salt: salt) }
            return .passphrase(scrypt: scrypt, salt: salt, key: key)
        }
    }

    package var keys: [KeyringKey]
    package var protection: Protection

    /// The primary key (a valid keyring has exactly one).
    package var primary: KeyringKey {
        keys.first { $0.info.state == .primary }!
    }

    package func key(id: String) -> KeyringKey? { keys.first { $0.id == id } }

    // MARK: Encoding

    /// The bytes of the keyring file, in format 2.
    ///
    /// - Parameter nonce: Leave it `nil` for a fresh random nonce; only known-answer tests pass one.
    package func encoded(nonce: [UInt8]? = nil) throws -> [UInt8] {
        var document = try JSONEncoder.keyring.encode(Document(keys: keys.map(Document.Key.init)))
        defer { document.withUnsafeMutableBytes { $0.cleanseBytes() } }
        switch protection {
        case .none:
            // Format 2: the key list behind its length and before a SHA-256 of all that precedes
            // it, so that a damaged or truncated file is refused rather than read as other keys.
            guard let length = UInt32(exactly: document.count) else { throw VaultError.tooLarge("the key list") }
            var file = Self.magic + [Self.formatVersion, 0]
            file.appendBigEndian(length)
            file += document
            file += try SHA256.hash(file)
            return file
        case .passphrase(let scrypt, let salt, let key):
            var prefix = Self.magic + [Self.formatVersion, 1, scrypt.logN]
            prefix.appendBigEndian(scrypt.r)
            prefix.appendBigEndian(scrypt.p)
            var plaintext = Array(document)
            defer { plaintext.cleanse() }
            return try SealedMessage.seal(plaintext, using: key, after: prefix + salt, construction: .xaes256GCM, nonce: nonce)
        }
    }

    /// Parses a keyring file.
    /// - Parameters:
    ///   - derivedKey: Returns the key for the given scrypt parameters and salt (deriving it from
    ///     the passphrase, or reusing one already derived); `nil` when there is no passphrase.
    package static func decode(
        _ bytes: [UInt8], path: String, derivedKey: (Scrypt, [UInt8]) throws -> SymmetricKey?
    ) throws -> KeyringFile {
        var reader = ByteReader(bytes, path: path)
        guard try reader.take(4) == magic else { throw VaultError.malformed(path: path, reason: "not a TokenVault keyring") }
        let version = try reader.byte()
        guard version == 1 || version == 2 else { throw VaultError.unsupportedFormatVersion(Int(version), path: path) }
        var plaintext: [UInt8]
        let protection: Protection
        switch try reader.byte() {
        case 0 where version == 1:
            plaintext = reader.rest()
            protection = .none
        case 0:
            plaintext = try reader.take(Int(try reader.uint32()))
            let checksum = try reader.take(SHA256.byteCount)
            try reader.expectEnd()
            guard try SHA256.hash(Array(bytes[0..<(bytes.count - SHA256.byteCount)])) == checksum else {
                throw VaultError.malformed(path: path, reason: "checksum mismatch: the file is damaged")
            }
            protection = .none
        case 1:
            let scrypt = Scrypt(logN: try reader.byte(), r: try reader.uint32(), p: try reader.uint32())
            guard scrypt.isAcceptable else { throw VaultError.malformed(path: path, reason: "scrypt parameters out of range") }
            let salt = try reader.take(saltByteCount)
            let message = try SealedMessage(reading: &reader, file: bytes, construction: version == 1 ? .aes256GCM : .xaes256GCM)
            guard let key = try derivedKey(scrypt, salt) else { throw VaultError.passphraseRequired(path: path) }
            plaintext = try message.open(using: key, path: path)
            protection = .passphrase(scrypt: scrypt, salt: salt, key: key)
        case let other:
            throw VaultError.malformed(path: path, reason: "unknown protection \(other)")
        }
        defer { plaintext.cleanse() }
        let document: Document
        var json = Data(plaintext)
        defer { json.withUnsafeMutableBytes { $0.cleanseBytes() } }
        do { document = try JSONDecoder.keyring.decode(Document.self, from: json) } catch {
            throw VaultError.malformed(path: path, reason: "key list is not valid JSON")
        }
        let keys = try document.keys.map { try $0.keyringKey(path: path) }
        guard keys.filter({ $0.info.state == .primary }).count == 1 else {
            throw VaultError.malformed(path: path, reason: "a keyring needs exactly one primary key")
        }
        guard Set(keys.map(\.id)).count == keys.count else {
            throw VaultError.malformed(path: path, reason: "duplicate key id")
        }
        return KeyringFile(keys: keys, protection: protection)
    }

    /// The JSON key list.
    struct Document: Codable {
        struct Key: Codable {
            var id: String
            var state: KeyState
            var createdAt: Double
            /// Format 1 counted seals per key; read and ignored, never written.
            var sealCount: UInt64?
            var key: String

            init(_ entry: KeyringKey) {
                id = entry.id
                state = entry.info.state
                createdAt = entry.info.createdAt.timeIntervalSince1970
                sealCount = nil
                key = entry.key.withUnsafeBytes { Data($0).base64EncodedString() }
            }

            func keyringKey(path: String) throws -> KeyringKey {
                guard KeyringKey.isValidID(id) else { throw VaultError.malformed(path: path, reason: "invalid key id") }
                guard var bytes = Data(base64Encoded: key).map(Array.init), bytes.count == SymmetricKey.byteCount else {
                    throw VaultError.malformed(path: path, reason: "key '\(id)' is not 32 bytes of base64")
                }
                defer { bytes.cleanse() }
                let info = KeyInfo(id: id, state: state, createdAt: Date(timeIntervalSince1970: createdAt))
                return KeyringKey(info: info, key: try SymmetricKey(bytes: bytes))
            }
        }

        var keys: [Key]
    }
}

extension JSONEncoder {
    static var keyring: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension JSONDecoder {
    static var keyring: JSONDecoder { JSONDecoder() }
}

extension UnsafeMutableRawBufferPointer {
    func cleanseBytes() {
        guard let base = baseAddress else { return }
        SecretBytes.cleanse(base, count)
    }
}
