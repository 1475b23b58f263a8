import Logging
import ServiceLifecycle
import TokenVault

/// Keeps the token fresh between calls too, and stops with the service's graceful shutdown.
func runWithFreshTokens(auth: ClientCredentialsAuthManager, server: some Service, logger: Logger) async throws {
    let group = ServiceGroup(
        services: [TokenRefreshService(manager: auth), server],
        gracefulShutdownSignals: [.sigterm],
        logger: logger
    )
    try await group.run()
}
