/// A small file holding one secret (a passphrase, a client secret), as operators write them.
package enum SecretFile {
    /// The file's bytes without one trailing newline (`\n` or `\r\n`); the caller cleanses them.
    ///
    /// - Throws: `StorageError.insecurePermissions` or `.foreignOwner` when the file breaks
    ///   ``FilePermissions/requireKeyMaterial(_:path:)``,
    ///   `StorageError.notFound` when it is missing, `StorageError.empty` when it is empty.
    package static func read(_ path: String) throws(StorageError) -> [UInt8] {
        var bytes = try AtomicFile.read(path, maxBytes: 64 * 1024, keyMaterial: true)
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard !bytes.isEmpty else { throw .empty(path: path) }
        return bytes
    }
}
