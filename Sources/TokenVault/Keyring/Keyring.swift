import Foundation
import Synchronization

/// A keyring file: the AES-256 keys that seal vaults, by key id.
///
/// One key is `primary` and seals new data; the others are `active` and only open data sealed
/// with them, which is what lets a key be rotated without downtime. The file is created `0600`
/// and refused when group or others can read it. Every change is written atomically and durably
/// under the keyring's `flock`.
///
/// Operators usually create the keyring with `vaultcli init` and hand it to the service (a
/// mounted secret, a provisioning step), so the service never writes its own keys. A service
/// that owns its keys on one machine can create them itself with ``create(at:passphrase:)``.
///
/// ```swift
/// let keyring = Keyring(path: "/etc/myservice/vault.keys")
/// let vault = Vault(path: "/var/lib/myservice/tokens.vault", keyring: keyring)
/// ```
public final class Keyring: Sendable {
    /// The keyring file's path.
    public let path: String
    /// The file read, written and locked: `path`, or the file it links to, resolved once.
    let file: String
    let passphrase: Passphrase?
    /// The keyring as last read or written, so that vault reads need no disk access for keys
    /// they already know; reloaded when a vault names an unknown key id.
    /// With the file's released ``FileStamp``, so that a load while the file is unchanged costs
    /// one `stat`, and the SHA-256 of its bytes (never the bytes: they may hold keys in the
    /// clear), so that a file read again but unchanged is not decoded again. The stamp does not
    /// hold the file open: a keyring replaced by a rotation or `passphrase add` must not stay
    /// readable, retired or clear-text keys and all, through this process's descriptor.
    private let cached: Mutex<(file: KeyringFile, digest: [UInt8], stamp: FileStamp)?>
    /// Whether this object has looked for temporary copies a writer killed mid-write left.
    private let sweptTemporaries = Mutex(false)

    /// A keyring at `path`, opened lazily on first use.
    ///
    /// - Parameters:
    ///   - path: The keyring file.
    ///   - passphrase: The passphrase of a protected keyring; `nil` for an unprotected one.
    public init(path: String, passphrase: Passphrase? = nil) {
        self.path = path
        self.file = AtomicFile.resolvingSymlink(path)
        self.passphrase = passphrase
        self.cached = Mutex(nil)
    }

    /// Creates a keyring file at `path` with one new random primary key, mode `0600`, sealed
    /// under `passphrase` when one is given.
    ///
    /// - Parameters:
    ///   - path: Where to create it; the folder must exist.
    ///   - passphrase: Seals the key list (scrypt, then XAES-256-GCM); `nil` keeps it in the clear,
    ///     protected by the file's mode.
    /// - Returns: The new keyring.
    /// - Throws: ``VaultError`` with code `alreadyExists` when there is a file at `path`.
    public static func create(at path: String, passphrase: Passphrase? = nil) throws -> Keyring {
        let keyring = Keyring(path: path, passphrase: passphrase)
        try keyring.create()
        return keyring
    }

    /// Creates the keyring file with one new primary key; sealed under the passphrase when one
    /// was given.
    /// - Throws: `VaultError.alreadyExists` when the file exists.
    @discardableResult
    package func create(scrypt: Scrypt = .default) throws -> KeyInfo {
        try requireFolder(of: path)
        let lock = try lockFile()
        defer { lock.unlock() }
        guard !FileManager.default.fileExists(atPath: path) else { throw VaultError.alreadyExists(path: path) }
        let file = KeyringFile(keys: [try .generate(state: .primary)], protection: try .derived(from: passphrase, scrypt: scrypt))
        try write(file)
        return file.primary.info
    }

    /// Creates the keyring when there is no file yet.
    /// - Returns: Whether it created one.
    package func createIfMissing() throws -> Bool {
        do {
            try create()
            return true
        } catch let error as VaultError where error.code == .alreadyExists {
            return false
        }
    }

