import ArgumentParser
import TokenVault

extension VaultCLI {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the keyring (one primary key) when missing, and an empty vault.",
            discussion: "Refuses to overwrite an existing vault. With a passphrase option, a new keyring is sealed under it.")

        @OptionGroup var options: VaultOptions

        func run() async throws {
            if options.isPostgres {
                let keyring = try options.openKeyring()
                if try keyring.createIfMissing() { print("created keyring \(keyring.path)") }
                let shown = try await options.withVault { vault in
                    if case .postgres(let vault, _) = vault { try await vault.prepare() }
                    return vault.shownName
                }
                print("ready: \(shown), table tokenvault_entries (format 2 rows, primary key \(try keyring.load().primary.id))")
                return
            }
            let vault = try options.openVault()
            if try vault.keyring.createIfMissing() {
                print("created keyring \(vault.keyring.path)")
            }
            try vault.create()
            let contents = try vault.contents()
            print("created vault \(vault.path) (format \(contents.formatVersion), key \(contents.keyID))")
        }
    }
}
