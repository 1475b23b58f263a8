import ArgumentParser
import TokenVault

extension VaultCLI {
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new primary key and re-seal the vaults with it.",
            discussion: """
                The keyring with the new key is durable before any vault is re-sealed, and old keys are \
                removed (--retire-old) only after every named vault is durable under the new one, so a \
                crash at any point leaves every vault openable. Services keep running: they reload the \
                keyring when they meet the new key id. See docs/ROTATION.md.
                """)

        @OptionGroup var keyring: KeyringOptions

        @Option(name: .customLong("vault"), help: ArgumentHelp("A vault to re-seal (repeatable; default: $TOKENVAULT_VAULT, else ./tokens.vault).", valueName: "path"))
        var vaults: [String] = []

        @Flag(help: "Remove the keys that no named vault uses any more.")
        var retireOld = false

        func run() async throws {
            let vaultPaths = vaults.isEmpty ? [VaultOptions.defaultVaultPath] : vaults
            let report = try keyring.openKeyring().rotate(vaultPaths: vaultPaths, retireOld: retireOld)
            print("rotated: new primary key \(report.newPrimary) (was \(report.oldPrimary))")
            for vault in report.resealed { print("re-sealed \(vault)") }
            if retireOld {
                print(report.retired.isEmpty ? "retired no key" : "retired \(report.retired.joined(separator: ", "))")
            }
        }
    }
}
