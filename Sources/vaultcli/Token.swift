import ArgumentParser
import Foundation
import TokenVault

extension VaultCLI {
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the stored access token when it is valid.",
            discussion: """
                Prints only the access token, for example for
                curl -H "Authorization: Bearer $(vaultcli token --name paypal)". A missing entry exits 2,
                an expired token exits 3.
                """)

        @OptionGroup var options: VaultOptions

        @Option(help: "The entry name.")
        var name: String

        @Option(help: ArgumentHelp("Count the token as expired this many seconds early.", valueName: "seconds"))
        var clockSkew: Double = 60

        func run() async throws {
            let contents = try options.openVault().contents()
            guard let entry = contents.entries[name] else {
                throw VaultError.entryNotFound(name: name, path: options.vaultPath)
            }
            guard !entry.token.isExpired(clockSkew: clockSkew) else {
                printError("vaultcli: error: token '\(name)' expired at \(entry.token.expiresAt.iso8601)")
                throw ExitStatus.tokenExpired
            }
            print(entry.token.accessToken)
        }
    }
}
