import ArgumentParser
import Foundation
import TokenVault

extension VaultCLI {
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a new token with the client-credentials grant and store it. Never prints the token.",
            discussion: "Exit status 9: the endpoint rejected the credentials; 10: the endpoint could not be reached; 11: it gave an invalid answer.")

        @OptionGroup var options: VaultOptions
        @OptionGroup var credentials: CredentialOptions

        @Option(help: "The entry name.")
        var name: String

        @Option(help: ArgumentHelp("Seconds a token counts as expired early.", valueName: "seconds"))
        var clockSkew: Double = 60

        func validate() throws { try credentials.validateComplete() }

        func run() async throws {
            let token = try await options.withVault { vault in
                let manager = try credentials.authManager(vault: vault, entry: name, clockSkew: clockSkew)
                let token = try await manager.fetchToken()
                try await manager.store?.write(token, for: manager.origin)
                return token
            }
            print("fetched '\(shown(name))': \(shown(token.tokenType)) token, expires \(token.expiresAt.iso8601), scope: \(shown(token.scope ?? "-"))")
        }
    }
}
