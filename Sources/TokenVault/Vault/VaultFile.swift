import Foundation

/// The vault file format (docs/FORMAT.md): a binary header naming the format version, the key id
/// and the nonce, then the entries as one sealed message whose additional data is the header.
///
/// Format 2 (written): XAES-256-GCM, the entries as an ``EntryTable``. Format 1 (read, and
/// rewritten as format 2 at the next write): AES-256-GCM, the entries as JSON.
package enum VaultFile {
    package static let magic: [UInt8] = Array("TVLT".utf8)
    /// The version written.
    package static let formatVersion: UInt8 = 2
    /// The largest vault file read (about a million entries); anything larger is refused unread.
    package static let maxBytes = 256 << 20

    /// What a vault file holds once opened.
    package struct Opened: Sendable {
        package var formatVersion: Int
        package var keyID: String
        package var table: EntryTable
    }

    /// The format-1 plaintext document.
    struct Document: Codable {
        var entries: [String: VaultEntry]
    }

    /// The header before the nonce: magic, version, key id.
    package static func headerPrefix(version: UInt8, keyID: String) -> [UInt8] {
        magic + [version, UInt8(keyID.utf8.count)] + Array(keyID.utf8)
    }

    /// Seals the entry table `plaintext` under `key` into the bytes of a format-2 vault file.
    ///
    /// - Parameter nonce: Leave it `nil` for a fresh random nonce; only known-answer tests pass one.
    package static func seal(_ plaintext: [UInt8], keyID: String, key: SymmetricKey, nonce: [UInt8]? = nil) throws -> [UInt8] {
        try SealedMessage.seal(
            plaintext, using: key, after: headerPrefix(version: formatVersion, keyID: keyID), construction: .xaes256GCM,
            nonce: nonce)
    }

    /// Opens the bytes of a vault file of format 1 or 2.
    ///
    /// - Parameter key: Returns the key with the given id, or `nil` when the keyring has none.
    package static func open(_ bytes: [UInt8], path: String, keyringPath: String, key: (String) throws -> SymmetricKey?) throws -> Opened {
        var reader = ByteReader(bytes, path: path)
        guard try reader.take(4) == magic else { throw VaultError.malformed(path: path, reason: "not a TokenVault vault") }
        let version = try reader.byte()
        guard version == 1 || version == 2 else { throw VaultError.unsupportedFormatVersion(Int(version), path: path) }
        let keyIDBytes = try reader.take(Int(try reader.byte()))
        guard let keyID = String(validating: keyIDBytes, as: UTF8.self), KeyringKey.isValidID(keyID) else {
            throw VaultError.malformed(path: path, reason: "invalid key id in header")
        }
        let message = try SealedMessage(reading: &reader, file: bytes, construction: version == 1 ? .aes256GCM : .xaes256GCM)
        guard let key = try key(keyID) else {
            throw VaultError.unknownKeyID(keyID, vaultPath: path, keyringPath: keyringPath)
        }
        var plaintext = try message.open(using: key, path: path)
        defer { plaintext.cleanse() }
        let table = version == 1 ? try tableOfFormat1(plaintext, path: path) : try EntryTable(plaintext: plaintext, path: path)
        return Opened(formatVersion: Int(version), keyID: keyID, table: table)
    }

    /// The entries of a format-1 JSON document, as a table.
    private static func tableOfFormat1(_ plaintext: [UInt8], path: String) throws -> EntryTable {
        let document: Document
        do {
            var json = Data(plaintext)
            defer { json.withUnsafeMutableBytes { $0.cleanseBytes() } }
            document = try JSONDecoder().decode(Document.self, from: json)
        } catch {
            throw VaultError.malformed(path: path, reason: "entries are not valid JSON")
        }
        var table = EntryTable.encode(document.entries)
        defer { table.cleanse() }
        return try EntryTable(plaintext: table, path: path)
    }
}
