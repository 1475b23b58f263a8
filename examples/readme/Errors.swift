import TokenVault

/// Typed errors: match on the code, show the description (it never holds a secret).
func describe(_ error: any Error) -> String {
    switch error {
    case let error as VaultError where error.code == .fileNotFound:
        return "create the keyring and vault first (vaultcli init): \(error)"
    case let error as OAuthError where error.isCredentialsRejected:
        return "check the client id and secret: \(error)"
    default:
        return "\(error)"
    }
}
