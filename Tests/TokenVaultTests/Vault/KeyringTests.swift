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

    /// PostgreSQL's rule for its server key: this user's with no group or other access, or
    /// root's with at most group read (a read-only secret mount); another user's is refused.
    @Test(.enabled(if: geteuid() == 0, "needs root to give files to other users"))
    func aKeyringOfAnotherUserIsRefusedAndRootsMayBeGroupReadable() throws {
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        let primary = try keyring.create()
        chmod(keyring.path, 0o640)  // root-owned, group-readable: a mounted secret
        #expect(try Keyring(path: keyring.path).keys().map(\.id) == [primary.id])
        chmod(keyring.path, 0o644)
        #expect(throws: VaultError(StorageError.insecurePermissions(path: keyring.path, mode: 0o644))) { try Keyring(path: keyring.path).keys() }
        chmod(keyring.path, 0o600)
        chown(keyring.path, 65534, 65534)  // nobody's, however private
        #expect(throws: VaultError(StorageError.foreignOwner(path: keyring.path, owner: 65534))) { try Keyring(path: keyring.path).keys() }
        let secret = dir.file("secret")
        _ = FileManager.default.createFile(atPath: secret, contents: Data("s3cret".utf8), attributes: [.posixPermissions: 0o600])
        chown(secret, 65534, 65534)
        #expect(throws: VaultError(StorageError.foreignOwner(path: secret, owner: 65534))) { try Passphrase.file(secret) }
    }

    @Test func theOwnerAndModeAreCheckedOnTheFileOpenedNotOnTheLink() throws {
        // A symlink is followed (secret mounts are symlinks), and what is judged is the file read.
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("real.keys"))
        try keyring.create()
        symlink(keyring.path, dir.file("link.keys"))
        #expect(try Keyring(path: dir.file("link.keys")).keys().count == 1)
        chmod(keyring.path, 0o666)
        // The message names the file to chmod, the link's target.
        #expect(throws: VaultError(StorageError.insecurePermissions(path: keyring.path, mode: 0o666))) {
            try Keyring(path: dir.file("link.keys")).keys()
        }
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

    @Test func aTemporaryCopyLeftByAKilledWriterIsRemovedAtTheNextRead() throws {
        let dir = try TemporaryDirectory()
        let keyring = try Keyring.create(at: dir.file("vault.keys"))
        let stale = dir.file(".vault.keys.tmp-0123abcd")
        try Data(contentsOf: URL(fileURLWithPath: keyring.path)).write(to: URL(fileURLWithPath: stale))
        let unrelated = dir.file(".vault.keys.tmp-notours")
        _ = FileManager.default.createFile(atPath: unrelated, contents: Data())
        // Not while a writer holds the lock: the file may be that writer's.
        let writer = try #require(try FileLock.acquireIfFree(lockFile: dir.file("vault.keys.lock")))
        _ = try Keyring(path: keyring.path).keys()
        #expect(FileManager.default.fileExists(atPath: stale))
        writer.unlock()
        _ = try Keyring(path: keyring.path).keys()
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: unrelated))
    }

    @Test func passphraseFileMustBeOwnerOnly() throws {
        let dir = try TemporaryDirectory()
        let file = dir.file("pass")
        _ = FileManager.default.createFile(atPath: file, contents: Data("s3cret\n".utf8), attributes: [.posixPermissions: 0o660])
        #expect(throws: VaultError(StorageError.insecurePermissions(path: file, mode: 0o660))) { try Passphrase.file(file) }
        chmod(file, 0o600)
        let passphrase = try Passphrase.file(file)
        passphrase.withBytes { #expect($0 == Array("s3cret".utf8)) }
    }

    @Test func twentyVaultWritesLeaveTheKeyringByteIdentical() throws {
        let dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"), passphrase: Passphrase("p"))
        try keyring.create(scrypt: Scrypt(logN: 10, r: 8, p: 1))
        let before = try Data(contentsOf: URL(fileURLWithPath: keyring.path))
        let vault = Vault(path: dir.file("tokens.vault"), keyring: keyring)
        for i in 0..<20 {
            try vault.store(OAuthToken(accessToken: "t\(i)"), as: "e\(i % 3)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyring.path)) == before)
        #expect(try vault.contents().entries.count == 3)
    }

    /// Every bit flip and every truncation of a format-2 keyring, protected or not, is refused.
    @Test(arguments: [false, true])
    func everyFlippedBitAndTruncationOfAKeyringIsRefused(protected: Bool) throws {
        let dir = try TemporaryDirectory()
        let passphrase = protected ? Passphrase("p") : nil
        let keyring = Keyring(path: dir.file("vault.keys"), passphrase: passphrase)
        try keyring.create(scrypt: Scrypt(logN: 10, r: 8, p: 1))
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: keyring.path)))
        #expect(original[4] == 2)
        let scrypt = Scrypt(logN: 10, r: 8, p: 1)
        let derive: (Scrypt, [UInt8]) throws -> SymmetricKey? = { parameters, salt in
            // Only the real parameters are derived, so that a flipped cost cannot make the test slow.
            guard protected, parameters == scrypt else { return nil }
            return try passphrase?.withBytes { try scrypt.deriveKey(passphrase: $0, salt: salt) }
        }
        #expect(try KeyringFile.decode(original, path: "k", derivedKey: derive).keys.count == 1)
        for bit in 0..<(original.count * 8) {
            var bytes = original
            bytes[bit / 8] ^= 1 << (bit % 8)
            #expect(throws: VaultError.self, "bit \(bit)") { try KeyringFile.decode(bytes, path: "k", derivedKey: derive) }
        }
        for length in 0..<original.count {
            #expect(throws: VaultError.self, "length \(length)") {
                try KeyringFile.decode(Array(original.prefix(length)), path: "k", derivedKey: derive)
            }
        }
    }

    /// A header asking for more scrypt work than the bound is refused before any derivation.
    @Test(arguments: [(UInt8(20), UInt32(8), UInt32(1)), (UInt8(15), UInt32(8), UInt32(16)), (UInt8(17), UInt32(32), UInt32(1))])
    func scryptParametersBeyondTheWorkBoundAreRefusedWithoutDeriving(logN: UInt8, r: UInt32, p: UInt32) throws {
        var header = KeyringFile.magic + [KeyringFile.formatVersion, 1, logN]
        header.appendBigEndian(r)
        header.appendBigEndian(p)
        let file = header + [UInt8](repeating: 0, count: 16 + 24 + 4 + 16)
        var derived = false
        #expect(throws: VaultError.malformed(path: "k", reason: "scrypt parameters out of range")) {
            try KeyringFile.decode(file, path: "k") { _, _ in
                derived = true
                return nil
            }
        }
        #expect(!derived)
        #expect(Scrypt.default.isAcceptable)
    }

    /// Issue 12, defect 6: with a passphrase given, an unprotected keyring swapped in is refused.
    @Test func aPassphraseGivenRefusesAnUnprotectedKeyring() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("vault.keys")
        try Keyring(path: path).create()
        #expect(throws: VaultError.keyringNotProtected(path: path)) {
            try Keyring(path: path, passphrase: Passphrase("expected")).keys()
        }
        let vault = Vault(path: dir.file("tokens.vault"), keyring: Keyring(path: path, passphrase: Passphrase("expected")))
        #expect(throws: VaultError.self) { try vault.store(OAuthToken(accessToken: "t"), as: "e") }
        #expect(!FileManager.default.fileExists(atPath: vault.path), "nothing sealed under the swapped keyring")
        #expect(try Keyring(path: path).keys().count == 1)
    }
}
