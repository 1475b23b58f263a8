#if canImport(Glibc)
import Glibc
#endif

/// Checks that files holding key material are readable by their owner only.
package enum FilePermissions {
    /// - Throws: `VaultError.insecurePermissions` when group or others have any access,
    ///   `VaultError.fileNotFound` when the file is missing.
    package static func requireOwnerOnly(_ path: String) throws(VaultError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw .fileNotFound(path: path) }
            throw VaultError(StorageError.io(path: path, operation: "stat", errno: errno))
        }
        let mode = UInt32(info.st_mode) & 0o777
        guard mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: mode) }
    }
}
