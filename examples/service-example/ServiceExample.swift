import AsyncHTTPClient
import Foundation
import TokenVault

/// A service that calls a protected API with a client-credentials token kept sealed in a vault.
///
/// Configured from the environment (the secret never goes on the command line):
/// `TOKEN_URL`, `API_URL`, `CLIENT_ID`, `CLIENT_SECRET`, and `TOKENVAULT_VAULT` /
/// `TOKENVAULT_KEYRING` (default `./tokens.vault`, `./vault.keys`). The token is stored under
/// the entry name `ENTRY` (default `demo`).
///
/// The first run fetches a token and seals it; later runs, and restarts, use the stored token
/// until it expires, without a token request.
@main
struct ServiceExample {
    static func main() async {
        do {
            try await run()
        } catch {
            // Typed errors name what failed (a missing keyring, a rejected client) and never a secret.
            FileHandle.standardError.write(Data("service-example: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let tokenURL = env["TOKEN_URL"], let apiURL = env["API_URL"], let clientID = env["CLIENT_ID"],
            let clientSecret = env["CLIENT_SECRET"]
        else {
            FileHandle.standardError.write(Data("set TOKEN_URL, API_URL, CLIENT_ID and CLIENT_SECRET\n".utf8))
            exit(64)
        }

        // 1. The vault and its keyring.
        let keyring = Keyring(path: env["TOKENVAULT_KEYRING"] ?? "vault.keys")
        let vault = Vault(path: env["TOKENVAULT_VAULT"] ?? "tokens.vault", keyring: keyring)

        // 2. The auth manager, keeping its token in the vault's entry ENTRY.
        let manager = ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: clientID, oAuthClientSecret: clientSecret),
            environment: .custom(tokenURL: tokenURL),
            store: VaultTokenStore(vault: vault, entry: env["ENTRY"] ?? "demo")
        )

        // 3. An authorized call: a valid token comes from memory or the vault, or is fetched; on a
        //    401 the token is invalidated, a new one fetched once, and the call sent once more.
        let request = HTTPClientRequest(url: apiURL)
        let response = try await HTTPClient.shared.execute(request, authorizedBy: manager, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 * 1024)
        print("GET \(apiURL) -> \(response.status.code) \(String(buffer: body))")
        if response.status != .ok { exit(1) }
    }
}
