import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a lock file beside the file it guards (`PATH.lock`), serializing
/// writers across processes and across tasks of one process.
///
/// The lock file is created `0600` and never deleted (deleting it would let two writers lock two
/// different files). The lock is released when the value is released or `unlock()` is called,
/// and by the kernel if the process dies.
package final class FileLock {
    /// The lock file's path.
    package let path: String
    private var fd: Int32
    /// Where the descriptor goes back when the lock is released, for the next acquisition.
    private let home: ReusedLockFile?

    fileprivate init(path: String, fd: Int32, home: ReusedLockFile? = nil) {
        self.path = path
        self.fd = fd
        self.home = home
    }

    /// The lock file that guards `file`.
    package static func lockPath(for file: String) -> String { file + ".lock" }

    /// Takes the lock guarding `file`, blocking the calling thread until it is free.
    package static func acquire(for file: String) throws(StorageError) -> FileLock {
        let lock = try openLockFile(lockPath(for: file))
        try lock.flockRetryingInterrupts(LOCK_EX)
        return lock
    }

    /// Takes the lock guarding `file` without blocking a Swift concurrency thread: when the lock is
    /// busy, the wait happens on a dedicated thread.
    package static func acquire(for file: String) async throws(StorageError) -> FileLock {
        try await acquire(lockFile: lockPath(for: file))
    }

    /// Takes the lock on the lock file `lockFile` itself, without blocking a Swift concurrency
    /// thread: when the lock is busy, the wait happens on a dedicated thread.
    ///
    /// - Parameter timeout: The longest to wait (a stopped process keeps its `flock` for as long
    ///   as it is stopped); the wait then polls, 1 ms at first, up to 50 ms between tries. `nil`
    ///   waits as long as it takes.
    /// - Throws: `StorageError.lockTimedOut` when the lock stayed taken for `timeout`.
    package static func acquire(lockFile: String, timeout: Duration? = nil) async throws(StorageError) -> FileLock {
        let lock = try openLockFile(lockFile)
        try await lock.lockWithoutBlockingAThread(timeout: timeout)
        return lock
    }

    /// Takes the `flock` on the open lock file; when it is busy, waits on a dedicated thread.
    fileprivate func lockWithoutBlockingAThread(timeout: Duration?) async throws(StorageError) {
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
        guard errno == EWOULDBLOCK || errno == EINTR else {
            throw .io(path: path, operation: "flock", errno: errno)
        }
        let waiter = LockWaiter(fd: fd)
        let deadline = timeout.map { ContinuousClock.now + $0 }
        let outcome: Int32? = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: waiter.wait(until: deadline)) }
        }
        switch outcome {
        case nil: return
        case EWOULDBLOCK?:  // only with a deadline: a blocking flock does not give up
            let parts = (timeout ?? .zero).components
            throw .lockTimedOut(path: path, seconds: Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
        case let failure?: throw .io(path: path, operation: "flock", errno: failure)
        }
    }

    /// Takes the lock on the lock file `lockFile` if it is free now.
    /// - Returns: The lock, or `nil` when another holder has it.
    package static func acquireIfFree(lockFile: String) throws(StorageError) -> FileLock? {
        let lock = try openLockFile(lockFile)
        while flock(lock.fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK { return nil }
            guard errno == EINTR else { throw .io(path: lock.path, operation: "flock", errno: errno) }
        }
        return lock
    }

    /// Releases the lock.
    package func unlock() {
        guard fd >= 0 else { return }
        if let home {
            home.checkIn(fd)
        } else {
            close(fd)  // closing the only descriptor releases the flock
        }
        fd = -1
    }

    deinit { unlock() }

    /// Opens (creating it `0600` when missing) the lock file itself, never what a symlink in its
    /// place points to, and refuses one that is not a regular file of this user's: another user
    /// who pre-created it could otherwise hold it and stop every writer.
    fileprivate static func openLockFile(_ path: String, home: ReusedLockFile? = nil) throws(StorageError) -> FileLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
        guard fd >= 0 else {
            throw errno == ELOOP ? .notRegularFile(path: path) : .io(path: path, operation: "open lock", errno: errno)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw .io(path: path, operation: "fstat lock", errno: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .notRegularFile(path: path)
        }
        guard info.st_uid == geteuid() else {
            close(fd)
            throw .foreignOwner(path: path, owner: info.st_uid)
        }
        return FileLock(path: path, fd: fd, home: home)
    }

    fileprivate func flockRetryingInterrupts(_ operation: Int32) throws(StorageError) {
        while flock(fd, operation) != 0 {
            guard errno == EINTR else { throw .io(path: path, operation: "flock", errno: errno) }
        }
    }
}

