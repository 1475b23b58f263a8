internal import CFileSystemType
import Synchronization
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
///
/// On a network or FUSE filesystem (NFS, SMB, Ceph, 9P, AFS, cluster filesystems, sshfs and
/// other FUSE mounts), `stat` may answer from a cache while another machine has replaced the
/// file, and inode numbers may not be stable: there a stamp is never current, so the file is
/// read every time.
package final class FileStamp: Sendable {
    private let descriptor: Int32
    /// `nil` when the stamp cannot vouch for the file: it is then never current.
    private let status: Status?
    /// Whether the file is on a local filesystem: 0 not asked yet (asked at the first match, so
    /// that a file read once and never checked costs no `fstatfs`), 1 local, 2 shared.
    private let filesystem: Atomic<UInt8>

    /// Takes ownership of the open descriptor `descriptor`, whose `fstat` is `info` (`nil` when
    /// `fstat` failed: the stamp is then never current).
    init(descriptor: Int32, info: stat?) {
        self.descriptor = descriptor
        status = info.map(Status.init)
        filesystem = Atomic(0)
    }

    private init(status: Status?, filesystem: UInt8) {
        descriptor = -1
        self.status = status
        self.filesystem = Atomic(filesystem)
    }

    /// This stamp without the file held open (for a file whose old copies must not stay
    /// readable through this process, such as a keyring).
    ///
    /// Once the file is closed, its inode number may be given to a file put in its place later;
    /// that file's change time is the time it was put there. So the released stamp vouches for
    /// the file only when its last change was at least `settled` seconds before `now` (2 s: more
    /// than any filesystem's timestamp granularity): any file put in its place later has a later
    /// change time. A file changed more recently gives a stamp that is never current.
    package func released(now: timespec = .realtime, settled: Int = 2) -> FileStamp {
        let settledStatus = status.flatMap { $0.changed.tv_sec + settled <= now.tv_sec ? $0 : nil }
        return FileStamp(status: settledStatus, filesystem: settledStatus == nil ? 0 : (isOnLocalFilesystem ? 1 : 2))
    }

    /// Whether `path` names the file this stamp holds, unchanged since the stamp was taken.
    package func isCurrent(at path: String) -> Bool {
        guard let status else { return false }
        var info = stat()
        return stat(path, &info) == 0 && Status(info) == status && isOnLocalFilesystem
    }

    /// Takes `other`'s answer to whether the filesystem is local when it has one and is on the
    /// same device (a file that replaced `other`'s in the same folder), sparing the `fstatfs`.
    package func learnFilesystem(from other: FileStamp?) {
        guard let other, let status, other.status?.device == status.device else { return }
        let known = other.filesystem.load(ordering: .relaxed)
        if known != 0 { filesystem.store(known, ordering: .relaxed) }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    private var isOnLocalFilesystem: Bool {
        switch filesystem.load(ordering: .relaxed) {
        case 1: return true
        case 2: return false
        default:
            let local = descriptor >= 0 && !Self.isOnSharedFilesystem(descriptor)
            filesystem.store(local ? 1 : 2, ordering: .relaxed)
            return local
        }
    }

    /// Whether the open file is on a filesystem another machine may change, or that may not keep
    /// inode numbers stable (`fstatfs`'s filesystem type; an unknown answer counts as shared).
    private static func isOnSharedFilesystem(_ descriptor: Int32) -> Bool {
        let type = CFileSystemType_of(descriptor)
        return type < 0 || sharedFilesystemTypes.contains(UInt32(truncatingIfNeeded: type))
    }

    /// `f_type` of NFS, SMB (three), FUSE, Ceph, 9P, AFS (two), Coda, GFS2, OCFS2 and Lustre
    /// (linux/magic.h and the filesystems' own headers).
    private static let sharedFilesystemTypes: Set<UInt32> = [
        0x6969, 0x517B, 0xFF53_4D42, 0xFE53_4D42, 0x6573_5546, 0x00C3_6400, 0x0102_1997, 0x5346_414F, 0x6B41_4653,
        0x7375_7245, 0x0116_1970, 0x7461_636F, 0x0BD0_0BD0,
    ]

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

extension timespec {
    /// The wall-clock time now (`CLOCK_REALTIME`, the clock file times are taken from).
    package static var realtime: timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now
    }
}
