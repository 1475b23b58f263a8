internal import COpenSSL

/// Failures of the cryptographic primitives. None carries key material or plaintext.
package enum CryptoError: Error, Equatable, CustomStringConvertible {
    /// A key was not 32 bytes.
    case incorrectKeySize
    /// A nonce, tag or length did not have the size AES-256-GCM requires.
    case incorrectParameterSize
    /// The tag did not verify: the data was changed or the key is wrong.
    case authenticationFailure
    /// OpenSSL's random generator failed.
    case randomFailure(UInt)
    /// Another OpenSSL failure, with the code from `ERR_get_error()`.
    case openSSL(UInt)

    package var description: String {
        switch self {
        case .incorrectKeySize: "key is not 256 bits"
        case .incorrectParameterSize: "nonce, tag or length has the wrong size"
        case .authenticationFailure: "authentication failed: the data was modified or the key is wrong"
        case .randomFailure(let code): "random generator failed (OpenSSL error \(code))"
        case .openSSL(let code): "OpenSSL error \(code)"
        }
    }

    /// Takes the earliest error off OpenSSL's thread-local queue and clears the rest.
    static func lastOpenSSLError() -> UInt {
        let code = ERR_get_error()
        ERR_clear_error()
        return code
    }
}
