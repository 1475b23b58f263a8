#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that files holding key material are readable by their owner only.
package enum FilePermissions {
    /// - Throws: `StorageError.insecurePermissions` when group or others have any access,
    ///   `StorageError.notFound` when the file is missing.
    package static func requireOwnerOnly(_ path: String) throws(StorageError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw .notFound(path: path) }
            throw .io(path: path, operation: "stat", errno: errno)
        }
        let mode = UInt32(info.st_mode) & 0o777
        guard mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: mode) }
    }

    /// Whether the folder that would hold `path` exists.
    package static func folderExists(of path: String) -> Bool {
        var info = stat()
        return stat(AtomicFile.split(path).folder, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

