/// Where a token came from: the token endpoint, the client it was issued to and the scope
/// requested. A stored token is returned only to credentials with the same origin.
package struct TokenOrigin: Sendable, Equatable {
    package var tokenURL: String
    package var clientID: String
    package var scope: String?

    package init(tokenURL: String, clientID: String, scope: String?) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.scope = scope
    }

    init(_ manager: ClientCredentialsAuthManager) {
        self.init(tokenURL: manager.tokenURL, clientID: manager.clientId, scope: manager.scope)
    }

    /// Why `entry` was stored for another origin, or `nil` when it may be used. An entry without
    /// a recorded origin (stored by `vaultcli put`) may be used by any client.
    func mismatch(with entry: VaultEntry) -> String? {
        guard let url = entry.tokenURL, let client = entry.clientID else { return nil }
        if url != tokenURL { return "it was obtained from another token URL" }
        if client != clientID { return "it was issued to another client id" }
        if entry.requestedScope != scope { return "it was requested with another scope" }
        return nil
    }
}
