#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that files holding key material are safe to trust.
package enum FilePermissions {
    /// The rule PostgreSQL applies to its server key: the file is owned by this user with no
    /// group or other access (at most `0600`), or owned by root with at most group read (`0640`),
    /// so that read-only secret mounts (a Kubernetes secret with an `fsGroup`, a systemd
    /// credential) work while a file another user controls is refused.
    ///
    /// Applied to the `fstat` of the open descriptor (``AtomicFile/read(_:maxBytes:keyMaterial:)``),
    /// never to a path checked before it is opened.
    ///
    /// - Throws: `StorageError.insecurePermissions` when the mode allows too much,
    ///   `StorageError.foreignOwner` when another user (not root) owns the file.
    package static func requireKeyMaterial(_ info: stat, path: String) throws(StorageError) {
        let mode = UInt32(info.st_mode) & 0o777
        let owner = UInt32(info.st_uid)
        if owner == 0 {
            guard mode & 0o037 == 0 else { throw .insecurePermissions(path: path, mode: mode) }
        } else if owner == geteuid() {
            guard mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: mode) }
        } else {
            throw .foreignOwner(path: path, owner: owner)
        }
    }

    /// Whether the folder that would hold `path` exists.
    package static func folderExists(of path: String) -> Bool {
        var info = stat()
        return stat(AtomicFile.split(path).folder, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

