#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure reading or writing a file, naming the file, the operation and the `errno`.
package enum StorageError: Error, Equatable, CustomStringConvertible {
    /// There is no file (or no folder) at `path`.
    case notFound(path: String)
    /// A file holding a secret is accessible by group or others.
    case insecurePermissions(path: String, mode: UInt32)
    /// A file that should hold a secret is empty.
    case empty(path: String)
    /// The path is not a regular file (a device, a FIFO, a folder).
    case notRegularFile(path: String)
    /// A lock file, key file or secret file belongs to another user (not root).
    case foreignOwner(path: String, owner: UInt32)
    /// The file is larger than its format allows.
    case tooLarge(path: String, size: Int64, limit: Int)
    /// Another holder kept a lock longer than the caller would wait.
    case lockTimedOut(path: String, seconds: Double)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)

    /// The file concerned.
    package var path: String {
        switch self {
        case .notFound(let path), .insecurePermissions(let path, _), .empty(let path), .notRegularFile(let path),
            .tooLarge(let path, _, _), .foreignOwner(let path, _), .lockTimedOut(let path, _), .io(let path, _, _): path
        }
    }

    package var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file"
        case .insecurePermissions(let path, let mode):
            "\(path): holds a secret but is accessible by group or others (mode \(String(mode, radix: 8))); run: chmod 600 \(path)"
        case .empty(let path): "\(path): the file is empty"
        case .notRegularFile(let path): "\(path): not a regular file"
        case .foreignOwner(let path, let owner): "\(path): owned by user \(owner), not by this user: refused, since that user controls it"
        case .tooLarge(let path, let size, let limit): "\(path): \(size) bytes, more than the \(limit) its format allows"
        case .lockTimedOut(let path, let seconds):
            "\(path): another process held this lock for more than \(Int(seconds)) s (a stopped or hung process?)"
        case .io(let path, let operation, let code): "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}
