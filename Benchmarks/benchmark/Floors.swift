import Foundation
import TokenVault

#if canImport(Glibc)
import Glibc
#endif

/// The physical floors the measurements are compared with, built from the same primitives
/// without TokenVault's logic around them.
enum Floors {
    /// Reads the whole file with plain POSIX calls.
    static func read(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        precondition(fd >= 0, "cannot open \(path)")
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        precondition(n == bytes.count)
        return bytes
    }

    /// A vault file's parts, for decrypting it with AES-256-GCM directly.
    struct SealedVault {
        var headerLength: Int
        var key: SymmetricKey
        var gcmNonce: [UInt8]

        /// The AES-GCM key and nonce of the vault at `path` (XAES-256-GCM derives them from the
        /// keyring key and the file's nonce): worked out once, outside the timing.
        init(path: String, keyring: Keyring) throws {
            let bytes = read(path)
            let keyIDLength = Int(bytes[5])
            let keyID = String(decoding: bytes[6..<(6 + keyIDLength)], as: UTF8.self)
            let nonceStart = 6 + keyIDLength
            let nonce = Array(bytes[nonceStart..<(nonceStart + 24)])
            headerLength = nonceStart + 24 + 4
            let derived = try XAES256GCM.deriveKey(key: try keyring.key(id: keyID)!, nonce: nonce)
            key = derived.key
            gcmNonce = derived.gcmNonce
        }

        /// Reads the file and decrypts it with AES-256-GCM through EVP: the floor of a read.
        func readAndDecrypt(_ path: String) throws -> Int {
            let bytes = read(path)
            let box = try AESGCM.SealedBox(
                nonce: gcmNonce, ciphertext: Array(bytes[headerLength..<(bytes.count - 16)]), tag: Array(bytes.suffix(16)))
            var plaintext = try AESGCM.open(box, using: key, authenticating: Array(bytes[0..<headerLength]))
            defer { plaintext.cleanse() }
            return plaintext.count
        }
    }

    /// Writes `bytes` to a temporary file in `folder`, `fsync`s it, renames it over `path` and
    /// `fsync`s the folder: the floor of a durable update.
    static func durableReplace(_ path: String, with bytes: [UInt8]) {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = path + ".floor-tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        precondition(written == bytes.count)
        fsync(fd)
        close(fd)
        rename(temporary, path)
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        fsync(dir)
        close(dir)
    }

    /// Runs an executable to its end with its output discarded.
    static func run(_ executable: URL, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "\(executable.lastPathComponent) \(arguments) failed")
    }
}
