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
        return try SealedMessage.seal(plaintext, using: key, after: magic + [formatVersion, UInt8(keyID.utf8.count)] + Array(keyID.utf8))
    }

    /// Opens the bytes of a vault file.
    ///
    /// - Parameter key: Returns the key with the given id, or `nil` when the keyring has none.
    package static func open(_ bytes: [UInt8], path: String, keyringPath: String, key: (String) throws -> SymmetricKey?) throws -> Opened {
        var reader = ByteReader(bytes, path: path)
        guard try reader.take(4) == magic else { throw VaultError.malformed(path: path, reason: "not a TokenVault vault") }
        let version = try reader.byte()
        guard version == formatVersion else { throw VaultError.unsupportedFormatVersion(Int(version), path: path) }
        let keyIDBytes = try reader.take(Int(try reader.byte()))
        guard let keyID = String(validating: keyIDBytes, as: UTF8.self), KeyringKey.isValidID(keyID) else {
            throw VaultError.malformed(path: path, reason: "invalid key id in header")
        }
        let message = try SealedMessage(reading: &reader, file: bytes)
        guard let key = try key(keyID) else {
            throw VaultError.unknownKeyID(keyID, vaultPath: path, keyringPath: keyringPath)
        }
        var plaintext = try message.open(using: key, path: path)
        defer { plaintext.cleanse() }
        do {
            var json = Data(plaintext)
            defer { json.withUnsafeMutableBytes { $0.cleanseBytes() } }
            let document = try JSONDecoder().decode(Document.self, from: json)
            return Opened(formatVersion: Int(version), keyID: keyID, entries: document.entries)
        } catch {
            throw VaultError.malformed(path: path, reason: "entries are not valid JSON")
        }
    }
}
