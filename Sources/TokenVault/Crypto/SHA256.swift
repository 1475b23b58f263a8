internal import COpenSSL

/// SHA-256 through OpenSSL's `EVP_Digest`.
package enum SHA256 {
    package static let byteCount = 32

    /// The digest of `bytes`.
    package static func hash(_ bytes: [UInt8]) throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBytes { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, algorithm, nil)
            }
        }
        guard ok == 1, length == byteCount else { throw CryptoError.openSSL(CryptoError.lastOpenSSLError()) }
        return digest
    }

    /// OpenSSL's SHA-256, fetched once (an implicit fetch at every call costs more than hashing
    /// a keyring). `EVP_MD` objects are immutable and may be shared between threads.
    nonisolated(unsafe) private static let algorithm: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)
}
