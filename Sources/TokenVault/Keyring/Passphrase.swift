import Foundation

/// A keyring passphrase, held in memory that is zeroed on release.
///
/// Read it from an environment variable or a file; a passphrase never belongs on a command
/// line, where every user of the machine can read it.
public struct Passphrase: Sendable {
    let bytes: SecretBytes

    /// Wraps a passphrase the caller already holds.
    public init(_ passphrase: String) {
        bytes = SecretBytes(Array(passphrase.utf8))
    }

    /// Reads the passphrase from the environment variable `name`.
    /// - Throws: ``VaultError`` with code `secretUnavailable` when the variable is unset or empty.
    public static func environment(_ name: String) throws -> Passphrase {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw VaultError.environmentVariableUnset(name)
        }
        return Passphrase(value)
    }

    /// Reads the passphrase from a file; one trailing newline is dropped.
    /// - Throws: ``VaultError`` with code `insecurePermissions` when others can read the file,
    ///   `fileNotFound` when it is missing, `secretUnavailable` when it is empty.
    public static func file(_ path: String) throws -> Passphrase {
        var bytes = try storage { () throws(StorageError) in try SecretFile.read(path) }
        defer { bytes.cleanse() }
        return Passphrase(bytes: bytes)
    }

    init(bytes: some Collection<UInt8>) {
        self.bytes = SecretBytes(bytes)
    }

    func withBytes<R>(_ body: ([UInt8]) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            var copy = Array(raw)
            defer { copy.cleanse() }
            return try body(copy)
        }
    }
}
