import ArgumentParser
import Foundation
import TokenVault
import TokenVaultPostgres

extension VaultCLI {
    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, add and retire the keyring's keys.",
            subcommands: [List.self, Add.self, Retire.self])
    }
}

extension VaultCLI.Key {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys: id, state, creation time. Never key bytes.")

        @OptionGroup var keyring: KeyringOptions

        @Flag(help: "Print JSON.")
        var json = false

        struct Row: Encodable {
            var id: String
            var state: String
            var createdAt: String
        }

        func run() async throws {
            let keys = try keyring.openKeyring().keys()
            let rows = keys.map {
                Row(id: $0.id, state: $0.state.rawValue, createdAt: $0.createdAt.iso8601)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            } else {
                for row in rows {
                    print("\(row.id)  \(row.state.padding(toLength: 7, withPad: " ", startingAt: 0))  created \(row.createdAt)")
                }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate a new key; it becomes primary only with --primary.")

        @OptionGroup var keyring: KeyringOptions

        @Flag(help: "Make the new key the primary key.")
        var primary = false

        func run() async throws {
            let key = try keyring.openKeyring().addKey(primary: primary)
            print("added key \(key.id) (\(key.state.rawValue))")
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a key.",
            discussion: "Refused for the primary key, and while a named vault (default: $TOKENVAULT_VAULT, else ./tokens.vault) is sealed with it.")

        @OptionGroup var keyring: KeyringOptions

        @Argument(help: "The key id.")
        var id: String

        @Option(name: .customLong("vault"), help: ArgumentHelp("A vault that must not lose its key (repeatable).", valueName: "path"))
        var vaults: [String] = []

        func run() async throws {
            let vaultPaths = vaults.isEmpty ? [VaultOptions.defaultVaultPath] : vaults
            if vaultPaths.contains(where: PostgresURL.isPostgresURL) {
                throw CLIError(
                    "key retire checks vault files; for a PostgreSQL vault run `vaultcli rotate --vault URL --key ID --retire-old`, which retires the keys no row uses")
            }
            try keyring.openKeyring().retireKey(id: id, vaultPaths: vaultPaths)
            print("retired key \(id)")
        }
    }
}
