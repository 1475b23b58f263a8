/// The sealed part that ends both file formats: `nonce ‖ length (u32 BE) ‖ ciphertext ‖ tag (16)`,
/// authenticated together with every byte before the ciphertext as additional data.
///
/// Format 1 seals with AES-256-GCM under the key itself (12-byte random nonce). Format 2 seals
/// with XAES-256-GCM (24-byte random nonce): every message gets its own AES-256-GCM key derived
/// from the key and the nonce, so a key has no practical limit on the number of messages.
package struct SealedMessage {
    /// How a format version seals.
    package enum Construction: Sendable {
        /// AES-256-GCM, 12-byte nonce (format 1).
        case aes256GCM
        /// XAES-256-GCM, 24-byte nonce (format 2).
        case xaes256GCM

        var nonceByteCount: Int {
            switch self {
            case .aes256GCM: AESGCM.nonceByteCount
            case .xaes256GCM: XAES256GCM.nonceByteCount
            }
        }
    }

    /// The bytes from the start of the file through the length field: the AAD.
    package var header: [UInt8]
    package var construction: Construction
    package var nonce: [UInt8]
    package var ciphertext: [UInt8]
    package var tag: [UInt8]

    /// Reads the sealed part at the reader's position, which must run to the end of the file.
    package init(reading reader: inout ByteReader, file: [UInt8], construction: Construction) throws {
        self.construction = construction
        nonce = try reader.take(construction.nonceByteCount)
        let length = Int(try reader.uint32())
        header = Array(file[0..<reader.offset])
        ciphertext = try reader.take(length)
        tag = try reader.take(AESGCM.tagByteCount)
        try reader.expectEnd()
    }

    /// Seals `plaintext` under `key` after `headerPrefix`, returning the whole file.
    ///
    /// - Parameter nonce: Leave it `nil` for a fresh random nonce; only known-answer tests pass one.
    package static func seal(
        _ plaintext: [UInt8], using key: SymmetricKey, after headerPrefix: [UInt8], construction: Construction,
        nonce: [UInt8]? = nil
    ) throws -> [UInt8] {
        guard let length = UInt32(exactly: plaintext.count) else { throw VaultError.tooLarge("the message") }
        let nonce = try nonce ?? SecureRandom.bytes(count: construction.nonceByteCount)
        var header = headerPrefix + nonce
        header.appendBigEndian(length)
        switch construction {
        case .aes256GCM:
            let box = try AESGCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
            return header + box.ciphertext + box.tag
        case .xaes256GCM:
            let sealed = try XAES256GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
            var file = header
            file.reserveCapacity(header.count + sealed.ciphertext.count + sealed.tag.count)
            file += sealed.ciphertext
            file += sealed.tag
            return file
        }
    }

    /// The plaintext; the caller cleanses it after use.
    /// - Throws: `VaultError.authenticationFailed` naming `path` when the tag does not verify.
    package func open(using key: SymmetricKey, path: String) throws -> [UInt8] {
        do {
            switch construction {
            case .aes256GCM:
                let box = try AESGCM.SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
                return try AESGCM.open(box, using: key, authenticating: header)
            case .xaes256GCM:
                return try XAES256GCM.open(ciphertext, tag: tag, nonce: nonce, using: key, authenticating: header)
            }
        } catch CryptoError.authenticationFailure {
            throw VaultError.authenticationFailed(path: path)
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError.malformed(path: path, reason: "cannot be opened (\(error))")
        }
    }
}