    /// Reads the keyring from disk.
    /// - Throws: ``VaultError``; a missing file is reported as a missing keyring, with the fix.
    package func load() throws -> KeyringFile {
        let previous = cached.withLock { $0 }
        if let previous, previous.stamp.isCurrent(at: file) {
            return previous.file  // the same file, unchanged: its mode and owner too, checked when read
        }
        var bytes: [UInt8]
        let stamp: FileStamp
        do {
            let read = try AtomicFile.readStamped(file, maxBytes: KeyringFile.maxBytes, keyMaterial: true)
            (bytes, stamp) = (read.bytes, read.stamp.released())  // the file is closed here
        } catch .notFound {
            throw VaultError.keyringNotFound(path: path)
        } catch {
            throw VaultError(error)
        }
        defer { bytes.cleanse() }
        removeStaleTemporariesOnce()
        let digest = try SHA256.hash(bytes)
        if let previous, previous.digest == digest {
            cached.withLock { $0 = (previous.file, digest, stamp) }
            return previous.file
        }
        let file = try KeyringFile.decode(bytes, path: path) { scrypt, salt in
            if case .passphrase(let known, let knownSalt, let key) = previous?.file.protection, known == scrypt, knownSalt == salt {
                return key
            }
            return try passphrase?.withBytes { try scrypt.deriveKey(passphrase: $0, salt: salt) }
        }
        // A passphrase was given, so the keyring is meant to be sealed: an unprotected one in its
        // place may have been swapped in by someone who wants new tokens sealed under their key.
        if passphrase != nil, case .none = file.protection {
            throw VaultError.keyringNotProtected(path: path)
        }
        cached.withLock { $0 = (file, digest, stamp) }
        return file
    }

    /// The keys, without their bytes.
    public func keys() throws -> [KeyInfo] {
        try load().keys.map(\.info)
    }

    /// The key with this id, reading the file again when the cached copy does not know it (the
    /// keyring may have been rotated by another process).
    package func key(id: String) throws -> SymmetricKey? {
        if let key = cached.withLock({ $0?.file.key(id: id)?.key }) { return key }
        return try load().key(id: id)?.key
    }

    /// Reads, changes and writes the keyring under its lock.
    ///
    /// - Parameter body: Changes the keyring; when it throws, nothing is written.
    /// - Returns: What `body` returns.
    package func update<T>(_ body: (inout KeyringFile) throws -> T) throws -> T {
        let lock = try lockFile()
        defer { lock.unlock() }
        var file = try load()
        let result = try body(&file)
        try write(file)
        return result
    }

    private func write(_ contents: KeyringFile) throws {
        var bytes = try contents.encoded()
        defer { bytes.cleanse() }
        let stamp = try storage { () throws(StorageError) in
            AtomicFile.removeStaleTemporaries(of: file)
            return try AtomicFile.replace(file, with: bytes).released()  // the file is closed here
        }
        let digest = try SHA256.hash(bytes)
        cached.withLock { $0 = (contents, digest, stamp) }
    }

    /// Removes the temporary copies of the keyring that a writer killed mid-write left (they may
    /// hold keys since retired, or, after `passphrase remove`, keys in the clear), once per
    /// object, at its first read (a folder listing; the lock only when there is one), and only
    /// while no writer holds the keyring's lock (an in-flight writer's temporary file is its
    /// own). A read-only folder is left as it is.
    private func removeStaleTemporariesOnce() {
        guard sweptTemporaries.withLock({ swept in defer { swept = true }; return !swept }) else { return }
        guard !AtomicFile.temporaries(of: file).isEmpty else { return }  // the usual case: no lock taken
        guard let lock = try? FileLock.acquireIfFree(lockFile: FileLock.lockPath(for: file)) else { return }
        defer { lock.unlock() }
        AtomicFile.removeStaleTemporaries(of: file)
    }

    private func lockFile() throws -> FileLock {
        try storage { () throws(StorageError) in try FileLock.acquire(for: file) }
    }
}
