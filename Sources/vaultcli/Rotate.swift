import ArgumentParser
import Foundation
import TokenVault
import TokenVaultPostgres

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

        @Option(help: ArgumentHelp(
            "Promote this key, added earlier with `key add` (and copied to every replica), instead of making a new one.",
            valueName: "id"))
        var key: String?

        func validate() throws { try refusePasswordsOnTheCommandLine(vaults) }

        func run() async throws {
            let vaultPaths = vaults.isEmpty ? [VaultOptions.defaultVaultPath] : vaults
            let urls = vaultPaths.filter(PostgresURL.isPostgresURL)
            let report: RotationReport
            if urls.isEmpty {
                report = try keyring.openKeyring().rotate(vaultPaths: vaultPaths, retireOld: retireOld, promoting: key)
            } else {
                guard urls.count == 1, vaultPaths.count == 1 else {
                    throw CLIError("rotate one PostgreSQL vault per run, and vault files in a run of their own")
                }
                let keyring = try keyring.openKeyring()
                report = try await withPostgresVault(url: urls[0], keyring: keyring) { vault, _ in
                    try await keyring.rotate(postgresVaults: [vault], retireOld: retireOld, promoting: key)
                }
            }
            print("rotated: new primary key \(report.newPrimary) (was \(report.oldPrimary))")
            for vault in report.resealed { print("re-sealed \(vault)") }
            if retireOld {
                print(report.retired.isEmpty ? "retired no key" : "retired \(report.retired.joined(separator: ", "))")
            }
        }
    }
}
