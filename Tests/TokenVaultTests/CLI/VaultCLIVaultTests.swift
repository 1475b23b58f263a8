import Foundation
import Testing
@testable import TokenVault

/// vaultcli's vault commands, run as real processes on real files.
@Suite struct VaultCLIVaultTests {
    let dir: TemporaryDirectory
    let cli: VaultCLIProcess

    init() throws {
        dir = try TemporaryDirectory()
        cli = VaultCLIProcess(directory: dir.path)
    }

    /// Stores a token through the library, as a service would.
    func store(_ token: OAuthToken, as name: String) throws {
        try Vault(path: dir.file("tokens.vault"), keyring: Keyring(path: dir.file("vault.keys"))).store(token, as: name)
    }

    @Test func initCreatesOwnerOnlyFilesAndRefusesToOverwrite() async throws {
        let first = try await cli.run(["init"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try fileMode(dir.file("vault.keys")) == 0o600)
        #expect(try fileMode(dir.file("tokens.vault")) == 0o600)
        let second = try await cli.run(["init"])
        #expect(second.status == 8)
        #expect(second.stderr.contains("already exists"))
    }

    @Test func aTokenThatCouldInjectAHeaderIsRefusedAndTheStoredOneStays() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        let good = try await cli.run(["put", "--name", "paypal"], stdin: #"{"access_token":"A21AA-good","token_type":"Bearer","expires_in":3600}"#)
        #expect(good.status == 0)
        for body in [
            #"{"access_token":"A21AA-bad\r\nX-Evil: 1","token_type":"Bearer","expires_in":3600}"#,
            #"{"access_token":"A21AA-bad","token_type":"Bearer\r\nX-Evil: 1","expires_in":3600}"#,
        ] {
            let bad = try await cli.run(["put", "--name", "paypal"], stdin: body)
            #expect(bad.status == 11, "\(bad.stderr)")
            #expect(!bad.stderr.contains("Evil") && !bad.stdout.contains("Evil"))
        }
        let token = try await cli.run(["token", "--name", "paypal"])
        #expect(token.stdout == "A21AA-good\n")
    }

    @Test func humanOutputEscapesTerminalControlsAndJSONStaysExact() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        let name = "evil\u{1b}]0;title\u{07}\u{202e}"
        let put = try await cli.run(
            ["put", "--name", name], stdin: #"{"access_token":"A21AA-x","token_type":"Bearer","expires_in":3600,"scope":"a\u001b[2Jb"}"#)
        #expect(put.status == 0, "\(put.stderr)")
        let status = try await cli.run(["status"])
        for output in [put.stdout, status.stdout] {
            #expect(!output.unicodeScalars.contains { [0x1b, 0x07, 0x202e].contains($0.value) }, "\(output)")
            #expect(output.contains("\\u{1b}"))
        }
        let json = try await cli.run(["status", "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let entry = try #require((report["entries"] as? [[String: Any]])?.first)
        #expect(entry["name"] as? String == name && entry["scope"] as? String == "a\u{1b}[2Jb")
    }

    @Test func tokenStatusVerifyRemove() async throws {
        try await cli.run(["init"])
        let token = OAuthToken(accessToken: "A21AA-valid-token", expiresIn: 32400, scope: "openid")
        try store(token, as: "paypal")
        try store(OAuthToken(accessToken: "A21AA-old-token", expiresIn: 60, obtainedAt: Date(timeIntervalSinceNow: -3600)), as: "old")

        let printed = try await cli.run(["token", "--name", "paypal"])
        #expect(printed.status == 0)
        #expect(printed.stdout == "A21AA-valid-token\n")

        let expired = try await cli.run(["token", "--name", "old"])
        #expect(expired.status == 3)
        #expect(expired.stdout.isEmpty)

        // An empty access token (only a hand-sealed vault holds one) prints nothing and fails.
        try store(OAuthToken(accessToken: "", expiresIn: 32400), as: "empty")
        let empty = try await cli.run(["token", "--name", "empty"])
        #expect(empty.status == 7)
        #expect(empty.stdout.isEmpty)
        #expect(try await cli.run(["remove", "--name", "empty"]).status == 0)
        #expect(try await cli.run(["token", "--name", "none"]).status == 2)

        let status = try await cli.run(["status", "--json"])
        #expect(status.status == 0)
        #expect(!status.stdout.contains("A21AA"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json["formatVersion"] as? Int == 2)
        #expect(json["keyId"] as? String == (try Keyring(path: dir.file("vault.keys")).keys().first?.id))
        let entries = try #require(json["entries"] as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == ["old", "paypal"])
        #expect(entries.map { $0["expired"] as? Bool } == [true, false])
        #expect(entries[1]["tokenType"] as? String == "Bearer")
        #expect(entries[1]["scope"] as? String == "openid")
        #expect((entries[1]["expiresAt"] as? String)?.hasSuffix("Z") == true)

        let human = try await cli.run(["status"])
        #expect(human.status == 0 && human.stdout.contains("paypal") && !human.stdout.contains("A21AA"))

        #expect(try await cli.run(["verify"]).status == 0)
        #expect(try await cli.run(["remove", "--name", "old"]).status == 0)
        #expect(try await cli.run(["remove", "--name", "old"]).status == 2)
        #expect(try await cli.run(["token", "--name", "old"]).status == 2)
    }

    @Test func flippedBitsTruncationAndOtherKeyringsGiveDocumentedStatuses() async throws {
        try await cli.run(["init"])
        try store(OAuthToken(accessToken: "A21AA-secret-token", expiresIn: 32400), as: "paypal")
        let vaultURL = URL(fileURLWithPath: dir.file("tokens.vault"))
        let original = Array(try Data(contentsOf: vaultURL))
        let keyIDLength = Int(original[5])
        let nonceStart = 6 + keyIDLength
        let lengthField = (nonceStart + 24)..<(nonceStart + 28)  // format 2: a 24-byte XAES-256-GCM nonce
        var generator = SystemRandomNumberGenerator()

        // One random bit in every byte of the file.
        for byte in original.indices {
            var bytes = original
            bytes[byte] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
            try Data(bytes).write(to: vaultURL)
            let commands = byte % 8 == 0 ? [["verify"], ["token", "--name", "paypal"]] : [["verify"]]
            for command in commands {
                let result = try await cli.run(command)
                #expect(!result.stdout.contains("A21AA") && !result.stderr.contains("A21AA"), "byte \(byte)")
                if byte >= nonceStart && !lengthField.contains(byte) {
                    #expect(result.status == 4, "byte \(byte): \(result.stderr)")
                    #expect(result.stderr.contains("authentication failed"))
                } else {
                    #expect([4, 5, 7].contains(result.status), "byte \(byte): \(result.status) \(result.stderr)")
                }
            }
            #expect(Array(try Data(contentsOf: vaultURL)) == bytes, "a failed read changed the file")
        }

        for length in [0, 5, nonceStart + 4, original.count - 1] {
            try Data(original.prefix(length)).write(to: vaultURL)
            let result = try await cli.run(["verify"])
            #expect(result.status == 7, "length \(length): \(result.stderr)")
            #expect(result.stderr.contains("truncated"))
        }

        try Data(original).write(to: vaultURL)
        #expect(try await cli.run(["verify"]).status == 0)
        let other = VaultCLIProcess(directory: dir.path)
        try Keyring(path: dir.file("other.keys")).create()
        let wrongKeyring = try await other.run(["verify", "--keyring", "other.keys"])
        #expect(wrongKeyring.status == 5)
        #expect(wrongKeyring.stderr.contains("other.keys"))
    }

    @Test func keyringReadableByOthersIsRefused() async throws {
        try await cli.run(["init"])
        chmod(dir.file("vault.keys"), 0o604)  // refused for every owner, root included
        let result = try await cli.run(["status"])
        #expect(result.status == 6)
        #expect(result.stderr.contains("chmod 600"))
    }

    @Test func passphraseProtectedKeyringFromEnvironmentOrFile() async throws {
        var cli = self.cli
        cli.environment["VAULT_PASSPHRASE"] = "correct horse battery staple"
        #expect(try await cli.run(["init", "--passphrase-env", "VAULT_PASSPHRASE"]).status == 0)
        #expect(try await cli.run(["status", "--passphrase-env", "VAULT_PASSPHRASE"]).status == 0)
        #expect(try await cli.run(["status"]).status == 4)
        _ = FileManager.default.createFile(
            atPath: dir.file("pass"), contents: Data("wrong\n".utf8), attributes: [.posixPermissions: 0o600])
        let wrong = try await cli.run(["status", "--passphrase-file", "pass"])
        #expect(wrong.status == 4)
        #expect(!wrong.stderr.contains("wrong\n") && !wrong.stderr.contains("correct horse"))
    }
}
