#if canImport(Glibc)
import Glibc
#endif

/// A failure reading or writing a file, naming the file and the operation.
package enum StorageError: Error, Equatable, CustomStringConvertible {
    case notFound(path: String)
    case io(path: String, operation: String, errno: Int32)

    package var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file"
        case .io(let path, let operation, let code): "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}
