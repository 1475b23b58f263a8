import Logging
import TokenVault

/// A token that could not be persisted (disk full, keyring gone) is still used, and reported.
func makeObservedAuthManager(
    credentials: ClientCredentialsAuthCredentials, store: VaultTokenStore, logger: Logger
) -> ClientCredentialsAuthManager {
    ClientCredentialsAuthManager(
        credentials: credentials,
        environment: .production,
        store: store,
        onStoreFailure: { failure in logger.error("token store: \(failure)") },
        logger: logger
    )
}
