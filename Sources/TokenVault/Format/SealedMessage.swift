/// The sealed part that ends both file formats: `nonce (12) ‖ length (u32 BE) ‖ ciphertext ‖
/// tag (16)`, authenticated together with every byte before the ciphertext as additional data.
package struct SealedMessage {
    /// The bytes from the start of the file through the length field: the AAD.
    package var header: [UInt8]
    package var box: AESGCM.SealedBox

    /// Reads the sealed part at the reader's position, which must run to the end of the file.
    package init(reading reader: inout ByteReader, file: [UInt8]) throws {
        let nonce = try reader.take(AESGCM.nonceByteCount)
        let length = Int(try reader.uint32())
        header = Array(file[0..<reader.offset])
        let ciphertext = try reader.take(length)
        let tag = try reader.take(AESGCM.tagByteCount)
        try reader.expectEnd()
        box = try AESGCM.SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
    }

    /// Seals `plaintext` under `key` after `headerPrefix`, returning the whole file.
    ///
    /// - Parameter nonce: Leave it `nil` for a fresh random nonce; only known-answer tests pass one.
    package static func seal(_ plaintext: [UInt8], using key: SymmetricKey, after headerPrefix: [UInt8], nonce: [UInt8]? = nil) throws -> [UInt8] {
        guard let length = UInt32(exactly: plaintext.count) else { throw VaultError.tooLarge("the message") }
        let nonce = try nonce ?? SecureRandom.bytes(count: AESGCM.nonceByteCount)
        var header = headerPrefix + nonce
        header.appendBigEndian(length)
        let box = try AESGCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
        return header + box.ciphertext + box.tag
    }

    /// The plaintext; the caller cleanses it after use.
    /// - Throws: `VaultError.authenticationFailed` naming `path` when the tag does not verify.
    package func open(using key: SymmetricKey, path: String) throws -> [UInt8] {
        do {
            return try AESGCM.open(box, using: key, authenticating: header)
        } catch CryptoError.authenticationFailure {
            throw VaultError.authenticationFailed(path: path)
        } catch {
            throw VaultError.malformed(path: path, reason: "cannot be opened (\(error))")
        }
    }
}
