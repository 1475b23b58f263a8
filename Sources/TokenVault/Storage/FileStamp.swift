#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file this process has read or written, held open, with its status at that time: a later
/// `stat` of its path tells, without reading it, whether the path still names the same bytes.
///
/// TokenVault never changes a vault or keyring in place: every writer replaces the file with a
/// new one (``AtomicFile/replace(_:with:)``), which is a new inode. Holding the file open keeps
/// its inode number from being given to another file, so a path whose `stat` shows this device
/// and inode names this very file, however soon after the stamp another file replaced it.
/// A change made in place by another program (which TokenVault never makes) is noticed by the
/// mode, owner, size and modification and change times: exactly for a new mode, owner or size,
/// and by the times for the rest (to the nanosecond on filesystems with fine-grained timestamps,
/// such as ext4 and XFS since Linux 6.13; to the clock tick on older kernels, where a same-size
/// rewrite within the tick of the previous change could go unnoticed by a process that keeps
/// the object).
package final class FileStamp: Sendable {
    private let descriptor: Int32
    private let status: Status

    /// Takes ownership of the open descriptor `descriptor`, whose `fstat` is `info`.
    init(descriptor: Int32, info: stat) {
        self.descriptor = descriptor
        status = Status(info)
    }

    /// Whether `path` names the file this stamp holds, unchanged since the stamp was taken.
    package func isCurrent(at path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && Status(info) == status
    }

    deinit { close(descriptor) }

    /// What `stat` tells of a file that identifies it and changes when it is changed.
    private struct Status: Equatable {
        var device: UInt64
        var inode: UInt64
        var mode: UInt32
        var owner: UInt32
        var size: Int64
        var modified: timespec
        var changed: timespec

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            mode = UInt32(info.st_mode)
            owner = UInt32(info.st_uid)
            size = Int64(info.st_size)
            modified = info.st_mtim
            changed = info.st_ctim
        }

        static func == (a: Status, b: Status) -> Bool {
            a.device == b.device && a.inode == b.inode && a.mode == b.mode && a.owner == b.owner && a.size == b.size
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
        }
    }
}
