internal import COpenSSL

/// scrypt (RFC 7914) through OpenSSL's `EVP_PBE_scrypt`, to derive a keyring's key from a
/// passphrase.
package struct Scrypt: Sendable, Equatable {
    /// log2 of the CPU/memory cost N.
    package var logN: UInt8
    /// Block size r.
    package var r: UInt32
    /// Parallelism p.
    package var p: UInt32

    /// N = 2^15, r = 8, p = 1: 32 MiB and about 0.1 s per derivation, as OWASP recommends for scrypt.
    package static let `default` = Scrypt(logN: 15, r: 8, p: 1)

    package init(logN: UInt8, r: UInt32, p: UInt32) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// Whether the parameters are within bounds on both memory and total work, so that a
    /// hostile keyring header cannot make a command spend gigabytes and minutes before its
    /// passphrase can even fail: at most 256 MiB (`128·N·r`) and 8 times the default work
    /// (`N·r·p ≤ 2^21`; the default is `2^15·8·1`).
    package var isAcceptable: Bool {
        guard (10...20).contains(logN), (1...32).contains(r), (1...16).contains(p) else { return false }
        let n = UInt64(1) << UInt64(logN)
        return 128 * n * UInt64(r) <= 1 << 28 && n * UInt64(r) * UInt64(p) <= 1 << 21
    }

    /// Derives a 256-bit key from `passphrase` and `salt`.
    package func deriveKey(passphrase: [UInt8], salt: [UInt8]) throws -> SymmetricKey {
        guard isAcceptable else { throw CryptoError.incorrectParameterSize }
        let n = UInt64(1) << UInt64(logN)
        // scrypt needs 128 * N * r bytes (plus a little); allow twice that.
        let maxMemory = 256 * n * UInt64(r) + 1 << 20
        var out = [UInt8](repeating: 0, count: SymmetricKey.byteCount)
        defer { out.cleanse() }
        let ok = passphrase.withUnsafeBufferPointer { pass in
            pass.withMemoryRebound(to: CChar.self) { passChars in
                EVP_PBE_scrypt(
                    passChars.baseAddress, passphrase.count, salt, salt.count, n, UInt64(r), UInt64(p),
                    maxMemory, &out, out.count)
            }
        }
        guard ok == 1 else { throw CryptoError.openSSL(CryptoError.lastOpenSSLError()) }
        return try SymmetricKey(bytes: out)
    }
}
