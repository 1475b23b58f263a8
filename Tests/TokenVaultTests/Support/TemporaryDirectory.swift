import Foundation
@testable import TokenVault

/// A fresh folder under the system's temporary folder, removed when released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokenvault-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

func fileMode(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
}

extension TemporaryDirectory {
    /// A new keyring (`vault.keys`) and an empty vault (`tokens.vault`) sealed with it, here.
    func makeVault() throws -> Vault {
        let keyring = Keyring(path: file("vault.keys"))
        try keyring.create()
        let vault = Vault(path: file("tokens.vault"), keyring: keyring)
        try vault.create()
        return vault
    }
}
