import Foundation
import Testing
@testable import TokenVault

/// Vaults and keyrings written by the format-1 release (Resources/format1) open, and the next
/// write turns a vault into format 2 with nothing lost.
@Suite struct Format1MigrationTests {
    let dir: TemporaryDirectory

    /// Copies the fixtures into a temporary folder, owner-only (git does not keep file modes).
    init() throws {
        dir = try TemporaryDirectory()
        let fixtures = try #require(Bundle.module.url(forResource: "Resources/format1", withExtension: nil))
        for name in ["plain.keys", "plain.vault", "protected.keys", "protected.vault"] {
            try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent(name).path, toPath: dir.file(name))
            chmod(dir.file(name), 0o600)
        }
    }

    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: dir.file(name)))) }

    @Test func aFormat1VaultOpensAndItsNextWriteIsFormat2WithNothingLost() throws {
        let keyring = Keyring(path: dir.file("plain.keys"))
        let vault = Vault(path: dir.file("plain.vault"), keyring: keyring)
        let before = try vault.contents()
        #expect(before.formatVersion == 1)
        #expect(before.entries["paypal"]?.token.accessToken == "A21AA-format1-plain")
        #expect(before.entries["paypal"]?.token.scope == "openid payments")
        #expect(before.entries["paypal"]?.token.appId == "APP-1" && before.entries["paypal"]?.token.nonce == "n-1")
        #expect(before.entries["second"]?.token.accessToken == "A21AA-format1-second")
        #expect(try vault.entry(named: "second")?.token.scope == nil)
        let keyringBefore = try bytes("plain.keys")
        #expect(keyringBefore[4] == 1)

        let added = OAuthToken(accessToken: "A21AA-format2-added", expiresIn: 3600)
        try vault.store(added, as: "third")

        let after = try Vault(path: vault.path, keyring: Keyring(path: keyring.path)).contents()
        #expect(after.formatVersion == 2)
        #expect(after.keyID == before.keyID)
        #expect(after.entries["paypal"] == before.entries["paypal"])
        #expect(after.entries["second"] == before.entries["second"])
        #expect(after.entries["third"]?.token == added)
        #expect(try bytes("plain.keys") == keyringBefore, "a vault write must not write the keyring")
    }

    @Test func aPassphraseProtectedFormat1KeyringAndVaultMigrate() throws {
        let keyring = Keyring(path: dir.file("protected.keys"), passphrase: Passphrase("format-1 passphrase"))
        let vault = Vault(path: dir.file("protected.vault"), keyring: keyring)
        let before = try vault.contents()
        #expect(before.formatVersion == 1 && before.entries["paypal"]?.token.accessToken == "A21AA-format1-protected")
        #expect(throws: VaultError.self) { try Vault(path: vault.path, keyring: Keyring(path: keyring.path)).contents() }

        try vault.store(OAuthToken(accessToken: "A21AA-format2-added", expiresIn: 3600), as: "added")
        #expect(try vault.contents().formatVersion == 2)
        #expect(try bytes("protected.keys")[4] == 1, "the keyring stays format 1 until it changes")

        // A rotation changes the keyring: it is written in format 2, and the vault re-sealed.
        let report = try keyring.rotate(vaultPaths: [vault.path], retireOld: true)
        #expect(try bytes("protected.keys")[4] == 2)
        #expect(report.retired == [before.keyID])
        let rotated = try Vault(path: vault.path, keyring: Keyring(path: keyring.path, passphrase: Passphrase("format-1 passphrase"))).contents()
        #expect(rotated.keyID == report.newPrimary)
        #expect(rotated.entries["paypal"] == before.entries["paypal"])
        #expect(rotated.entries["added"]?.token.accessToken == "A21AA-format2-added")
    }

    @Test func vaultcliReportsFormat2AfterAPutToAFormat1Vault() async throws {
        let cli = VaultCLIProcess(directory: dir.path)
        let options = ["--vault", "plain.vault", "--keyring", "plain.keys"]
        let before = try await cli.run(["status", "--json"] + options)
        #expect(before.status == 0 && before.stdout.contains("\"formatVersion\" : 1"), "\(before.stdout)\(before.stderr)")
        let put = try await cli.run(["put", "--name", "new"] + options, stdin: #"{"access_token":"A21AA-cli","token_type":"Bearer","expires_in":60}"#)
        #expect(put.status == 0, "\(put.stderr)")
        let after = try await cli.run(["status", "--json"] + options)
        #expect(after.stdout.contains("\"formatVersion\" : 2"), "\(after.stdout)")
        #expect(["paypal", "second", "new"].allSatisfy { after.stdout.contains("\"name\" : \"\($0)\"") })
    }
}
