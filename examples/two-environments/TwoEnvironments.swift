import Foundation
import TokenVault

/// Seals the tokens of two PayPal environments, sandbox and production, in one vault, under the
/// entry names `sandbox` and `production`.
///
/// Each client's secret comes from the environment: `SANDBOX_CLIENT_ID` / `SANDBOX_CLIENT_SECRET`
/// and `PRODUCTION_CLIENT_ID` / `PRODUCTION_CLIENT_SECRET`. `SANDBOX_TOKEN_URL` and
/// `PRODUCTION_TOKEN_URL` override PayPal's endpoints (for example with the local example
/// server). A stored token is only ever returned to the client, token URL and scope it was
/// obtained for, so the two entries never mix.
@main
struct TwoEnvironments {
    static func main() async {
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("two-environments: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let vault = Vault(
            path: env["TOKENVAULT_VAULT"] ?? "tokens.vault",
            keyring: Keyring(path: env["TOKENVAULT_KEYRING"] ?? "vault.keys"))

        for (name, paypal) in [("sandbox", OAuthEnvironment.sandbox), ("production", .production)] {
            let prefix = name.uppercased()
            guard let clientID = env["\(prefix)_CLIENT_ID"], let secret = env["\(prefix)_CLIENT_SECRET"] else {
                print("\(name): skipped (set \(prefix)_CLIENT_ID and \(prefix)_CLIENT_SECRET)")
                continue
            }
            let environment = env["\(prefix)_TOKEN_URL"].map { OAuthEnvironment.custom(tokenURL: $0) } ?? paypal
            let manager = ClientCredentialsAuthManager(
                credentials: ClientCredentialsAuthCredentials(oAuthClientId: clientID, oAuthClientSecret: secret),
                environment: environment,
                store: VaultTokenStore(vault: vault, entry: name))
            let token = try await manager.token()
            print("\(name): token valid until \(token.expiresAt), sealed in \(vault.path) as '\(name)'")
        }
    }
}
