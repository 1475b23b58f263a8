import ArgumentParser
import TokenVault

extension VaultCLI {
    struct PassphraseCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passphrase",
            abstract: "Set, change or remove the passphrase that seals the keyring.",
            discussion: "The current passphrase comes from --passphrase-env/--passphrase-file, the new one from --new-passphrase-env/--new-passphrase-file; --remove stores the keyring unsealed (mode 0600).")

        @OptionGroup var keyring: KeyringOptions

        @Option(help: ArgumentHelp("Read the new passphrase from this environment variable.", valueName: "var"))
        var newPassphraseEnv: String?

        @Option(help: ArgumentHelp("Read the new passphrase from this file (mode 0600).", valueName: "path"))
        var newPassphraseFile: String?

        @Flag(help: "Remove the passphrase.")
        var remove = false

        func validate() throws {
            let given = [newPassphraseEnv != nil, newPassphraseFile != nil, remove].filter { $0 }.count
            guard given == 1 else {
                throw ValidationError("Give exactly one of --new-passphrase-env, --new-passphrase-file and --remove.")
            }
        }

        func run() async throws {
            let newPassphrase: Passphrase? =
                if let newPassphraseEnv { try Passphrase.environment(newPassphraseEnv) }
                else if let newPassphraseFile { try Passphrase.file(newPassphraseFile) }
                else { nil }
            try keyring.openKeyring().changePassphrase(to: newPassphrase)
            print(newPassphrase == nil ? "removed the passphrase of \(keyring.keyringPath)" : "changed the passphrase of \(keyring.keyringPath)")
        }
    }
}
