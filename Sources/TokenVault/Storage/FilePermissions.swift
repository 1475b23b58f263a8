#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that files holding key material are readable by their owner only.
package enum FilePermissions {
    /// - Returns: The file's identity, to tell later whether it was replaced.
    /// - Throws: `StorageError.insecurePermissions` when group or others have any access,
    ///   `StorageError.notFound` when the file is missing.
    @discardableResult
    package static func requireOwnerOnly(_ path: String) throws(StorageError) -> FileIdentity {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw .notFound(path: path) }
            throw .io(path: path, operation: "stat", errno: errno)
        }
        let mode = UInt32(info.st_mode) & 0o777
        guard mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: mode) }
        return FileIdentity(info)
    }

    /// Whether the folder that would hold `path` exists.
    package static func folderExists(of path: String) -> Bool {
        var info = stat()
        return stat(AtomicFile.split(path).folder, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// What tells one version of a file from another without reading it: device, inode, size and
/// modification time. Every write TokenVault makes is a rename of a new file, so a new inode.
package struct FileIdentity: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int
    let modifiedNanoseconds: Int

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
