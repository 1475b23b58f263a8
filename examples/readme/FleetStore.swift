import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import TokenVault
import TokenVaultPostgres

/// A replica of a fleet: its token sealed in PostgreSQL, shared by every replica.
func runReplica(clientID: String, clientSecret: String) async throws {
    // postgres://USER@HOST:5432/DB?vault=payments&sslmode=verify-full, password in $PGPASSWORD
    let location = try PostgresURL(ProcessInfo.processInfo.environment["TOKENVAULT_VAULT"] ?? "")
    let client = PostgresClient(configuration: location.configuration)
    let vault = PostgresVault(client: client, name: location.vaultName,
                              keyring: Keyring(path: "/etc/myservice/vault.keys"))
    let auth = ClientCredentialsAuthManager(
        credentials: ClientCredentialsAuthCredentials(oAuthClientId: clientID, oAuthClientSecret: clientSecret),
        environment: .production,
        store: PostgresTokenStore(vault: vault, entry: "paypal")
    )
    // The pool runs for as long as the manager is used; the token is kept fresh meanwhile.
    let services = ServiceGroup(
        services: [client, TokenRefreshService(manager: auth)],
        gracefulShutdownSignals: [.sigterm], logger: Logger(label: "myservice"))
    try await services.run()
}
