import Foundation

/// The vault file format (docs/FORMAT.md): a binary header naming the format version, the key id
/// and the nonce, then the entries as one AES-256-GCM message whose additional data is the
/// header.
package enum VaultFile {
    package static let magic: [UInt8] = Array("TVLT".utf8)
    package static let formatVersion: UInt8 = 1

    /// What a vault file holds once opened.
    package struct Opened: Sendable {
        package var formatVersion: Int
        package var keyID: String
        package var entries: [String: VaultEntry]
    }

    /// The plaintext document.
    struct Document: Codable {
        var entries: [String: VaultEntry]
    }

    /// Seals `entries` under `key` into the bytes of a vault file.
    package static func seal(_ entries: [String: VaultEntry], keyID: String, key: SymmetricKey) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var plaintext = Array(try encoder.encode(Document(entries: entries)))
        defer { plaintext.cleanse() }
        let nonce = try SecureRandom.bytes(count: AESGCM.nonceByteCount)
        let header = try header(keyID: keyID, nonce: nonce, ciphertextLength: plaintext.count)
        let box = try AESGCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
        return header + box.ciphertext + box.tag
    }

    static func header(keyID: String, nonce: [UInt8], ciphertextLength: Int) throws -> [UInt8] {
        guard KeyringKey.isValidID(keyID), let length = UInt32(exactly: ciphertextLength) else {
            throw VaultError.refused(reason: "key id or vault size out of range")
        }
        var header = magic + [formatVersion, UInt8(keyID.utf8.count)] + Array(keyID.utf8) + nonce
        header.appendBigEndian(length)
        return header
    }

    /// Opens the bytes of a vault file.
    ///
    /// - Parameter key: Returns the key with the given id, or `nil` when the keyring has none.
    package static func open(_ bytes: [UInt8], path: String, keyringPath: String, key: (String) throws -> SymmetricKey?) throws -> Opened {
        var reader = ByteReader(bytes, path: path)
        guard try reader.take(4) == magic else { throw VaultError.malformed(path: path, reason: "not a TokenVault vault") }
        let version = try reader.byte()
        guard version == formatVersion else { throw VaultError.unsupportedFormatVersion(version: Int(version), path: path) }
        let keyIDBytes = try reader.take(Int(try reader.byte()))
        guard let keyID = String(validating: keyIDBytes, as: UTF8.self), KeyringKey.isValidID(keyID) else {
            throw VaultError.malformed(path: path, reason: "invalid key id in header")
        }
        let nonce = try reader.take(AESGCM.nonceByteCount)
        let length = Int(try reader.uint32())
        let header = Array(bytes[0..<reader.offset])
        let ciphertext = try reader.take(length)
        let tag = try reader.take(AESGCM.tagByteCount)
        try reader.expectEnd()

        guard let key = try key(keyID) else {
            throw VaultError.unknownKeyID(keyID: keyID, vaultPath: path, keyringPath: keyringPath)
        }
        var plaintext: [UInt8]
        do {
            plaintext = try AESGCM.open(.init(nonce: nonce, ciphertext: ciphertext, tag: tag), using: key, authenticating: header)
        } catch CryptoError.authenticationFailure {
            throw VaultError.authenticationFailed(path: path)
        } catch {
            throw VaultError.malformed(path: path, reason: "cannot be opened (\(error))")
        }
        defer { plaintext.cleanse() }
        do {
            let document = try JSONDecoder().decode(Document.self, from: Data(plaintext))
            return Opened(formatVersion: Int(version), keyID: keyID, entries: document.entries)
        } catch {
            throw VaultError.malformed(path: path, reason: "entries are not valid JSON")
        }
    }
}
