import ExampleTokenServer
import Foundation
import PostgresNIO
import Synchronization
import Testing
@testable import TokenVault
@testable import TokenVaultPostgres

/// The fleet store against a real PostgreSQL (the private cluster of the test command), with
/// replicas as real `vaultcli` processes that share nothing but the database.
///
/// Serialized: one test restarts the cluster.
@Suite(.serialized, .enabled(if: TestPostgres.isAvailable, "runs under the test command (make test), which starts PostgreSQL"))
struct PostgresTokenStoreTests {
    static let client = ExampleTokenServer.Client(id: "fleet-client", secret: "fleet-secret")

    let dir: TemporaryDirectory
    let vaultName = "test-" + UUID().uuidString.prefix(8).lowercased()
    let keyring: Keyring

    init() throws {
        dir = try TemporaryDirectory()
        keyring = try Keyring.create(at: dir.file("vault.keys"))
    }

    func manager(_ server: ExampleTokenServer, store: any TokenStore, onStoreFailure: (@Sendable (TokenStoreFailure) -> Void)? = nil)
        -> ClientCredentialsAuthManager
    {
        ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: Self.client.id, oAuthClientSecret: Self.client.secret),
            environment: .custom(tokenURL: server.tokenURL), store: store, onStoreFailure: onStoreFailure)
    }

    /// A replica: `vaultcli` run in a folder of its own holding a copy of the keyring.
    func replica(_ index: Int, password: String) throws -> VaultCLIProcess {
        let folder = dir.file("replica-\(index)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: folder + "/vault.keys")
        try FileManager.default.copyItem(atPath: dir.file("vault.keys"), toPath: folder + "/vault.keys")
        var cli = VaultCLIProcess(directory: folder)
        cli.environment["CLIENT_SECRET"] = Self.client.secret
        cli.environment["PGPASSWORD"] = password
        return cli
    }

    func tokenCommand(_ server: ExampleTokenServer, url: String, fetch: Bool = true) -> [String] {
        ["token", "--name", "paypal", "--vault", url]
            + (fetch ? ["--fetch", "--token-url", server.tokenURL, "--client-id", Self.client.id, "--client-secret-env", "CLIENT_SECRET"] : [])
    }

    @Test func aStoredTokenIsReadBackAndNeitherTheRowNorADumpHoldsItInPlaintext() async throws {
        let origin = TokenOrigin(tokenURL: "https://api.example/v1/oauth2/token", clientID: "c", scope: nil)
        let token = OAuthToken(accessToken: "plaintext-needle-" + UUID().uuidString, expiresIn: 3600)
        try await TestPostgres.withVault(name: vaultName, keyring: keyring) { vault in
            let store = PostgresTokenStore(vault: vault, entry: "paypal")
            #expect(try await store.read(for: origin) == nil)
            try await store.write(token, for: origin)
            #expect(try await store.read(for: origin)?.accessToken == token.accessToken)
            let other = TokenOrigin(tokenURL: origin.tokenURL, clientID: "another", scope: nil)
            #expect(try await store.read(for: other) == nil)
            let first = try #require(try await vault.row(named: "paypal"))
            try await store.write(OAuthToken(accessToken: token.accessToken, expiresIn: 3600), for: origin)
            let row = try #require(try await vault.row(named: "paypal"))
            #expect(row.generation == first.generation + 1)
            #expect(Array(row.sealed.prefix(5)) == Array("TVLT".utf8) + [2])
            #expect(!Data(row.sealed).contains(Data(token.accessToken.utf8)))
        }
        let dump = try await TestPostgres.dump()
        print("pg_dump: \(dump.count) bytes, holds the vault's row; the access token in it: \(dump.range(of: Data(token.accessToken.utf8)) != nil)")
        #expect(dump.range(of: Data(vaultName.utf8)) != nil)  // the dump holds the row...
        #expect(dump.range(of: Data(token.accessToken.utf8)) == nil)  // ...but not the token
        #expect(dump.range(of: Data("plaintext-needle".utf8)) == nil)
    }

    @Test func concurrentWritersWithTheirOwnPoolsLoseNoUpdate() async throws {
        // Four replicas each add 1 to a counter kept in the entry, 25 times, at once: compare-and-swap
        // on the generation must make every read-modify-write count.
        let writers = 4, rounds = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask { [vaultName, keyring] in
                    try await TestPostgres.withVault(name: vaultName, keyring: keyring) { vault in
                        for _ in 0..<rounds {
                            try await vault.update(entry: "counter") { stored in
                                let count = Int(stored?.entry.token.accessToken.dropFirst(2) ?? "0")! + 1
                                return VaultEntry(token: OAuthToken(accessToken: "n-\(count)", expiresIn: 3600))
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        try await TestPostgres.withVault(name: vaultName, keyring: keyring) { vault in
            let row = try #require(try await vault.row(named: "counter"))
            #expect(try vault.open(row).entry.token.accessToken == "n-\(writers * rounds)")
        }
    }

    @Test func eightReplicasStartedTogetherMakeOneRequestAndRestartsMakeNone() async throws {
        let (url, password) = try TestPostgres.urlAndPassword(vault: vaultName)
        try await withTokenServer(clients: [Self.client]) { server in
            let replicas = try (0..<8).map { try replica($0, password: password) }
            let results = try await withThrowingTaskGroup(of: VaultCLIProcess.Result.self) { group in
                for replica in replicas { group.addTask { try await replica.run(tokenCommand(server, url: url)) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
            #expect(server.tokenRequestCount == 1)
            #expect(Set(results.map(\.stdout)).count == 1)
            let token = try #require(results.first?.stdout)

            let afterStart = server.tokenRequestCount
            for _ in 0..<3 {  // restarted within the token's lifetime
                let again = try await withThrowingTaskGroup(of: VaultCLIProcess.Result.self) { group in
                    for replica in replicas { group.addTask { try await replica.run(tokenCommand(server, url: url)) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(again.allSatisfy { $0.status == 0 && $0.stdout == token })
            }
            #expect(server.tokenRequestCount == 1)
            print("fleet: 8 replica processes started together: \(afterStart) token request(s), \(Set(results.map(\.stdout)).count) distinct token(s); 3 restarts of all 8: \(server.tokenRequestCount - afterStart) more")
        }
    }

    @Test func aHolderStoppedMidRefreshDelaysOthersByTheLockBoundThenOneRefreshes() async throws {
        let lockBound = 3.0
        let (url, password) = try TestPostgres.urlAndPassword(vault: vaultName, parameters: "&refresh_lock_timeout=\(lockBound)")
        try await withTokenServer(clients: [Self.client]) { server in
            server.enqueue(.delayed(milliseconds: 100_000, then: .normal))  // the holder's request hangs
            let holderCLI = try replica(0, password: password)
            let holder = try holderCLI.launch(tokenCommand(server, url: url))
            await waitUntil("the holder has sent its token request") { server.tokenRequestCount == 1 }
            kill(holder.processIdentifier, SIGSTOP)  // mid-refresh, holding the lock, connection open
            defer { kill(holder.processIdentifier, SIGKILL) }

            let started = ContinuousClock.now
            let waiter = try await TestPostgres.withVault(
                name: vaultName, keyring: keyring, refreshLockTimeout: .seconds(lockBound)
            ) { vault in
                // The stopped holder does hold the lock...
                #expect(try await vault.withRefreshLock(entry: "paypal", wait: false) { true } == nil)
                // ...and a replica that needs a token gets one after the server ends the holder's transaction.
                return try await manager(server, store: PostgresTokenStore(vault: vault, entry: "paypal")).token()
            }
            let waited = ContinuousClock.now - started
            // It got the lock, not a lock timeout: the server ended the stopped holder's transaction.
            #expect(server.tokenRequestCount == 2)
            print("stopped holder: the next replica waited \(waited) (lock bound \(lockBound) s), then fetched")

            let reader = try replica(1, password: password)
            let read = try await reader.run(tokenCommand(server, url: url, fetch: false))
            #expect(read.stdout == waiter.accessToken + "\n")
            kill(holder.processIdentifier, SIGKILL)
            _ = try await holderCLI.finish(holder)
        }
    }

    @Test func replicasKeepServingWhilePostgresIsDownAndReadTheSameTokenBackAfter() async throws {
        let (url, password) = try TestPostgres.urlAndPassword(vault: vaultName)
        let failures = Mutex<[TokenStoreFailure.Operation]>([])
        try await withTokenServer(clients: [Self.client]) { server in
            try await TestPostgres.withVault(name: vaultName, keyring: keyring, operationTimeout: .seconds(2)) { vault in
                let running = manager(server, store: PostgresTokenStore(vault: vault, entry: "paypal")) { failure in
                    failures.withLock { $0.append(failure.operation) }
                }
                let token = try await running.token()
                #expect(server.tokenRequestCount == 1)

                try await TestPostgres.cluster("stop")
                do {
                    // The running replica keeps its valid token; a new one with no token gets a typed error, not a hang.
                    #expect(try await running.token() == token)
                    let fresh = manager(server, store: PostgresTokenStore(vault: vault, entry: "paypal")) { failure in
                        failures.withLock { $0.append(failure.operation) }
                    }
                    await #expect(throws: PostgresStoreError.self) { try await fresh.token() }
                    #expect(failures.withLock { $0 } == [.read])  // reported on the store's error channel too
                    let reader = try replica(0, password: password)
                    let offline = try await reader.run(tokenCommand(server, url: url, fetch: false))
                    #expect(offline.status == 12, "\(offline.stderr)")
                } catch {
                    try await TestPostgres.cluster("start")
                    throw error
                }
                try await TestPostgres.cluster("start")

                // The pool reconnects by itself (after its backoff, hence the repeated reads), and
                // the stored token is the same.
                #expect(try await running.token() == token)
                var stored: OAuthToken?
                for _ in 0..<30 where stored == nil {
                    stored = try? await PostgresTokenStore(vault: vault, entry: "paypal").read(for: running.origin)
                }
                #expect(stored == token)
                let reader = try replica(1, password: password)
                let after = try await reader.run(tokenCommand(server, url: url))
                #expect(after.status == 0, "\(after.stderr)")
                #expect(after.stdout == token.accessToken + "\n")
                #expect(server.tokenRequestCount == 1)
            }
        }
    }

    @Test func rotationWhileReplicasWriteLosesNoUpdateAndEveryReplicaOpensTheEntry() async throws {
        let (url, password) = try TestPostgres.urlAndPassword(vault: vaultName)
        let operator_ = {
            var cli = VaultCLIProcess(directory: dir.path)
            cli.environment["PGPASSWORD"] = password
            return cli
        }()
        // The fleet's procedure: add the key, give every replica the keyring, then promote it.
        let added = try await operator_.run(["key", "add"])
        #expect(added.status == 0)
        let newKey = try #require(added.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
        let writers = 4, rounds = 30
        let replicaKeyrings = try (0..<writers).map { index in
            let path = dir.file("replica-\(index).keys")
            try FileManager.default.copyItem(atPath: dir.file("vault.keys"), toPath: path)
            return Keyring(path: path)
        }
        try await TestPostgres.withVault(name: vaultName, keyring: keyring) { vault in
            try await vault.update(entry: "counter") { _ in VaultEntry(token: OAuthToken(accessToken: "n-0", expiresIn: 3600)) }
        }
        let rotation = try await withThrowingTaskGroup(of: VaultCLIProcess.Result?.self) { group in
            for keyring in replicaKeyrings {
                group.addTask { [vaultName] in
                    try await TestPostgres.withVault(name: vaultName, keyring: keyring) { vault in
                        for _ in 0..<rounds {
                            try await vault.update(entry: "counter") { stored in
                                let count = Int(stored!.entry.token.accessToken.dropFirst(2))! + 1
                                return VaultEntry(token: OAuthToken(accessToken: "n-\(count)", expiresIn: 3600))
                            }
                        }
                    }
                    return nil
                }
            }
            group.addTask { try await operator_.run(["rotate", "--vault", url, "--key", newKey]) }
            return try await group.reduce(into: [VaultCLIProcess.Result]()) { if let result = $1 { $0.append(result) } }.first
        }
        #expect(rotation?.status == 0, "\(rotation?.stderr ?? "")")
        #expect(rotation?.stdout.contains("new primary key \(newKey)") == true)
        for keyring in replicaKeyrings + [keyring] {
            try await TestPostgres.withVault(name: vaultName, keyring: keyring) { vault in
                let stored = try #require(try await vault.entry(named: "counter"))
                #expect(stored.entry.token.accessToken == "n-\(writers * rounds)")
                print("rotation while \(writers) replicas made \(rounds) updates each: this keyring reads \(stored.entry.token.accessToken) (sealed with \(stored.keyID))")
            }
        }
        // The replicas' copies still name the old primary, so the row may be sealed with either
        // key; status opens it with the operator's keyring and names the key.
        let status = try await operator_.run(["status", "--vault", url, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("\"keyId\" : \""))
    }

    /// TLS as the URL asks: the cluster serves a self-signed certificate for 127.0.0.1.
    @Test func tlsIsUsedAndVerifiedWhenTheURLAsksForIt() async throws {
        let (url, password) = try TestPostgres.urlAndPassword(vault: vaultName)
        let plain = url.replacingOccurrences(of: "sslmode=disable", with: "")
        let root = TestPostgres.directory! + "/root.crt"
        var cli = VaultCLIProcess(directory: dir.path)
        cli.environment["PGPASSWORD"] = password
        // verify-full against the cluster's own certificate: a TLS session the server sees as one.
        let verified = try await cli.run(["init", "--vault", plain + "&sslmode=verify-full&sslrootcert=" + root])
        #expect(verified.status == 0, "\(verified.stderr)")
        // The default (verify-full against the system's roots) refuses the self-signed certificate.
        let untrusted = try await cli.run(["status", "--vault", plain])
        #expect(untrusted.status == 12, "\(untrusted.stderr)")
        // And the server saw TLS: pg_stat_ssl of a connection made with sslmode=require.
        let location = try PostgresURL(try TestPostgres.url(vault: vaultName).replacingOccurrences(of: "sslmode=disable", with: "sslmode=require"))
        let client = PostgresClient(configuration: location.configuration)
        let ssl = try await withThrowingTaskGroup(of: Bool?.self) { group in
            group.addTask { await client.run(); return nil }
            defer { group.cancelAll() }
            for try await (on,) in try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").decode((Bool,).self) {
                return on
            }
            return false
        }
        #expect(ssl == true)
    }

    @Test func aPasswordInTheVaultOptionIsRefusedBeforeAnyConnection() async throws {
        var cli = VaultCLIProcess(directory: dir.path)
        for scheme in ["postgres", "POSTGRESQL"] {
            let result = try await cli.run(["status", "--vault", "\(scheme)://user:hunter2@127.0.0.1:1/db"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("TOKENVAULT_VAULT"))
            #expect(!result.stderr.contains("hunter2"))
        }
        // Nor does a URL from the environment reach a message of a command that takes files.
        cli.environment["TOKENVAULT_VAULT"] = "postgres://user:hunter2@127.0.0.1:1/db"
        let retire = try await cli.run(["key", "retire", "k0"])
        #expect(retire.status != 0)
        #expect(!retire.stderr.contains("hunter2"))
    }

    @Test func theVaultCommandsWorkAgainstPostgres() async throws {
        let (url, password) = try TestPostgres.urlAndPassword(vault: vaultName)
        var cli = VaultCLIProcess(directory: dir.path)
        cli.environment["TOKENVAULT_VAULT"] = try TestPostgres.url(vault: vaultName)  // the password in the environment
        let initialized = try await cli.run(["init"])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(!initialized.stdout.contains(password))
        let put = try await cli.run(["put", "--name", "manual"], stdin: #"{"access_token":"put-by-hand","token_type":"Bearer","expires_in":3600}"#)
        #expect(put.status == 0, "\(put.stderr)")
        #expect(try await cli.run(["token", "--name", "manual"]).stdout == "put-by-hand\n")
        let status = try await cli.run(["status", "--json"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("\"formatVersion\" : 2"))
        #expect(!status.stdout.contains("put-by-hand"))
        #expect(try await cli.run(["verify"]).status == 0)
        #expect(try await cli.run(["remove", "--name", "manual"]).status == 0)
        let missing = try await cli.run(["token", "--name", "manual"])
        #expect(missing.status == 2)
        #expect(!missing.stderr.contains(password) && !status.stderr.contains(password) && !initialized.stderr.contains(password))
        _ = url
    }
}
