internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's `RAND_bytes`.
package enum SecureRandom {
    /// Returns `count` random bytes.
    /// - Throws: `CryptoError.randomFailure` when OpenSSL's generator fails.
    package static func bytes(count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        let ok = bytes.withUnsafeMutableBytes { RAND_bytes($0.baseAddress, Int32(count)) }
        guard ok == 1 else { throw CryptoError.randomFailure(CryptoError.lastOpenSSLError()) }
        return bytes
    }
}
