import ArgumentParser
import TokenVault

extension VaultCLI {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an entry from the vault.")

        @OptionGroup var options: VaultOptions

        @Option(help: "The entry name.")
        var name: String

        func run() async throws {
            let vault = try options.openVault()
            try vault.removeEntry(named: name)
            print("removed '\(shown(name))' from \(vault.path)")
        }
    }
}
