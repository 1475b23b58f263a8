#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and crash-safe whole-file replacement.
///
/// `replace(_:with:)` writes a temporary file created `0600` in the destination's folder,
/// `fsync`s it, `rename`s it over the destination and `fsync`s the folder, so that after a crash
/// at any instant the path holds either the old bytes or the new ones, never a mix, and once it
/// returns the new bytes survive power loss. Callers serialize writers with ``FileLock``.
package enum AtomicFile {
    /// Reads the whole file, which must be a regular file of at most `maxBytes`.
    ///
    /// Opened without blocking (a FIFO put in the file's place cannot hang the reader) and
    /// checked on the open descriptor, so a device (`/dev/zero`), a FIFO or a huge sparse file is
    /// refused before anything is allocated for it. With `keyMaterial`, the open file must also
    /// pass ``FilePermissions/requireKeyMaterial(_:path:)``.
    ///
    /// - Throws: `StorageError.notFound` when there is no file, `.notRegularFile` or `.tooLarge`
    ///   for such a file, `StorageError.io` otherwise.
    package static func read(_ path: String, maxBytes: Int, keyMaterial: Bool = false) throws(StorageError) -> [UInt8] {
        try readStamped(path, maxBytes: maxBytes, keyMaterial: keyMaterial).bytes
    }

    /// ``read(_:maxBytes:keyMaterial:)``, also returning the file held open with its status, so
    /// that a later read can tell from one `stat` that the path still names the same bytes.
    package static func readStamped(
        _ path: String, maxBytes: Int, keyMaterial: Bool = false
    ) throws(StorageError) -> (bytes: [UInt8], stamp: FileStamp) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw errno == ENOENT ? .notFound(path: path) : .io(path: path, operation: "open", errno: errno)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let failure = errno
            close(fd)
            throw .io(path: path, operation: "fstat", errno: failure)
        }
        let stamp = FileStamp(descriptor: fd, info: info)  // closes fd when released
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notRegularFile(path: path) }
        // Checked on the open descriptor, so a file swapped in after a check cannot be read.
        if keyMaterial { try FilePermissions.requireKeyMaterial(info, path: path) }
        guard info.st_size <= maxBytes else { throw .tooLarge(path: path, size: Int64(info.st_size), limit: maxBytes) }
        // Read the size fstat gives in one call (and one more byte, to notice a file that grew).
        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= maxBytes else { throw .tooLarge(path: path, size: Int64(count), limit: maxBytes) }
                bytes += [UInt8](repeating: 0, count: max(bytes.count, 4096))
            }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeLast(bytes.count - count)
        return (bytes, stamp)
    }

    /// The file `path` names: when `path` is a symbolic link to an existing file, that file
    /// (`realpath`), so that a write replaces the file the link points to, not the link, and its
    /// lock sits beside that file; `path` itself otherwise. Resolve once and use the result for
    /// the file and its lock alike.
    package static func resolvingSymlink(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Atomically and durably replaces (or creates) `path` with `bytes`, mode `0600`.
    ///
    /// - Returns: The new file, held open with its status once in place.
    @discardableResult
    package static func replace(_ path: String, with bytes: [UInt8]) throws(StorageError) -> FileStamp {
        let (folder, name) = split(path)
        let temporary = folder + "/." + name + ".tmp-" + randomSuffix()
        // Created 0600: the umask can only clear bits, so the file is owner-only from its first byte.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: temporary, operation: "create", errno: errno) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        var closeOnExit = true
        defer { if closeOnExit { close(fd) } }
        try writeAll(fd, bytes, path: temporary)
        guard fsync(fd) == 0 else { throw .io(path: temporary, operation: "fsync", errno: errno) }
        CrashPoint.hit(.afterTempFsync)
        guard rename(temporary, path) == 0 else { throw .io(path: path, operation: "rename", errno: errno) }
        renamed = true
        CrashPoint.hit(.afterRename)
        try syncFolder(folder)
        var info = stat()  // after the rename, which changes the file's ctime
        closeOnExit = false
        // The file is replaced and durable: a failed fstat only gives a stamp that is never current.
        return FileStamp(descriptor: fd, info: fstat(fd, &info) == 0 ? info : nil)
    }

    /// Removes temporary files that a writer killed mid-write left beside `path`. Call it only
    /// while holding the file's lock, when no other writer can be using one.
    package static func removeStaleTemporaries(of path: String) {
        for temporary in temporaries(of: path) { unlink(temporary) }
    }

    /// The temporary files `replace(_:with:)` makes for `path` that exist now (the prefix, then
    /// hex digits: no other name).
    package static func temporaries(of path: String) -> [String] {
        let (folder, name) = split(path)
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        let prefix = "." + name + ".tmp-"
        var found: [String] = []
        while let entry = readdir(dir) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            let suffix = entryName.utf8.dropFirst(prefix.utf8.count)
            if entryName.hasPrefix(prefix), !suffix.isEmpty, suffix.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
                found.append(folder + "/" + entryName)
            }
        }
        return found
    }

    /// The folder and file name of `path` (the folder is `.` for a bare name).
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StorageError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            offset += n
        }
    }

    private static func syncFolder(_ folder: String) throws(StorageError) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: folder, operation: "open folder", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: folder, operation: "fsync folder", errno: errno) }
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 16)
    }
}