/// The lock file guarding one file, kept open between the acquisitions of one owner (a
/// ``Vault``), so that taking the lock again costs one `flock`, not opening and checking the
/// lock file each time.
///
/// An acquisition takes the idle descriptor out (so no two acquisitions of this process share
/// one: `flock` excludes descriptors opened separately, never two users of the same one) or,
/// while another acquisition has it, opens the lock file anew; a release puts one descriptor back.
/// A kept descriptor is checked as the lock file is when opened: one whose file was deleted or
/// replaced (no link left), or given to another user, is closed and the lock file opened and
/// checked again. TokenVault itself never deletes a lock file. (A lock file renamed away would
/// still be locked through a kept descriptor; nothing but an operator's `mv` does that.)
package final class ReusedLockFile: Sendable {
    /// The lock file's path.
    package let path: String
    /// The descriptor no acquisition is using, and the process that opened it: a child forked
    /// with it shares its open file description, and with it the `flock`, so it opens its own.
    private let idle = Mutex<(fd: Int32, process: pid_t)?>(nil)

    /// The lock file that guards `file`; nothing is opened until the first acquisition.
    package init(guarding file: String) {
        path = FileLock.lockPath(for: file)
    }

    deinit {
        if let kept = idle.withLock({ $0 }) { close(kept.fd) }
    }

    /// Takes the lock, blocking the calling thread until it is free.
    package func acquire() throws(StorageError) -> FileLock {
        let lock = try checkOut()
        try lock.flockRetryingInterrupts(LOCK_EX)
        return lock
    }

    /// Takes the lock without blocking a Swift concurrency thread while it is busy.
    package func acquire() async throws(StorageError) -> FileLock {
        let lock = try checkOut()
        try await lock.lockWithoutBlockingAThread(timeout: nil)
        return lock
    }

    private func checkOut() throws(StorageError) -> FileLock {
        if let kept = idle.withLock({ slot in defer { slot = nil }; return slot }) {
            // Opened by this process, still linked (not deleted or replaced) and still ours: else
            // open it again, which names what is wrong with a lock file that is no longer ours.
            var info = stat()
            if kept.process == getpid(), fstat(kept.fd, &info) == 0, info.st_nlink > 0, info.st_uid == geteuid() {
                return FileLock(path: path, fd: kept.fd, home: self)
            }
            close(kept.fd)
        }
        return try FileLock.openLockFile(path, home: self)
    }

    /// Releases the `flock` held through `fd` and keeps `fd` for the next acquisition (or closes
    /// it when another descriptor is already kept).
    fileprivate func checkIn(_ fd: Int32) {
        flock(fd, LOCK_UN)
        let process = getpid()
        let kept = idle.withLock { slot in
            guard slot == nil else { return false }
            slot = (fd, process)
            return true
        }
        if !kept { close(fd) }
    }
}

/// Blocks on `flock` for an async acquirer; carries only the descriptor across threads.
private struct LockWaiter: Sendable {
    let fd: Int32

    /// Blocks in `flock` with no deadline, or tries until `deadline`: `nil` once locked,
    /// `EWOULDBLOCK` when the lock stayed taken, another `errno` on failure.
    func wait(until deadline: ContinuousClock.Instant?) -> Int32? {
        guard let deadline else {
            while flock(fd, LOCK_EX) != 0 {
                if errno != EINTR { return errno }
            }
            return nil
        }
        var pause: UInt32 = 1000
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { return errno }
            guard ContinuousClock.now < deadline else { return EWOULDBLOCK }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
        return nil
    }
}
