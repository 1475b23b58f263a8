import Foundation
import Synchronization

/// A vault file: named OAuth tokens sealed with XAES-256-GCM (AES-256-GCM under a key derived for
/// every write) from a key of a ``Keyring``.
///
/// Reads need no lock: writes replace the file atomically, so a reader sees the old file or the
/// new one. Writes are read-modify-write under the vault's `flock` (`PATH.lock`), so concurrent
/// writers in any number of processes each keep their change.
///
/// A `Vault` keeps two descriptors open: its lock file, between writes, and the vault file it
/// last read or wrote (until it next sees another file in its place, or is released), so that
/// while no one else writes the vault, opening it again (a write after a read, or after a write)
/// costs one `stat` instead of a read and a decrypt. (On network and FUSE filesystems the file
/// is read every time.) The `Keyring` keeps none: its file is read at every write.
///
/// A service normally does not use the vault directly: it gives a ``VaultTokenStore`` to its
/// ``ClientCredentialsAuthManager``. The vault file is created by the first write when its folder
/// and keyring exist, or explicitly with ``create(at:keyring:)`` or `vaultcli init`.
///
/// ```swift
/// let vault = Vault(path: "tokens.vault", keyring: Keyring(path: "vault.keys"))
/// let contents = try vault.contents()
/// print(contents.entries.keys)
/// ```
public final class Vault: Sendable {
    /// The vault file's path.
    public let path: String
    /// The file read, written and locked: `path`, or the file it links to, resolved once.
    package let file: String
    /// The keyring holding the keys that seal it.
    public let keyring: Keyring
    /// The file last read or written, held open, and what it holds, so that opening it again
    /// while it is unchanged (a write's read-modify-write after a read or a write) costs one
    /// `stat`, not a read and a decrypt.
    private let lastOpened: Mutex<(stamp: FileStamp, opened: VaultFile.Opened)?>
    /// The vault's lock file (`PATH.lock`), kept open between writes.
    private let lockFile: ReusedLockFile
    /// Whether this object has removed the temporary files a writer killed mid-write left; once
    /// is enough (at the first write), not a folder scan at every write.
    private let sweptTemporaries = Mutex(false)

    /// A vault at `path` whose keys are in `keyring`. Nothing is read until it is used.
    public init(path: String, keyring: Keyring) {
        self.path = path
        self.file = AtomicFile.resolvingSymlink(path)
        self.keyring = keyring
        self.lastOpened = Mutex(nil)
        self.lockFile = ReusedLockFile(guarding: file)
    }

    /// Creates an empty vault at `path`, mode `0600`, sealed with the keyring's primary key.
    ///
    /// - Parameters:
    ///   - path: Where to create it; the folder must exist.
    ///   - keyring: The keyring whose primary key seals it.
    /// - Returns: The new vault.
    /// - Throws: ``VaultError`` with code `alreadyExists` when there is a file at `path`,
    ///   `fileNotFound` when the keyring or the folder does not exist.
    public static func create(at path: String, keyring: Keyring) throws -> Vault {
        let vault = Vault(path: path, keyring: keyring)
        try vault.create()
        return vault
    }

    /// Creates an empty vault sealed with the keyring's primary key.
    /// - Throws: `VaultError.alreadyExists` when the vault exists.
    package func create() throws {
        try requireFolder(of: path)
        try withLock { locked in
            guard !locked.exists else { throw VaultError.alreadyExists(path: path) }
            try locked.write(VaultEntries(EntryTable.empty(path: path)))
        }
    }

    /// Opens the vault and returns its entries, format version and the id of the key that seals it.
    public func contents() throws -> VaultContents {
        let opened = try open()
        return VaultContents(formatVersion: opened.formatVersion, keyID: opened.keyID, entries: try opened.table.allEntries())
    }

    /// Opens the vault and returns the entry `name`, decoding no other entry.
    ///
    /// - Returns: The entry, or `nil` when the vault has none of that name.
    public func entry(named name: String) throws -> VaultEntry? {
        try open().table.entry(named: name)
    }

    /// Reads and changes the entries under the vault's lock, then seals them with the keyring's
    /// primary key and replaces the file. A missing vault is created.
    ///
    /// - Parameter body: Changes the entries; when it throws, nothing is written.
    /// - Returns: What `body` returns.
    @discardableResult
    package func update<T>(_ body: (inout VaultEntries) throws -> T) throws -> T {
        try withLock { locked in
            var entries = try locked.entries()
            let result = try body(&entries)
            try locked.write(entries)
            return result
        }
    }

    /// ``update(_:)`` without blocking a concurrency thread while another writer holds the lock.
    @discardableResult
    package func update<T>(_ body: (inout VaultEntries) throws -> T) async throws -> T {
        try await withLock { locked async throws in
            var entries = try locked.entries()
            let result = try body(&entries)
            try locked.write(entries)
            return result
        }
    }

    /// Stores `token` under `name`, replacing the entry's previous token.
    package func store(_ token: OAuthToken, as name: String, origin: TokenOrigin? = nil) throws {
        try update { entries in
            entries.set(VaultEntry(token: token, origin: origin), named: name)
        }
    }

