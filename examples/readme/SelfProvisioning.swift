import Foundation
import TokenVault

/// A service that owns its keys on one machine creates its keyring at first start.
func openVault(in folder: String) throws -> Vault {
    let keyringPath = folder + "/vault.keys"
    let keyring = FileManager.default.fileExists(atPath: keyringPath)
        ? Keyring(path: keyringPath)
        : try Keyring.create(at: keyringPath)
    return Vault(path: folder + "/tokens.vault", keyring: keyring)
}
