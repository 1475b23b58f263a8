import ArgumentParser
import Foundation
import TokenVault

@main
struct VaultCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vaultcli",
        abstract: "Keep OAuth 2.0 client-credentials tokens sealed at rest (XAES-256-GCM) and manage their keys.",
        discussion: """
            Secrets never go on the command line: client secrets and passphrases are read from an \
            environment variable or a file (--client-secret-env/--client-secret-file, \
            --passphrase-env/--passphrase-file).

            \(ExitStatus.table)
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Put.self, Fetch.self, Token.self, Status.self, Verify.self, Remove.self, Key.self, Rotate.self, PassphraseCommand.self,
        ]
    )

    /// Runs the command and turns TokenVault's typed errors into one message on stderr and the
    /// documented exit status.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let status as ExitStatus {
            Foundation.exit(status.rawValue)
        } catch {
            if let status = ExitStatus(for: error) {
                FileHandle.standardError.write(Data("vaultcli: error: \(error)\n".utf8))
                Foundation.exit(status.rawValue)
            }
            exit(withError: error)
        }
    }
}
