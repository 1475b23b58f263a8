import ArgumentParser
import TokenVault

extension VaultCLI {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an entry from the vault.")

        @OptionGroup var options: VaultOptions

        @Option(help: "The entry name.")
        var name: String

        func run() async throws {
            let shownName = try await options.withVault { vault in
                try await vault.removeEntry(named: name)
                return vault.shownName
            }
            print("removed '\(shown(name))' from \(shownName)")
        }
    }
}
