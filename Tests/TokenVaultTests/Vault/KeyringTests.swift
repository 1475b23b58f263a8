import Foundation
import Testing
@testable import TokenVault

@Suite struct KeyringTests {
    @Test func createsOwnerOnlyFileWithOnePrimaryKey() throws {
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        let primary = try keyring.create()
        #expect(try fileMode(keyring.path) == 0o600)
        let keys = try Keyring(path: keyring.path).keys()
        #expect(keys.map(\.id) == [primary.id])
        #expect(keys.first?.state == .primary)
        #expect(throws: VaultError.alreadyExists(path: keyring.path)) { try keyring.create() }
    }

    @Test func refusesKeyringReadableByOthers() throws {
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        try keyring.create()
        chmod(keyring.path, 0o644)
        #expect(throws: VaultError(StorageError.insecurePermissions(path: keyring.path, mode: 0o644))) { try Keyring(path: keyring.path).keys() }
        let message = VaultError(StorageError.insecurePermissions(path: keyring.path, mode: 0o644)).description
        #expect(message.contains("chmod 600 \(keyring.path)"))
    }

    @Test func passphraseProtectedKeyring() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("vault.keys")
        let fast = Scrypt(logN: 10, r: 8, p: 1)
        let created = try Keyring(path: path, passphrase: Passphrase("correct horse")).create(scrypt: fast)
        #expect(try Keyring(path: path, passphrase: Passphrase("correct horse")).keys().map(\.id) == [created.id])
        #expect(throws: VaultError.authenticationFailed(path: path)) { try Keyring(path: path, passphrase: Passphrase("wrong")).keys() }
        #expect(throws: VaultError.passphraseRequired(path: path)) { try Keyring(path: path).keys() }
        // The key bytes are not in the file in the clear.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(String(decoding: bytes, as: UTF8.self).contains(created.id) == false)
    }

    @Test func passphraseFileMustBeOwnerOnly() throws {
        let dir = try TemporaryDirectory()
        let file = dir.file("pass")
        _ = FileManager.default.createFile(atPath: file, contents: Data("s3cret\n".utf8), attributes: [.posixPermissions: 0o640])
        #expect(throws: VaultError(StorageError.insecurePermissions(path: file, mode: 0o640))) { try Passphrase.file(file) }
        chmod(file, 0o600)
        let passphrase = try Passphrase.file(file)
        passphrase.withBytes { #expect($0 == Array("s3cret".utf8)) }
    }

    @Test func sealsAreCountedOnThePrimaryKey() throws {
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        try keyring.create()
        let vault = Vault(path: dir.file("tokens.vault"), keyring: keyring)
        try vault.create()
        try vault.update { $0["a"] = VaultEntry(token: OAuthToken(accessToken: "t")) }
        #expect(try Keyring(path: keyring.path).keys().first?.sealCount == 2)
    }
}
