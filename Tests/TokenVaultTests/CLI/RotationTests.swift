import Foundation
import Testing
@testable import TokenVault

/// Key rotation by `vaultcli` processes, checked with the library on the files they leave.
@Suite struct RotationTests {
    let dir: TemporaryDirectory
    let cli: VaultCLIProcess

    init() throws {
        dir = try TemporaryDirectory()
        cli = VaultCLIProcess(directory: dir.path)
    }

    func vault(_ name: String = "tokens.vault") -> Vault {
        Vault(path: dir.file(name), keyring: Keyring(path: dir.file("vault.keys")))
    }

    @Test func rotateReSealsRetiresAndStatusShowsTheNewKey() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        let token = OAuthToken(accessToken: "A21AA-rotate-me", expiresIn: 32400)
        try vault().store(token, as: "paypal")
        let oldKey = try vault().contents().keyID

        // A vault left sealed with the old key, not named in the rotation.
        try FileManager.default.copyItem(atPath: dir.file("tokens.vault"), toPath: dir.file("forgotten.vault"))

        let rotated = try await cli.run(["rotate", "--retire-old"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let newKey = try vault().contents().keyID
        #expect(newKey != oldKey)
        #expect(rotated.stdout.contains(oldKey) && rotated.stdout.contains(newKey) && rotated.stdout.contains("re-sealed \(URL(fileURLWithPath: dir.file("tokens.vault")).resolvingSymlinksInPath().path)"))
        #expect(try vault().contents().entries["paypal"]?.token == token)

        let status = try await cli.run(["status", "--json"])
        #expect(status.stdout.contains("\"keyId\" : \"\(newKey)\""))
        let keys = try await cli.run(["key", "list", "--json"])
        #expect(keys.stdout.contains(newKey) && !keys.stdout.contains(oldKey))

        let forgotten = try await cli.run(["verify", "--vault", "forgotten.vault"])
        #expect(forgotten.status == 5)
        #expect(forgotten.stderr.contains(oldKey))
    }

    @Test func retireIsRefusedForThePrimaryAndForKeysInUse() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        let primary = try vault().contents().keyID
        let refusedPrimary = try await cli.run(["key", "retire", primary])
        #expect(refusedPrimary.status == 8 && refusedPrimary.stderr.contains("primary"))

        #expect(try await cli.run(["key", "add", "--primary"]).status == 0)
        let refusedInUse = try await cli.run(["key", "retire", primary])
        #expect(refusedInUse.status == 8 && refusedInUse.stderr.contains("still seals \(URL(fileURLWithPath: dir.file("tokens.vault")).resolvingSymlinksInPath().path)"))

        #expect(try await cli.run(["rotate"]).status == 0)
        #expect(try await cli.run(["key", "retire", primary]).status == 0)
        #expect(try Keyring(path: dir.file("vault.keys")).keys().count == 2)
    }

    @Test func aMistypedOrMissingVaultStopsTheRotationBeforeAnyChange() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        try vault().store(OAuthToken(accessToken: "keep-me"), as: "a")
        let keysBefore = try Keyring(path: dir.file("vault.keys")).keys()
        let elsewhere = dir.file("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        var other = VaultCLIProcess(directory: elsewhere)
        other.environment = cli.environment
        let result = try await other.run(["rotate", "--keyring", dir.file("vault.keys"), "--retire-old"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere + "/tokens.vault"))
        #expect(try Keyring(path: dir.file("vault.keys")).keys() == keysBefore)
        #expect(try vault().contents().entries["a"]?.token.accessToken == "keep-me")
    }

