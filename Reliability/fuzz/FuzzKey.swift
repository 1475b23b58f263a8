import TokenVault

/// The fixed, public key the fuzz corpus is sealed under: id `fuzz`, bytes 0x00…0x1f. Fixed
/// nonces keep a fuzz input's file the same from run to run.
enum FuzzKey {
    static let id = "fuzz"
    static let key = try! SymmetricKey(bytes: (0..<32).map { UInt8($0) })
    static let gcmNonce = [UInt8](repeating: 0x42, count: 12)
    static let xaesNonce = [UInt8](repeating: 0x42, count: 24)
}
