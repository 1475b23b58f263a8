import Foundation
import Testing
@testable import TokenVault

@Suite struct VaultTests {
    @Test func storesAndReadsBackEntries() throws {
        let dir = try TemporaryDirectory()
        let vault = try dir.makeVault()
        #expect(try fileMode(vault.path) == 0o600)
        let token = OAuthToken(accessToken: "A21AA-secret", expiresIn: 32400, scope: "s1 s2", appId: "APP-1", nonce: "n")
        try vault.update { $0.set(VaultEntry(token: token, origin: TokenOrigin(tokenURL: "https://x/v1/oauth2/token", clientID: "cid", scope: nil)), named: "paypal") }
        let contents = try Vault(path: vault.path, keyring: Keyring(path: vault.keyring.path)).contents()
        #expect(contents.formatVersion == 2)
        #expect(contents.entries["paypal"]?.token == token)
        #expect(contents.entries["paypal"]?.clientID == "cid")
        #expect(contents.keyID == (try vault.keyring.keys().first?.id))
        let raw = try Data(contentsOf: URL(fileURLWithPath: vault.path))
        #expect(!String(decoding: raw, as: UTF8.self).contains("A21AA"))
    }

    @Test func refusesToOverwrite() throws {
        let dir = try TemporaryDirectory()
        let vault = try dir.makeVault()
        #expect(throws: VaultError.alreadyExists(path: vault.path)) { try vault.create() }
    }

    @Test func everyFlippedBitIsDetected() throws {
        let dir = try TemporaryDirectory()
        let vault = try dir.makeVault()
        try vault.update { $0.set(VaultEntry(token: OAuthToken(accessToken: "tok")), named: "a") }
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: vault.path)))
        let keyID = try vault.contents().keyID
        let key = try #require(try vault.keyring.key(id: keyID))
        let nonceStart = 4 + 1 + 1 + keyID.utf8.count
        let lengthRange = (nonceStart + 24)..<(nonceStart + 28)  // after the 24-byte XAES-256-GCM nonce
        for bit in 0..<(original.count * 8) {
            var bytes = original
            bytes[bit / 8] ^= 1 << (bit % 8)
            do {
                _ = try VaultFile.open(bytes, path: "v", keyringPath: "k") { $0 == keyID ? key : nil }
                Issue.record("flipped bit \(bit) went unnoticed")
            } catch let error as VaultError {
                // In the nonce, ciphertext and tag the tag check fails; in the rest of the header the
                // parser names what it sees (bad magic, version, key id, or a length that does not fit).
                if bit / 8 >= nonceStart && !lengthRange.contains(bit / 8) {
                    #expect(error == .authenticationFailed(path: "v"), "bit \(bit)")
                }
            }
        }
    }

    @Test func everyTruncationIsRefused() throws {
        let dir = try TemporaryDirectory()
        let vault = try dir.makeVault()
        try vault.update { $0.set(VaultEntry(token: OAuthToken(accessToken: "tok")), named: "a") }
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: vault.path)))
        let keyID = try vault.contents().keyID
        let key = try #require(try vault.keyring.key(id: keyID))
        for length in 0..<original.count {
            #expect(throws: VaultError.self, "length \(length)") {
                try VaultFile.open(Array(original.prefix(length)), path: "v", keyringPath: "k") { $0 == keyID ? key : nil }
            }
        }
    }

    @Test func truncatedFileIsMalformed() throws {
        let dir = try TemporaryDirectory()
        let vault = try dir.makeVault()
        let original = try Data(contentsOf: URL(fileURLWithPath: vault.path))
        for length in [0, 3, 10, original.count - 1] {
            try original.prefix(length).write(to: URL(fileURLWithPath: vault.path))
            #expect(throws: VaultError.self) { try vault.contents() }
            do { _ = try vault.contents() } catch let error as VaultError {
                #expect(error.code == .malformed, "length \(length): \(error)")
            }
        }
    }

    @Test func otherKeyringGivesUnknownKeyID() throws {
        let dir = try TemporaryDirectory()
        let vault = try dir.makeVault()
        let other = Keyring(path: dir.file("other.keys"))
        try other.create()
        let keyID = try vault.contents().keyID
        #expect(throws: VaultError.unknownKeyID(keyID, vaultPath: vault.path, keyringPath: other.path)) {
            try Vault(path: vault.path, keyring: other).contents()
        }
    }

    @Test func missingVaultIsNotFound() throws {
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        try keyring.create()
        let path = dir.file("none.vault")
        #expect(throws: VaultError.fileNotFound(path: path)) { try Vault(path: path, keyring: keyring).contents() }
    }

    @Test func concurrentUpdatersEachKeepTheirEntry() async throws {
        let dir = try TemporaryDirectory()
        let vault = try dir.makeVault()
        await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<16 {
                group.addTask {
                    let mine = Vault(path: vault.path, keyring: Keyring(path: vault.keyring.path))
                    try await mine.withLock { locked async throws in
                        var entries = try locked.entries()
                        entries.set(VaultEntry(token: OAuthToken(accessToken: "t\(i)")), named: "e\(i)")
                        try locked.write(entries)
                    }
                }
            }
        }
        #expect(try vault.contents().entries.count == 16)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}
