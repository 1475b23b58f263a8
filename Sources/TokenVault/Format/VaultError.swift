/// Why a vault or keyring could not be read or written.
///
/// Match on ``code``; the ``description`` is the message for people. Every message names the
/// file concerned and never contains a token, key or passphrase. The stored files are left
/// untouched whenever one of these is thrown.
///
/// ```swift
/// do {
///     _ = try vault.contents()
/// } catch let error as VaultError where error.code == .authenticationFailed {
///     print("the vault was modified, or the keyring is not the one that sealed it: \(error)")
/// }
/// ```
public struct VaultError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case fileNotFound, entryNotFound, keyNotFound, alreadyExists, authenticationFailed, unknownKeyID
            case unsupportedFormatVersion, malformed, insecurePermissions, passphraseRequired, secretUnavailable
            case keyInUse, tooLarge, lockTimeout, io
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The vault, keyring, its folder, or a secret file does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// The vault has no entry with this name.
        public static let entryNotFound = Code(.entryNotFound)
        /// The keyring has no key with this id.
        public static let keyNotFound = Code(.keyNotFound)
        /// Refused to overwrite an existing file.
        public static let alreadyExists = Code(.alreadyExists)
        /// The tag did not verify: the file was modified, or it was sealed with another key or
        /// (for a keyring) another passphrase.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The vault names a key that the keyring does not hold (another keyring, or a retired key).
        public static let unknownKeyID = Code(.unknownKeyID)
        /// The file was written by a newer, unknown format version.
        public static let unsupportedFormatVersion = Code(.unsupportedFormatVersion)
        /// The file is truncated or not a TokenVault file of the expected kind.
        public static let malformed = Code(.malformed)
        /// Key material is accessible by group or others.
        public static let insecurePermissions = Code(.insecurePermissions)
        /// The keyring is passphrase-protected and no passphrase was given.
        public static let passphraseRequired = Code(.passphraseRequired)
        /// A passphrase's environment variable is unset or empty, or its file is empty.
        public static let secretUnavailable = Code(.secretUnavailable)
        /// Refused: the key is the primary key, or still seals a vault.
        public static let keyInUse = Code(.keyInUse)
        /// The data is too large for the file format.
        public static let tooLarge = Code(.tooLarge)
        /// Another process held a refresh lock longer than the bound (a stopped or hung holder).
        public static let lockTimeout = Code(.lockTimeout)
        /// An operating-system failure; ``VaultError/errno`` says which.
        public static let io = Code(.io)

        public var description: String { base.rawValue }
    }

    /// What kind of failure it is.
    public let code: Code
    /// The file concerned, when there is one.
    public let path: String?
    /// The `errno` of an operating-system failure.
    public let errno: Int32?
    /// The message for people: it names the file and never contains a secret.
    public let description: String

    private init(_ code: Code, path: String?, errno: Int32? = nil, _ description: String) {
        self.code = code
        self.path = path
        self.errno = errno
        self.description = description
    }
}

extension VaultError {
    package static func fileNotFound(path: String) -> VaultError {
        VaultError(.fileNotFound, path: path, "\(path): no such file")
    }

    package static func keyringNotFound(path: String) -> VaultError {
        VaultError(
            .fileNotFound, path: path,
            "\(path): no such keyring; create it with `vaultcli init --keyring \(path)` or `Keyring.create(at:)`")
    }

    package static func folderNotFound(_ folder: String, for path: String) -> VaultError {
        VaultError(.fileNotFound, path: path, "\(path): the folder \(folder) does not exist; create it first")
    }

    package static func entryNotFound(name: String, path: String) -> VaultError {
        VaultError(.entryNotFound, path: path, "\(path): no entry named '\(name)'")
    }

    package static func keyNotFound(id: String, path: String) -> VaultError {
        VaultError(.keyNotFound, path: path, "\(path): no key with id '\(id)'")
    }

    package static func alreadyExists(path: String) -> VaultError {
        VaultError(.alreadyExists, path: path, "\(path): already exists; refusing to overwrite it")
    }

    package static func authenticationFailed(path: String) -> VaultError {
        VaultError(
            .authenticationFailed, path: path,
            "\(path): authentication failed: the file was modified, or it was sealed with another key or passphrase")
    }

    package static func unknownKeyID(_ keyID: String, vaultPath: String, keyringPath: String) -> VaultError {
        VaultError(
            .unknownKeyID, path: vaultPath,
            "\(vaultPath): sealed with key '\(keyID)', which keyring \(keyringPath) does not hold (another keyring, or a retired key)")
    }

    package static func unsupportedFormatVersion(_ version: Int, path: String) -> VaultError {
        VaultError(.unsupportedFormatVersion, path: path, "\(path): unsupported format version \(version)")
    }

    package static func malformed(path: String, reason: String) -> VaultError {
        VaultError(.malformed, path: path, "\(path): malformed file: \(reason)")
    }

    package static func passphraseRequired(path: String) -> VaultError {
        VaultError(
            .passphraseRequired, path: path,
            "\(path): keyring is passphrase-protected; give the passphrase (--passphrase-env or --passphrase-file)")
    }

    package static func keyringNotProtected(path: String) -> VaultError {
        VaultError(
            .authenticationFailed, path: path,
            "\(path): a passphrase was given but the keyring is not passphrase-protected; refusing it (it may have been replaced). Protect it with `vaultcli passphrase`, or give no passphrase")
    }

    package static func environmentVariableUnset(_ name: String) -> VaultError {
        VaultError(.secretUnavailable, path: nil, "environment variable \(name) is not set or empty")
    }

    package static func primaryKeyRetirement(id: String) -> VaultError {
        VaultError(.keyInUse, path: nil, "key '\(id)' is the primary key; rotate first (vaultcli rotate)")
    }

    package static func keyInUse(id: String, vault: String) -> VaultError {
        VaultError(.keyInUse, path: vault, "key '\(id)' still seals \(vault); re-seal it first (vaultcli rotate --vault \(vault))")
    }

    package static func tooLarge(_ what: String) -> VaultError {
        VaultError(.tooLarge, path: nil, "\(what) is too large to seal")
    }

    /// The storage layer's error, keeping its `errno`.
    package init(_ error: StorageError) {
        switch error {
        case .notFound(let path): self = .fileNotFound(path: path)
        case .insecurePermissions(let path, _), .foreignOwner(let path, _): self.init(.insecurePermissions, path: path, error.description)
        case .empty(let path): self.init(.secretUnavailable, path: path, error.description)
        case .notRegularFile(let path), .tooLarge(let path, _, _): self.init(.malformed, path: path, error.description)
        case .lockTimedOut(let path, _): self.init(.lockTimeout, path: path, error.description)
        case .io(let path, _, let code): self.init(.io, path: path, errno: code, error.description)
        }
    }
}

/// Throws ``VaultError`` naming the folder unless the folder that would hold `path` exists: checked
/// before a lock file is created there, which would fail with a vaguer error.
package func requireFolder(of path: String) throws(VaultError) {
    guard FilePermissions.folderExists(of: path) else {
        throw VaultError.folderNotFound(AtomicFile.split(path).folder, for: path)
    }
}

/// Runs a storage operation, reporting its failure as a ``VaultError``.
package func storage<T>(_ body: () throws(StorageError) -> T) throws(VaultError) -> T {
    do { return try body() } catch { throw VaultError(error) }
}