    /// Deletes the entry `name`.
    /// - Throws: `VaultError.entryNotFound` when there is none; the file is then left as it was.
    package func removeEntry(named name: String) throws {
        try update { entries in
            guard try entries.entry(named: name) != nil else { throw VaultError.entryNotFound(name: name, path: path) }
            entries.set(nil, named: name)
        }
    }

    /// Runs `body` holding the vault's lock, blocking the thread while another holder has it.
    package func withLock<T>(_ body: (LockedVault) throws -> T) throws -> T {
        let lock = try storage { () throws(StorageError) in try lockFile.acquire() }
        defer { lock.unlock() }
        return try body(LockedVault(vault: self))
    }

    /// Runs `body` holding the vault's lock; waiting for it does not block a concurrency thread.
    package func withLock<T>(_ body: (LockedVault) async throws -> T) async throws -> T {
        let lock: FileLock
        do { lock = try await lockFile.acquire() } catch { throw VaultError(error) }
        defer { lock.unlock() }
        return try await body(LockedVault(vault: self))
    }

    /// The vault's contents, or `nil` when there is no vault file yet.
    ///
    /// - Throws: ``VaultError`` naming the folder when the vault's folder is missing, and the
    ///   keyring when the keyring is missing, even while the vault file does not exist yet: the
    ///   first write would fail on them.
    package func openIfPresent() throws -> VaultFile.Opened? {
        do {
            return try open()
        } catch let error as VaultError where error.code == .fileNotFound && error.path == file {
            try requireFolder(of: path)
            _ = try keyring.load()  // a missing keyring is named now, not at the first write
            return nil
        }
    }

    /// Reads and opens the file, reloading the keyring once if it names an unknown key.
    ///
    /// When the key is unknown even after the reload, the file is read once more: a rotation in
    /// another process may have re-sealed it and retired the old key between the two reads.
    package func open() throws -> VaultFile.Opened {
        do {
            return try openOnce()
        } catch let error as VaultError where error.code == .unknownKeyID {
            return try openOnce()
        }
    }

    private func openOnce() throws -> VaultFile.Opened {
        let last = lastOpened.withLock { $0 }
        if let last, last.stamp.isCurrent(at: file) {
            return last.opened
        }
        let (bytes, stamp) = try storage { () throws(StorageError) in try AtomicFile.readStamped(file, maxBytes: VaultFile.maxBytes) }
        stamp.learnFilesystem(from: last?.stamp)
        let opened = try VaultFile.open(bytes, path: path, keyringPath: keyring.path) { try keyring.key(id: $0) }
        lastOpened.withLock { $0 = (stamp, opened) }
        return opened
    }

    /// Seals `entries` with the keyring's primary key and replaces the file, in format 2. Only
    /// call with the lock held.
    ///
    /// The keyring is read again (not written): the primary key may have changed in another
    /// process, and a key is only retired under every vault's lock, so the key read now is still
    /// in the keyring when this write lands.
    fileprivate func write(_ entries: VaultEntries) throws {
        let primary = try keyring.load().primary
        var plaintext = try entries.encoded()
        defer { plaintext.cleanse() }
        let bytes = try VaultFile.seal(plaintext, keyID: primary.id, key: primary.key)
        if sweptTemporaries.withLock({ swept in defer { swept = true }; return !swept }) {
            AtomicFile.removeStaleTemporaries(of: file)
        }
        let stamp = try storage { () throws(StorageError) in try AtomicFile.replace(file, with: bytes) }
        let opened = VaultFile.Opened(
            formatVersion: Int(VaultFile.formatVersion), keyID: primary.id, table: try EntryTable(plaintext: plaintext, path: path))
        lastOpened.withLock { last in
            stamp.learnFilesystem(from: last?.stamp)
            last = (stamp, opened)
        }
    }

}

/// The vault while its lock is held: reads see the latest write, and writes are safe.
package struct LockedVault {
    let vault: Vault

    /// Whether the vault file exists.
    package var exists: Bool { FileManager.default.fileExists(atPath: vault.file) }

    /// The entries, to change; none when the vault does not exist yet.
    package func entries() throws -> VaultEntries {
        VaultEntries(try vault.openIfPresent()?.table ?? EntryTable.empty(path: vault.path))
    }

    /// Seals `entries` with the primary key and durably replaces the vault.
    package func write(_ entries: VaultEntries) throws { try vault.write(entries) }
}

/// A vault's entries while they are changed under its lock: only the entries read or changed
/// are decoded; the others are copied as they are when the vault is written.
package struct VaultEntries {
    private let table: EntryTable
    private var changes: [String: VaultEntry?] = [:]

    init(_ table: EntryTable) {
        self.table = table
    }

    /// The entry `name`, as changed so far.
    package func entry(named name: String) throws -> VaultEntry? {
        if let change = changes[name] { return change }
        return try table.entry(named: name)
    }

    /// Sets the entry `name`, or removes it when `entry` is `nil`.
    package mutating func set(_ entry: VaultEntry?, named name: String) {
        changes[name] = .some(entry)
    }

    /// The plaintext of the changed table; the caller cleanses it.
    func encoded() throws -> [UInt8] {
        try table.applying(changes)
    }
}

/// What an opened vault holds.
public struct VaultContents: Sendable {
    /// The format version of the file.
    public var formatVersion: Int
    /// The id of the key that sealed it.
    public var keyID: String
    /// The entries by name.
    public var entries: [String: VaultEntry]
}
