import ArgumentParser
import Foundation
import TokenVault

extension VaultCLI {
    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a token endpoint's JSON response, read from standard input.",
            discussion: """
                Reads the JSON body of a token response (access_token, token_type, expires_in, scope, \
                app_id, nonce) from stdin; the expiry is computed from the current time. \
                Example, with the secret kept off every command line (printf is a shell builtin): \
                printf 'user = "%s:%s"\\n' "$ID" "$SECRET" | curl -s -K - -d grant_type=client_credentials URL | vaultcli put --name paypal
                """)

        @OptionGroup var options: VaultOptions

        @Option(help: "The entry name.")
        var name: String

        func run() async throws {
            var input = FileHandle.standardInput.readDataToEndOfFile()
            defer { input.resetBytes(in: 0..<input.count) }
            let token = try OAuthToken(tokenResponse: input)
            try await options.withVault { try await $0.store(token, as: name) }
            print("stored '\(shown(name))': \(shown(token.tokenType)) token, expires \(token.expiresAt.iso8601), scope: \(shown(token.scope ?? "-"))")
        }
    }
}
