import Foundation
import TokenVault

/// A temporary folder with a keyring and the benchmark's vaults.
struct Workspace {
    let path: String
    let keyring: Keyring

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("tokenvault-bench-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        keyring = try Keyring.create(at: path + "/vault.keys")
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// A vault holding `paypal` and `entries - 1` other entries.
    func vault(_ name: String, entries: Int = 1) throws -> Vault {
        let vault = Vault(path: file(name + ".vault"), keyring: Keyring(path: keyring.path))
        try vault.update { vault in
            vault.set(VaultEntry(token: OAuthToken(accessToken: "A21AA-paypal", expiresIn: 32400)), named: "paypal")
            for i in 1..<max(entries, 1) {
                let token = OAuthToken(accessToken: "A21AA-entry-\(i)-" + String(repeating: "x", count: 64), expiresIn: 32400, scope: "openid")
                vault.set(VaultEntry(token: token), named: "entry-\(i)")
            }
        }
        return vault
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
