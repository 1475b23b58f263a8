import TokenVault

/// The auth manager of a service whose token is sealed in a vault and fetched once.
func makeAuthManager(clientID: String, clientSecret: String) -> ClientCredentialsAuthManager {
    let vault = Vault(path: "/var/lib/myservice/tokens.vault",
                      keyring: Keyring(path: "/etc/myservice/vault.keys"))
    return ClientCredentialsAuthManager(
        credentials: ClientCredentialsAuthCredentials(
            oAuthClientId: clientID,
            oAuthClientSecret: clientSecret  // from the environment or a secret store, never argv
        ),
        environment: .production,
        store: VaultTokenStore(vault: vault, entry: "paypal")
    )
}
