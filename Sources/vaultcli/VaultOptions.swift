import ArgumentParser
import Foundation
import TokenVault

/// Where the vault and keyring are, shared by every command that works on one vault.
struct VaultOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The vault file, or a postgres:// URL (no password on the command line: use $TOKENVAULT_VAULT or $PGPASSWORD) (default: $TOKENVAULT_VAULT, else ./tokens.vault).",
        valueName: "path|url"))
    var vault: String?

    @OptionGroup var keyringOptions: KeyringOptions

    var vaultPath: String { vault ?? Self.defaultVaultPath }

    func validate() throws { try refusePasswordsOnTheCommandLine(vault.map { [$0] } ?? []) }
    var keyringPath: String { keyringOptions.keyringPath }

    static var defaultVaultPath: String { ProcessInfo.processInfo.environment["TOKENVAULT_VAULT"] ?? "tokens.vault" }

    func openKeyring() throws -> Keyring { try keyringOptions.openKeyring() }

    func openVault() throws -> Vault { Vault(path: vaultPath, keyring: try openKeyring()) }
}

/// Where the keyring is and how to unlock it.
struct KeyringOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The keyring file (default: $TOKENVAULT_KEYRING, else ./vault.keys).", valueName: "path"))
    var keyring: String?

    @Option(help: ArgumentHelp("Read the keyring passphrase from this environment variable.", valueName: "var"))
    var passphraseEnv: String?

    @Option(help: ArgumentHelp("Read the keyring passphrase from this file (mode 0600).", valueName: "path"))
    var passphraseFile: String?

    func validate() throws {
        if passphraseEnv != nil && passphraseFile != nil {
            throw ValidationError("Give at most one of --passphrase-env and --passphrase-file.")
        }
    }

    var keyringPath: String { keyring ?? ProcessInfo.processInfo.environment["TOKENVAULT_KEYRING"] ?? "vault.keys" }

    func passphrase() throws -> Passphrase? {
        if let passphraseEnv { return try Passphrase.environment(passphraseEnv) }
        if let passphraseFile { return try Passphrase.file(passphraseFile) }
        return nil
    }

    func openKeyring() throws -> Keyring { Keyring(path: keyringPath, passphrase: try passphrase()) }
}

/// Text that came from a file or a server, as shown in human output: control characters, DEL and
/// bidirectional overrides escaped, so that it cannot move the cursor, set a window title or
/// reorder what the terminal shows. `--json` output stays exact.
func shown(_ text: String) -> String {
    OAuthError.printable(text)
}

/// Writes one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension Date {
    /// ISO 8601 in UTC, e.g. `2026-11-29T16:05:37Z`.
    var iso8601: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: self)
    }
}
