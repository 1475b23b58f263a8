/// A small file holding one secret (a passphrase, a client secret), as operators write them.
package enum SecretFile {
    /// The file's bytes without one trailing newline (`\n` or `\r\n`); the caller cleanses them.
    ///
    /// - Throws: `VaultError.insecurePermissions` when group or others can access the file,
    ///   `VaultError.fileNotFound` when it is missing, `VaultError.refused` when it is empty.
    package static func read(_ path: String) throws -> [UInt8] {
        try FilePermissions.requireOwnerOnly(path)
        var bytes: [UInt8]
        do { bytes = try AtomicFile.read(path) } catch { throw VaultError(error) }
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard !bytes.isEmpty else { throw VaultError.refused(reason: "\(path): the file is empty") }
        return bytes
    }
}
