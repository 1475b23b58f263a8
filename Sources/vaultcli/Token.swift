import ArgumentParser
import Foundation
import TokenVault

extension VaultCLI {
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the stored access token when it is valid.",
            discussion: """
                Prints only the access token, for example for \
                vaultcli token --name paypal | sed 's/.*/header = "Authorization: Bearer &"/' | curl -K - URL \
                (the token reaches curl on stdin, never on a command line). A missing entry exits 2, \
                an expired token exits 3. With --fetch and the client's options, a missing or expired \
                token is fetched and stored first (the manager and its vault store, as a command); processes \
                that start together make one token request between them.
                """)

        @OptionGroup var options: VaultOptions
        @OptionGroup var credentials: CredentialOptions

        @Option(help: "The entry name.")
        var name: String

        @Option(help: ArgumentHelp("Count the token as expired this many seconds early.", valueName: "seconds"))
        var clockSkew: Double = 60

        @Flag(help: "Fetch and store a token when the stored one is missing or expired.")
        var fetch = false

        func validate() throws {
            if fetch {
                try credentials.validateComplete()
            } else if credentials.isGiven {
                throw ValidationError("The client options go with --fetch.")
            }
        }

        func run() async throws {
            if fetch {
                let token = try await options.withVault { vault in
                    try await credentials.authManager(vault: vault, entry: name, clockSkew: clockSkew).token().accessToken
                }
                print(token)
                return
            }
            let found = try await options.withVault { vault in (try await vault.entry(named: name), vault.shownName) }
            guard let entry = found.0 else {
                throw VaultError.entryNotFound(name: name, path: found.1)
            }
            guard !entry.token.accessToken.isEmpty else {  // an empty line would pass for a token in a pipeline
                throw VaultError.malformed(path: found.1, reason: "entry '\(shown(name))' has an empty access token")
            }
            guard !entry.token.isExpired(clockSkew: clockSkew) else {
                printError("vaultcli: error: token '\(name)' expired at \(entry.token.expiresAt.iso8601)")
                throw ExitStatus.tokenExpired
            }
            print(entry.token.accessToken)
        }
    }
}
