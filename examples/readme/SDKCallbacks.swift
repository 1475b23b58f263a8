import TokenVault

/// Your own storage, plugged in as the PayPal Server SDK documents it.
protocol TokenDatabase: Sendable {
    func load() async throws -> OAuthToken?
    func save(_ token: OAuthToken) async throws
}

func makeSDKStyleAuthManager(clientID: String, clientSecret: String, database: any TokenDatabase) -> ClientCredentialsAuthManager {
    let credentials = ClientCredentialsAuthCredentials(
        oAuthClientId: clientID,
        oAuthClientSecret: clientSecret,
        // Called when the last token is missing or expired.
        oAuthTokenProvider: { lastToken, authManager in
            if let token = try await database.load(), !token.isExpired(clockSkew: authManager.clockSkew) {
                return token
            }
            return try await authManager.fetchToken()
        },
        // Called whenever the token changes.
        oAuthOnTokenUpdate: { token in try await database.save(token) },
        oAuthClockSkew: 60
    )
    return ClientCredentialsAuthManager(credentials: credentials, environment: .production)
}
