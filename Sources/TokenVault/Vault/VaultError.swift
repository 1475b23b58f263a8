/// Why a vault or keyring could not be read or written.
///
/// Every message names the file concerned and never contains a token, key or passphrase. The
/// stored files are left untouched whenever one of these is thrown.
public enum VaultError: Error, Sendable, Equatable {
    /// The vault, keyring or passphrase file does not exist.
    case fileNotFound(path: String)
    /// The vault has no entry with this name.
    case entryNotFound(name: String, path: String)
    /// Refused to overwrite an existing file.
    case alreadyExists(path: String)
    /// The tag did not verify: the file was modified, or it was sealed with another key or
    /// (for a keyring) another passphrase.
    case authenticationFailed(path: String)
    /// The vault names a key that the keyring does not hold (another keyring, or a retired key).
    case unknownKeyID(keyID: String, vaultPath: String, keyringPath: String)
    /// The file was written by a newer, unknown format version.
    case unsupportedFormatVersion(version: Int, path: String)
    /// The file is truncated or not a TokenVault file of the expected kind.
    case malformed(path: String, reason: String)
    /// Key material is readable by group or others.
    case insecurePermissions(path: String, mode: UInt32)
    /// The keyring is passphrase-protected and no passphrase was given.
    case passphraseRequired(path: String)
    /// The request cannot be carried out (for example retiring the primary key).
    case refused(reason: String)
    /// An operating-system failure.
    case io(path: String, reason: String)
}

extension VaultError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "\(path): no such file"
        case .entryNotFound(let name, let path):
            "\(path): no entry named '\(name)'"
        case .alreadyExists(let path):
            "\(path): already exists; refusing to overwrite it"
        case .authenticationFailed(let path):
            "\(path): authentication failed: the file was modified, or it was sealed with another key or passphrase"
        case .unknownKeyID(let keyID, let vaultPath, let keyringPath):
            "\(vaultPath): sealed with key '\(keyID)', which keyring \(keyringPath) does not hold (another keyring, or a retired key)"
        case .unsupportedFormatVersion(let version, let path):
            "\(path): unsupported format version \(version)"
        case .malformed(let path, let reason):
            "\(path): malformed file: \(reason)"
        case .insecurePermissions(let path, let mode):
            "\(path): key material is readable by others (mode \(String(mode, radix: 8))); run: chmod 600 \(path)"
        case .passphraseRequired(let path):
            "\(path): keyring is passphrase-protected; give the passphrase with --passphrase-env or --passphrase-file"
        case .refused(let reason):
            reason
        case .io(let path, let reason):
            "\(path): \(reason)"
        }
    }
}

extension VaultError {
    init(_ error: StorageError) {
        switch error {
        case .notFound(let path): self = .fileNotFound(path: path)
        case .io: self = .io(path: error.path, reason: error.reason)
        }
    }
}

extension StorageError {
    var path: String {
        switch self {
        case .notFound(let path), .io(let path, _, _): path
        }
    }

    var reason: String {
        switch self {
        case .notFound: "no such file"
        case .io(let path, _, _): String(description.dropFirst(path.count + 2))
        }
    }
}
