import ExampleTokenServer
import Foundation
import Logging
import Synchronization
import Testing
@testable import TokenVault

/// ``VaultTokenStore`` driven by ``ClientCredentialsAuthManager``, against a real token endpoint
/// on 127.0.0.1 and real files.
@Suite struct VaultTokenStoreTests {
    static let client = ExampleTokenServer.Client(id: "svc-client", secret: "svc-secret:%+ x")

    let dir: TemporaryDirectory
    let vault: Vault

    init() throws {
        dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        try keyring.create()
        vault = Vault(path: dir.file("tokens.vault"), keyring: keyring)
    }

    /// A new vault and keyring object on the same files: as after a restart.
    var restartedVault: Vault { Vault(path: vault.path, keyring: Keyring(path: vault.keyring.path)) }

    func manager(
        _ server: ExampleTokenServer, entry: String = "paypal", client: ExampleTokenServer.Client = client,
        scope: String? = nil, store: (any TokenStore)? = nil, vault: Vault? = nil, clock: any TokenClock = .system,
        onStoreFailure: (@Sendable (TokenStoreFailure) -> Void)? = nil, logger: Logger? = nil
    ) -> ClientCredentialsAuthManager {
        let logger = logger ?? Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })
        return ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: client.id, oAuthClientSecret: client.secret),
            environment: .custom(tokenURL: server.tokenURL),
            store: store ?? VaultTokenStore(vault: vault ?? self.vault, entry: entry, logger: logger),
            scope: scope,
            retryPolicy: .fast, clock: clock, onStoreFailure: onStoreFailure, logger: logger)
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func sixtyFourConcurrentCallersMakeOneRequestAndTheTokenIsSealed() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            let manager = manager(server)
            let tokens = try await withThrowingTaskGroup(of: OAuthToken.self) { group in
                for _ in 0..<64 { group.addTask { try await manager.token() } }
                return try await group.reduce(into: [OAuthToken]()) { $0.append($1) }
            }
            #expect(server.tokenRequestCount == 1)
            #expect(Set(tokens.map(\.accessToken)).count == 1)
            let stored = try #require(try vault.contents().entries["paypal"])
            #expect(stored.token == tokens[0])
            #expect(stored.origin == manager.origin)
            #expect(stored.token.appId != nil && stored.token.nonce != nil && stored.token.expiresIn == 32400)
        }
    }

    @Test func aRefreshLockHeldTooLongEndsTheWaitWithATypedErrorAndNoRequest() async throws {
        // The lock held as a stopped process would hold it (flock is per open file, so this
        // descriptor excludes the store's own).
        let store = VaultTokenStore(vault: vault, entry: "paypal", refreshLockTimeout: .milliseconds(300))
        let held = try #require(try FileLock.acquireIfFree(lockFile: store.refreshLockPath))
        try await withTokenServer(clients: [Self.client]) { server async throws in
            let error = await #expect(throws: VaultError.self) { try await manager(server, store: store).token() }
            #expect(error?.code == .lockTimeout)
            #expect(server.tokenRequestCount == 0)
            held.unlock()
            let token = try await manager(server, store: store).token()
            #expect(!token.accessToken.isEmpty)
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func aColdStartReadsTwiceLocksOnceAndWritesOnceAndAWarmStartOnlyReads() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            let cold = CountingStore(VaultTokenStore(vault: vault, entry: "paypal"))
            let first = try await manager(server, store: cold).token()
            #expect(cold.counts == .init(reads: 2, lockedReads: 1, locks: 1, writes: 1), "\(cold.counts)")

            // Restarts: no lock file is opened (opening one creates it), nothing is written.
            for lock in try FileManager.default.contentsOfDirectory(atPath: dir.path) where lock.hasSuffix(".lock") {
                try FileManager.default.removeItem(atPath: dir.file(lock))
            }
            let vaultBytes = try bytes(vault.path)
            let keyringBytes = try bytes(vault.keyring.path)
            for _ in 0..<3 {
                let warm = CountingStore(VaultTokenStore(vault: restartedVault, entry: "paypal"))
                #expect(try await manager(server, store: warm).token() == first)
                #expect(warm.counts == .init(reads: 1), "\(warm.counts)")
            }
            #expect(server.tokenRequestCount == 1)
            #expect(try bytes(vault.path) == vaultBytes && bytes(vault.keyring.path) == keyringBytes)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".lock") }.isEmpty)
        }
    }

    @Test func aMissingKeyringIsNamedAtTheFirstCallWithTheFix() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            let missing = dir.file("no-such.keys")
            let failures = Mutex<[TokenStoreFailure]>([])
            let manager = manager(
                server, vault: Vault(path: dir.file("other.vault"), keyring: Keyring(path: missing)),
                onStoreFailure: { failure in failures.withLock { $0.append(failure) } })
            do {
                _ = try await manager.authorizationHeader()
                Issue.record("a missing keyring went unnoticed")
            } catch let error as VaultError {
                #expect(error.code == .fileNotFound && error.path == missing)
                #expect(error.description.contains(missing) && error.description.contains("vaultcli init"))
            }
            #expect(server.tokenRequestCount == 0)
            #expect(failures.withLock { $0.map(\.operation) } == [.read])
        }
    }

    @Test func aMissingVaultFolderIsNamedAtTheFirstCall() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            let folder = dir.file("not-created")
            let manager = manager(server, vault: Vault(path: folder + "/tokens.vault", keyring: vault.keyring))
            do {
                _ = try await manager.token()
                Issue.record("a missing folder went unnoticed")
            } catch let error as VaultError {
                #expect(error.code == .fileNotFound && error.description.contains("the folder \(folder) does not exist; create it first"))
            }
            #expect(server.tokenRequestCount == 0)
        }
    }

    @Test func anExpiredStoredTokenIsReplacedWhenTheClockPassesItsExpiry() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            let clock = TestClock()
            let manager = manager(server, clock: clock)
            let first = try await manager.token()
            clock.advance(by: 32400 - 61)  // one second before expiry minus the 60 s skew
            #expect(try await manager.token() == first)
            clock.advance(by: 1)
            let second = try await manager.token()
            #expect(second != first && server.tokenRequestCount == 2)
            #expect(try vault.contents().entries["paypal"]?.token == second)
            // A restarted process at that time reads the new token, not the expired one.
            #expect(try await self.manager(server, vault: restartedVault, clock: clock).token() == second)
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func aTokenAnotherProcessStoredIsAdoptedWithoutARequest() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            let clock = TestClock()
            let mine = manager(server, clock: clock)
            let theirs = manager(server, vault: restartedVault, clock: clock)
            let first = try await mine.token()
            #expect(try await theirs.token() == first)
            clock.advance(by: 32400)
            let renewed = try await theirs.token()  // the other process refreshes first
            #expect(try await mine.token() == renewed)
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func aTokenStoredForAnotherClientOrScopeCountsAsMissingWithAWarning() async throws {
        let other = ExampleTokenServer.Client(id: "other-client", secret: "other-secret")
        try await withTokenServer(clients: [Self.client, other]) { server in
            let theirs = try await manager(server, client: other).token()
            let (logger, logs) = CapturingLogHandler.logger()
            let mine = try await manager(server, logger: logger).token()
            #expect(mine != theirs)
            #expect(server.tokenRequestCount == 2)
            #expect(logs.entries.contains { $0.level == .warning && $0.rendered.contains("another client") })
            _ = try await manager(server, scope: "https://uri.paypal.com/services/invoicing").token()
            #expect(server.tokenRequestCount == 3)
        }
    }

    @Test func twoClientsShareOneVaultUnderDifferentNames() async throws {
        let other = ExampleTokenServer.Client(id: "other-client", secret: "other-secret")
        try await withTokenServer(clients: [Self.client, other]) { server in
            let a = try await manager(server, entry: "sandbox").token()
            let b = try await manager(server, entry: "production", client: other).token()
            let entries = try vault.contents().entries
            #expect(entries["sandbox"]?.token == a && entries["production"]?.token == b)
            _ = try await manager(server, entry: "sandbox", vault: restartedVault).token()
            _ = try await manager(server, entry: "production", client: other, vault: restartedVault).token()
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func aWriteNeverReplacesATokenObtainedLater() async throws {
        let store = VaultTokenStore(vault: vault, entry: "e")
        let origin = TokenOrigin(tokenURL: "https://example.test/token", clientID: "c", scope: nil)
        let newer = OAuthToken(accessToken: "newer", expiresIn: 3600, obtainedAt: Date())
        let older = OAuthToken(accessToken: "older", expiresIn: 3600, obtainedAt: Date(timeIntervalSinceNow: -10))
        try await store.write(newer, for: origin)
        try await store.write(older, for: origin)
        #expect(try await store.read(for: origin) == newer)
    }

    @Test func aFailureToPersistIsReportedButDoesNotFailTheCallAndTheNextChangeStores() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            try vault.create()  // the keyring is now cached by this process
            let keyringAside = dir.file("vault.keys.aside")
            try FileManager.default.moveItem(atPath: vault.keyring.path, toPath: keyringAside)

            let failures = Mutex<[TokenStoreFailure]>([])
            let manager = manager(server, onStoreFailure: { failure in failures.withLock { $0.append(failure) } })
            let token = try await manager.token()
            #expect(server.tokenRequestCount == 1)
            #expect(try vault.contents().entries["paypal"] == nil)
            let reported = failures.withLock { $0 }
            #expect(reported.map(\.operation) == [.write])
            #expect((reported.first?.error as? VaultError)?.path == vault.keyring.path)

            try FileManager.default.moveItem(atPath: keyringAside, toPath: vault.keyring.path)
            let next = OAuthToken(accessToken: "set-by-app", expiresIn: 3600)
            await manager.setToken(next)
            #expect(try vault.contents().entries["paypal"]?.token == next)
            #expect(token != next)
        }
    }

    @Test func aTamperedVaultFailsWithATypedErrorAndIsLeftAsItWas() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            try vault.create()
            var tampered = try bytes(vault.path)
            tampered[tampered.count - 1] ^= 0x01
            try tampered.write(to: URL(fileURLWithPath: vault.path))
            await #expect(throws: VaultError.authenticationFailed(path: vault.path)) {
                try await manager(server, vault: restartedVault).token()
            }
            #expect(try bytes(vault.path) == tampered)
            #expect(server.tokenRequestCount == 0)
        }
    }

    @Test func anInvalidatedTokenIsNotServedAgainFromTheVault() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            let manager = manager(server)
            let revoked = try await manager.token()
            server.revoke(accessToken: revoked.accessToken)
            #expect(manager.invalidate(revoked))
            let fresh = try await manager.token()
            #expect(fresh != revoked)
            #expect(server.tokenRequestCount == 2)
            #expect(try vault.contents().entries["paypal"]?.token == fresh)
        }
    }

    @Test func theRefreshLockIsTheEntrysOwnSoWritesOfOtherEntriesDoNotWaitForIt() async throws {
        let paypal = VaultTokenStore(vault: vault, entry: "paypal")
        let origin = TokenOrigin(tokenURL: "https://example.test/token", clientID: "c", scope: nil)
        let token = OAuthToken(accessToken: "other-entry-token", expiresIn: 3600)
        // Checked first: were they one lock, the writes below would wait for ever instead of failing.
        try #require(paypal.refreshLockPath != FileLock.lockPath(for: vault.path))
        // While paypal's refresh lock is held, another entry is written and the vault's own lock is free.
        try await paypal.withRefreshLock(for: origin) {
            try await VaultTokenStore(vault: restartedVault, entry: "other").write(token, for: origin)
            try vault.store(token, as: "put-by-hand")
        }
        #expect(try vault.contents().entries.keys.sorted() == ["other", "put-by-hand"])
        #expect(paypal.refreshLockPath != VaultTokenStore(vault: vault, entry: "other").refreshLockPath)
        #expect(VaultTokenStore(vault: vault, entry: "a/b").refreshLockPath.hasPrefix(dir.path + "/.tokens.vault.refresh-x"))
    }

    @Test func logsNeverContainTheSecretOrTheToken() async throws {
        try await withTokenServer(clients: [Self.client]) { server in
            let (logger, logs) = CapturingLogHandler.logger()
            let token = try await manager(server, logger: logger).token()
            #expect(!logs.entries.isEmpty)
            for entry in logs.entries {
                #expect(!entry.rendered.contains(token.accessToken) && !entry.rendered.contains(Self.client.secret))
            }
        }
    }
}
