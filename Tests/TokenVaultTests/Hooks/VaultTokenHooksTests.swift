import ExampleTokenServer
import Foundation
import Logging
import Testing
@testable import TokenVault

/// The vault's provider and update hooks against a real token endpoint on 127.0.0.1.
@Suite struct VaultTokenHooksTests {
    static let client = ExampleTokenServer.Client(id: "svc-client", secret: "svc-secret:%+ x")

    let dir: TemporaryDirectory
    let vault: Vault

    init() throws {
        dir = try TemporaryDirectory()
        let keyring = Keyring(path: dir.file("vault.keys"))
        try keyring.create()
        vault = Vault(path: dir.file("tokens.vault"), keyring: keyring)
    }

    func manager(
        _ server: ExampleTokenServer, entry: String = "paypal", clientID: String = client.id, secret: String = client.secret,
        scope: String? = nil, vault: Vault? = nil, logger: Logger? = nil
    ) -> ClientCredentialsAuthManager {
        let hooks = VaultTokenHooks(
            vault: vault ?? self.vault, entry: entry, clientId: clientID, environment: .custom(tokenURL: server.tokenURL), scope: scope,
            logger: logger ?? Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        let credentials = ClientCredentialsAuthCredentials(
            oAuthClientId: clientID, oAuthClientSecret: secret,
            oAuthTokenProvider: hooks.provider, oAuthOnTokenUpdate: hooks.onTokenUpdate)
        return ClientCredentialsAuthManager(
            credentials: credentials, environment: .custom(tokenURL: server.tokenURL), scope: scope,
            retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)))
    }

    @Test func sixtyFourConcurrentCallersMakeOneRequestAndTheTokenIsSealed() async throws {
        let server = try await ExampleTokenServer.start(clients: [Self.client])
        defer { Task { try await server.shutdown() } }
        let manager = manager(server)
        let tokens = try await withThrowingTaskGroup(of: OAuthToken.self) { group in
            for _ in 0..<64 { group.addTask { try await manager.token() } }
            return try await group.reduce(into: [OAuthToken]()) { $0.append($1) }
        }
        #expect(server.tokenRequestCount == 1)
        #expect(Set(tokens.map(\.accessToken)).count == 1)
        let stored = try #require(try vault.contents().entries["paypal"])
        #expect(stored.token == tokens[0])
        #expect(stored.tokenURL == server.tokenURL && stored.clientID == Self.client.id)
        #expect(stored.token.appId != nil && stored.token.nonce != nil && stored.token.expiresIn == 32400)
    }

    @Test func aRestartedServiceReusesTheStoredTokenWithoutARequest() async throws {
        let server = try await ExampleTokenServer.start(clients: [Self.client])
        defer { Task { try await server.shutdown() } }
        let first = try await manager(server).token()
        // A new manager, keyring and vault object: as after a restart.
        let restarted = Vault(path: vault.path, keyring: Keyring(path: vault.keyring.path))
        let second = try await manager(server, vault: restarted).token()
        #expect(second == first)
        #expect(server.tokenRequestCount == 1)
    }

    @Test func anExpiredStoredTokenIsReplaced() async throws {
        let server = try await ExampleTokenServer.start(clients: [Self.client])
        defer { Task { try await server.shutdown() } }
        let expired = OAuthToken(accessToken: "expired", expiresIn: 60, obtainedAt: Date(timeIntervalSinceNow: -3600))
        try vault.store(expired, as: "paypal", tokenURL: server.tokenURL, clientID: Self.client.id)
        let token = try await manager(server).token()
        #expect(token.accessToken != "expired")
        #expect(server.tokenRequestCount == 1)
        #expect(try vault.contents().entries["paypal"]?.token == token)
    }

    @Test func aTokenStoredForAnotherClientCountsAsMissingWithAWarning() async throws {
        let other = ExampleTokenServer.Client(id: "other-client", secret: "other-secret")
        let server = try await ExampleTokenServer.start(clients: [Self.client, other])
        defer { Task { try await server.shutdown() } }
        let theirs = try await manager(server, clientID: other.id, secret: other.secret).token()
        let (logger, logs) = CapturingLogHandler.logger()
        let mine = try await manager(server, logger: logger).token()
        #expect(mine != theirs)
        #expect(server.tokenRequestCount == 2)
        #expect(logs.entries.contains { $0.level == .warning && $0.rendered.contains("another client id") })
        // Another scope counts as another origin too.
        _ = try await manager(server, scope: "https://uri.paypal.com/services/invoicing").token()
        #expect(server.tokenRequestCount == 3)
    }

    @Test func twoClientsShareOneVaultUnderDifferentNames() async throws {
        let other = ExampleTokenServer.Client(id: "other-client", secret: "other-secret")
        let server = try await ExampleTokenServer.start(clients: [Self.client, other])
        defer { Task { try await server.shutdown() } }
        let a = try await manager(server, entry: "sandbox").token()
        let b = try await manager(server, entry: "production", clientID: other.id, secret: other.secret).token()
        let entries = try vault.contents().entries
        #expect(entries["sandbox"]?.token == a && entries["production"]?.token == b)
        _ = try await manager(server, entry: "sandbox").token()
        _ = try await manager(server, entry: "production", clientID: other.id, secret: other.secret).token()
        #expect(server.tokenRequestCount == 2)
    }

    @Test func theUpdateHookNeverReplacesANewerToken() async throws {
        let hooks = VaultTokenHooks(vault: vault, entry: "e", clientId: "c", environment: .sandbox)
        let newer = OAuthToken(accessToken: "newer", expiresIn: 3600, obtainedAt: Date())
        let older = OAuthToken(accessToken: "older", expiresIn: 3600, obtainedAt: Date(timeIntervalSinceNow: -10))
        try await hooks.onTokenUpdate(newer)
        try await hooks.onTokenUpdate(older)
        #expect(try vault.contents().entries["e"]?.token.accessToken == "newer")
        let sealsBefore = try vault.keyring.keys()[0].sealCount
        try await hooks.onTokenUpdate(newer)
        #expect(try vault.keyring.keys()[0].sealCount == sealsBefore, "an unchanged token must not re-seal the vault")
    }

    @Test func aFailureToPersistDoesNotFailTheRequestAndTheNextUpdateStores() async throws {
        let server = try await ExampleTokenServer.start(clients: [Self.client])
        defer { Task { try await server.shutdown() } }
        try vault.create()  // the keyring is now cached by this process
        let keyringAside = dir.file("vault.keys.aside")
        try FileManager.default.moveItem(atPath: vault.keyring.path, toPath: keyringAside)

        let (logger, logs) = CapturingLogHandler.logger()
        let manager = manager(server, logger: logger)
        let token = try await manager.token()
        #expect(server.tokenRequestCount == 1)
        #expect(try vault.contents().entries["paypal"] == nil)
        #expect(logs.entries.contains { $0.level == .error && $0.rendered.contains("could not store") })

        try FileManager.default.moveItem(atPath: keyringAside, toPath: vault.keyring.path)
        let next = OAuthToken(accessToken: "set-by-app", expiresIn: 3600)
        await manager.setToken(next)
        #expect(try vault.contents().entries["paypal"]?.token == next)
        #expect(token != next)
    }

    @Test func aTamperedVaultFailsWithATypedErrorAndIsLeftAsItWas() async throws {
        let server = try await ExampleTokenServer.start(clients: [Self.client])
        defer { Task { try await server.shutdown() } }
        try vault.create()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: vault.path))
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: vault.path))
        await #expect(throws: VaultError.authenticationFailed(path: vault.path)) { try await manager(server).token() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: vault.path)) == bytes)
        #expect(server.tokenRequestCount == 0)
    }

    @Test func anInvalidatedTokenIsNotServedAgainFromTheVault() async throws {
        let server = try await ExampleTokenServer.start(clients: [Self.client])
        defer { Task { try await server.shutdown() } }
        let manager = manager(server)
        let revoked = try await manager.token()
        server.revoke(accessToken: revoked.accessToken)
        #expect(manager.invalidate(revoked))
        let fresh = try await manager.token()
        #expect(fresh != revoked)
        #expect(server.tokenRequestCount == 2)
        #expect(try vault.contents().entries["paypal"]?.token == fresh)
    }

    @Test func hooksMadeForAnotherClientAreRefused() async throws {
        let server = try await ExampleTokenServer.start(clients: [Self.client])
        defer { Task { try await server.shutdown() } }
        let hooks = VaultTokenHooks(vault: vault, entry: "paypal", clientId: "someone-else", environment: .custom(tokenURL: server.tokenURL))
        let manager = ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(
                oAuthClientId: Self.client.id, oAuthClientSecret: Self.client.secret,
                oAuthTokenProvider: hooks.provider, oAuthOnTokenUpdate: hooks.onTokenUpdate),
            environment: .custom(tokenURL: server.tokenURL))
        await #expect(throws: VaultError.self) { try await manager.token() }
        #expect(server.tokenRequestCount == 0)
    }

    @Test func theUpdateHookRecordsTheOriginSoAnotherClientNeverGetsTheToken() async throws {
        let other = ExampleTokenServer.Client(id: "other-client", secret: "other-secret")
        let server = try await ExampleTokenServer.start(clients: [Self.client, other])
        defer { Task { try await server.shutdown() } }
        // Only the update hook is plugged in, as in the README's second snippet.
        let hooks = VaultTokenHooks(vault: vault, entry: "paypal", clientId: other.id, environment: .custom(tokenURL: server.tokenURL))
        let updateOnly = ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(
                oAuthClientId: other.id, oAuthClientSecret: other.secret, oAuthOnTokenUpdate: hooks.onTokenUpdate),
            environment: .custom(tokenURL: server.tokenURL))
        let theirs = try await updateOnly.token()
        #expect(try vault.contents().entries["paypal"]?.clientID == other.id)
        let mine = try await manager(server).token()
        #expect(mine != theirs)
        #expect(server.tokenRequestCount == 2)
    }

    @Test func logsNeverContainTheSecretOrTheToken() async throws {
        let server = try await ExampleTokenServer.start(clients: [Self.client])
        defer { Task { try await server.shutdown() } }
        let (logger, logs) = CapturingLogHandler.logger()
        let token = try await manager(server, logger: logger).token()
        #expect(!logs.entries.isEmpty)
        for entry in logs.entries {
            #expect(!entry.rendered.contains(token.accessToken) && !entry.rendered.contains(Self.client.secret))
        }
    }
}