    @Test func aVaultOfAnotherKeyringStopsTheRotationBeforeTheKeyringChanges() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        #expect(try await cli.run(["init", "--vault", "other.vault", "--keyring", "other.keys"]).status == 0)
        let keyringBefore = try Data(contentsOf: URL(fileURLWithPath: dir.file("vault.keys")))
        let result = try await cli.run(["rotate", "--vault", "tokens.vault", "--vault", "other.vault"])
        #expect(result.status == 5, "\(result.stderr)")  // other.vault: a key this keyring does not hold
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("vault.keys"))) == keyringBefore)
    }

    @Test func theSameVaultNamedTwiceIsRotatedOnce() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        let result = try await cli.run(["rotate", "--vault", "tokens.vault", "--vault", "./tokens.vault", "--retire-old"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.components(separatedBy: "re-sealed").count == 2)
        #expect(try vault().contents().keyID == (try Keyring(path: dir.file("vault.keys")).keys().first?.id))
    }

    @Test func aServiceKeepsWorkingWhileAnotherProcessRotates() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        let service = vault()  // keeps its keyring cached across the rotation
        try service.store(OAuthToken(accessToken: "before"), as: "a")
        #expect(try await cli.run(["rotate", "--retire-old"]).status == 0)
        let rotatedKey = try Vault(path: service.path, keyring: Keyring(path: service.keyring.path)).contents().keyID

        #expect(try service.contents().entries["a"]?.token.accessToken == "before")
        try service.store(OAuthToken(accessToken: "after"), as: "b")
        let contents = try service.contents()
        #expect(contents.keyID == rotatedKey)
        #expect(contents.entries.count == 2)
    }

    @Test func passphraseChangeKeepsTheKeys() async throws {
        var cli = self.cli
        cli.environment["OLD_PASS"] = "old passphrase"
        cli.environment["NEW_PASS"] = "new passphrase"
        #expect(try await cli.run(["init", "--passphrase-env", "OLD_PASS"]).status == 0)
        #expect(try await cli.run(["passphrase", "--passphrase-env", "OLD_PASS", "--new-passphrase-env", "NEW_PASS"]).status == 0)
        #expect(try await cli.run(["verify", "--passphrase-env", "OLD_PASS"]).status == 4)
        #expect(try await cli.run(["verify", "--passphrase-env", "NEW_PASS"]).status == 0)
        #expect(try await cli.run(["passphrase", "--passphrase-env", "NEW_PASS", "--remove"]).status == 0)
        #expect(try await cli.run(["verify"]).status == 0)
    }

    /// `vaultcli rotate` killed with SIGKILL at random instants, hundreds of times: after every
    /// kill, every vault opens with the keyring on disk and holds every token it held before.
    @Test func sigkillAtRandomPointsOfRotationLosesNothing() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        let names = ["a.vault", "b.vault"]
        var expected: [String: OAuthToken] = [:]
        for (index, name) in names.enumerated() {
            let token = OAuthToken(accessToken: "token-\(index)", expiresIn: 32400)
            try vault(name).store(token, as: "entry")
            expected[name] = token
        }
        let arguments = ["rotate", "--retire-old", "--vault", "a.vault", "--vault", "b.vault"]
        // Calibrate: how long one whole rotation takes here, now.
        // Calibrate: the median of five whole runs here, now.
        var durations: [TimeInterval] = []
        for _ in 0..<5 {
            let start = Date()
            #expect(try await cli.run(arguments).status == 0)
            durations.append(Date().timeIntervalSince(start))
        }
        // Kill points are drawn from [0, window); the window adapts so that about two thirds of
        // the runs are killed, wherever the machine's load puts their length.
        var window = durations.sorted()[2] * 1.2
        var generator = SystemRandomNumberGenerator()
        var completed = 0
        var midRotation = 0
        let iterations = 200
        for iteration in 0..<iterations {
            // Killed at a random instant of the run.
            let delay = UInt32.random(in: 0..<max(1, UInt32(window * 1_000_000)), using: &generator)
            if try await cli.runKilled(arguments, afterMicroseconds: delay) {
                completed += 1
                window *= 0.9
            } else {
                window *= 1.05
            }
            let keyring = Keyring(path: dir.file("vault.keys"))
            if try keyring.keys().count > 1 { midRotation += 1 }
            for name in names {
                let contents = try Vault(path: dir.file(name), keyring: keyring).contents()
                #expect(contents.entries["entry"]?.token == expected[name], "iteration \(iteration), \(name)")
            }
        }
        #expect(completed < iterations, "no rotation was killed")
        print("rotate SIGKILL loop: \(iterations - completed) killed, \(midRotation) of them between adding the new key and retiring the old, \(completed) completed; every vault opened after each")
    }

    /// One process updates tokens in a loop while `vaultcli rotate` runs in a loop in others.
    @Test func updatesDuringRotationsAreAllKept() async throws {
        #expect(try await cli.run(["init"]).status == 0)
        let cli = self.cli
        let rotations = Task.detached {
            var statuses: [Int32] = []
            for _ in 0..<15 { statuses.append(try await cli.run(["rotate", "--retire-old"]).status) }
            return statuses
        }
        let service = vault()
        for i in 0..<60 {
            try service.store(OAuthToken(accessToken: "update-\(i)"), as: "entry-\(i)")
        }
        #expect(try await rotations.value.allSatisfy { $0 == 0 })
        let contents = try vault().contents()
        #expect(contents.entries.count == 60)
        #expect((0..<60).allSatisfy { contents.entries["entry-\($0)"]?.token.accessToken == "update-\($0)" })
    }
}
