import ExampleTokenServer
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import TokenVault

/// Refresh ahead of expiry, hold-off after a terminal answer, monotonic expiry, and the
/// lifecycle service, against a real token endpoint on 127.0.0.1; time is stepped with a
/// ``TestClock`` instead of waited for.
@Suite struct RefreshAheadTests {
    static let client = ExampleTokenServer.Client(id: TestClient.id, secret: TestClient.secret)
    /// Tokens of 600 s with the default 60 s skew count as expired 540 s after they were
    /// obtained; with a fifth of the lifetime ahead and no jitter, the refresh point is at 420 s.
    static let lifetime = 600
    static let refreshPoint: TimeInterval = 420

    func manager(
        _ server: ExampleTokenServer, clock: TestClock, secret: String = TestClient.secret, store: (any TokenStore)? = nil,
        transport: any TokenTransport = AsyncHTTPClientTokenTransport(), refreshAhead: RefreshAhead = .init(fraction: 0.2, jitter: 0)
    ) -> ClientCredentialsAuthManager {
        ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: TestClient.id, oAuthClientSecret: secret),
            environment: .custom(tokenURL: server.tokenURL), store: store, transport: transport, retryPolicy: .fast,
            refreshAhead: refreshAhead, clock: clock)
    }

    @Test func pastTheRefreshPointCallersGetTheHeldTokenAtOnceAndOneBackgroundRefreshReplacesIt() async throws {
        try await withTokenServer(clients: [Self.client], tokenLifetime: Self.lifetime) { server in
            let clock = TestClock()
            let gate = GatedTransport()
            gate.open()
            let manager = manager(server, clock: clock, transport: gate)
            let first = try await manager.token()
            clock.advance(by: Self.refreshPoint - 1)
            #expect(try await manager.token() == first)
            #expect(!manager.isRefreshing && server.tokenRequestCount == 1)

            gate.close()  // the background request is held: callers must not wait for it
            clock.advance(by: 2)
            for _ in 0..<100 {
                let header = try await within(.seconds(30), "a call past the refresh point") { try await manager.authorizationHeader() }
                #expect(header == first.authorizationHeaderValue)
            }
            #expect(manager.isRefreshing)
            gate.open()
            await waitUntil("the background refresh ends") { !manager.isRefreshing }
            #expect(server.tokenRequestCount == 2)
            let second = try await manager.token()
            #expect(second != first && manager.currentToken == second)
        }
    }

    @Test func aRejectedClientIsHeldOffWithTheSameErrorAndTriedAgainAfterEachHoldOff() async throws {
        try await withTokenServer(clients: [Self.client], tokenLifetime: Self.lifetime) { server in
            let clock = TestClock()
            let manager = manager(server, clock: clock, secret: "wrong-secret")
            func call() async -> OAuthError? {
                do {
                    _ = try await manager.token()
                    return nil
                } catch {
                    return error as? OAuthError
                }
            }
            let rejected = await call()
            #expect(rejected?.isCredentialsRejected == true && rejected?.isTerminal == true)
            for _ in 0..<50 { #expect(await call() == rejected) }
            #expect(server.tokenRequestCount == 1, "callers in the hold-off must not make requests")
            clock.advance(by: 1)  // the first hold-off (1 s) ends: one more request, then 2 s
            #expect(await call() == rejected)
            #expect(server.tokenRequestCount == 2)
            clock.advance(by: 1.5)
            #expect(await call() == rejected)
            #expect(server.tokenRequestCount == 2)
            clock.advance(by: 0.5)
            #expect(await call() == rejected)
            #expect(server.tokenRequestCount == 3)
            #expect(manager.waitingCallers == 0)
        }
    }

    @Test func aBackgroundRefreshThatFailsKeepsTheTokenAndTriesAgainLater() async throws {
        try await withTokenServer(clients: [Self.client], tokenLifetime: Self.lifetime) { server in
            let clock = TestClock()
            let manager = manager(server, clock: clock)
            let first = try await manager.token()
            server.enqueue(.httpError(status: 503, body: "busy"), .httpError(status: 503, body: "busy"), .httpError(status: 503, body: "busy"))
            clock.advance(by: Self.refreshPoint + 1)
            #expect(try await manager.token() == first)
            await waitUntil("the failed background refresh ends") { !manager.isRefreshing }
            #expect(server.tokenRequestCount == 4)  // the first token, then 3 attempts (RetryPolicy.fast)
            #expect(try await manager.token() == first, "the valid token is kept")
            #expect(!manager.isRefreshing, "no new attempt before the backoff")
            clock.advance(by: 2)  // past the backoff (1 s ± 20 %)
            #expect(try await manager.token() == first)
            await waitUntil("the second background refresh ends") { !manager.isRefreshing }
            #expect(server.tokenRequestCount == 5)
            #expect(manager.currentToken != first)
        }
    }

    @Test func aTokenAnotherProcessStoredIsAdoptedAtTheRefreshPointWithoutARequest() async throws {
        let dir = try TemporaryDirectory()
        let keyring = try Keyring.create(at: dir.file("vault.keys"))
        func store() -> VaultTokenStore {
            VaultTokenStore(vault: Vault(path: dir.file("tokens.vault"), keyring: Keyring(path: keyring.path)), entry: "paypal")
        }
        try await withTokenServer(clients: [Self.client], tokenLifetime: Self.lifetime) { server in
            let clock = TestClock()
            let a = manager(server, clock: clock, store: store())
            let b = manager(server, clock: clock, store: store())
            let first = try await a.token()
            #expect(try await b.token() == first)
            clock.advance(by: Self.refreshPoint + 1)
            #expect(try await a.token() == first)
            await waitUntil("a's background refresh ends") { !a.isRefreshing }
            let renewed = try #require(a.currentToken)
            #expect(renewed != first && server.tokenRequestCount == 2)
            #expect(try await b.token() == first)  // b's own refresh point: it reads the store
            await waitUntil("b's background refresh ends") { !b.isRefreshing }
            #expect(b.currentToken == renewed)
            #expect(server.tokenRequestCount == 2, "b adopts a's token without a request")
        }
    }

    @Test func whileAnotherProcessHoldsTheRefreshLockTheHeldTokenIsKeptAndTheirsAdoptedAfter() async throws {
        let dir = try TemporaryDirectory()
        let keyring = try Keyring.create(at: dir.file("vault.keys"))
        let vault = Vault(path: dir.file("tokens.vault"), keyring: keyring)
        try await withTokenServer(clients: [Self.client], tokenLifetime: Self.lifetime) { server in
            let clock = TestClock()
            let manager = manager(server, clock: clock, store: VaultTokenStore(vault: vault, entry: "paypal"))
            let first = try await manager.token()
            let other = VaultTokenStore(vault: Vault(path: vault.path, keyring: Keyring(path: keyring.path)), entry: "paypal", clock: clock)
            let theirs = try await other.withRefreshLock(for: manager.origin) {
                clock.advance(by: Self.refreshPoint + 1)
                #expect(try await manager.token() == first)
                await waitUntil("the background refresh gives up") { !manager.isRefreshing }
                #expect(server.tokenRequestCount == 1 && manager.currentToken == first)
                let theirs = OAuthToken(accessToken: "A21AA-from-another-process", expiresIn: Self.lifetime, obtainedAt: clock.now)
                try await other.write(theirs, for: manager.origin)
                return theirs
            }
            clock.advance(by: 1)  // it looks again shortly
            #expect(try await manager.token() == first)
            await waitUntil("the next background refresh ends") { !manager.isRefreshing }
            #expect(manager.currentToken == theirs)
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func aStepOfTheWallClockNeitherExpiresNorRevivesAHeldToken() async throws {
        try await withTokenServer(clients: [Self.client], tokenLifetime: Self.lifetime) { server in
            let clock = TestClock()
            let manager = manager(server, clock: clock, refreshAhead: .disabled)
            let first = try await manager.token()
            clock.stepWallClock(by: 86_400)
            #expect(try await manager.token() == first)
            clock.stepWallClock(by: -2 * 86_400)
            clock.advance(by: 541)  // past its lifetime (less the skew) on the monotonic clock
            #expect(try await manager.token() != first)
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func stopRefreshingCancelsTheBackgroundRefreshInFlight() async throws {
        try await withTokenServer(clients: [Self.client], tokenLifetime: Self.lifetime) { server in
            let clock = TestClock()
            let manager = manager(server, clock: clock)
            let first = try await manager.token()
            server.enqueue(.delayed(milliseconds: 120_000, then: .normal))
            clock.advance(by: Self.refreshPoint + 1)
            #expect(try await manager.token() == first)
            await waitUntil("the slow request arrives") { server.tokenRequestCount == 2 }
            await manager.stopRefreshing()
            #expect(!manager.isRefreshing)
            #expect(manager.currentToken == first, "the cancelled refresh replaced nothing")
            #expect(try await manager.token() == first, "no new background refresh after stopping")
            #expect(!manager.isRefreshing)
        }
    }

    @Test func aCallerWaitingOnABackgroundRefreshThatIsStoppedGetsATokenOfItsOwn() async throws {
        try await withTokenServer(clients: [Self.client], tokenLifetime: Self.lifetime) { server in
            let clock = TestClock()
            let manager = manager(server, clock: clock)
            let first = try await manager.token()
            server.enqueue(.delayed(milliseconds: 120_000, then: .normal))
            clock.advance(by: Self.refreshPoint + 1)
            #expect(try await manager.token() == first)  // starts the (slow) background refresh
            await waitUntil("the slow request arrives") { server.tokenRequestCount == 2 }
            clock.advance(by: 200)  // the held token expires while the refresh runs
            let caller = Task { try await manager.token() }
            await waitUntil("the caller joins the background refresh") { manager.waitingCallers == 1 }
            await manager.stopRefreshing()
            let token = try await caller.value  // not the stopped refresh's CancellationError
            #expect(token != first)
            #expect(server.tokenRequestCount == 3 && manager.waitingCallers == 0)
        }
    }

    @Test func theLifecycleServiceRefreshesWithoutCallsAndLeavesNoTaskAtShutdown() async throws {
        // Real time here: 2-second tokens count as expired after 1.8 s and are refreshed from about 1.4 s.
        try await withTokenServer(clients: [Self.client], tokenLifetime: 2) { server in
            let manager = ClientCredentialsAuthManager(
                credentials: ClientCredentialsAuthCredentials(oAuthClientId: TestClient.id, oAuthClientSecret: TestClient.secret),
                environment: .custom(tokenURL: server.tokenURL), retryPolicy: .fast)
            let group = ServiceGroup(
                services: [TokenRefreshService(manager: manager)], gracefulShutdownSignals: [],
                logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                await waitUntil("two refreshes without a call") { server.tokenRequestCount >= 3 }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(!manager.isRefreshing)
            #expect(manager.currentToken != nil)
        }
    }

    @Test func anEndpointClockOffsetBeyondTheSkewIsLoggedOnceWithTheOffset() async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        let manager = ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(oAuthClientId: "id", oAuthClientSecret: "secret"), logger: logger)
        let received = try #require(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(received == Date(timeIntervalSince1970: 784_111_777))
        manager.noteServerClock("Sun, 06 Nov 1994 08:50:00 GMT", receivedAt: received)  // 23 s: within the 60 s skew
        #expect(logs.entries.isEmpty)
        manager.noteServerClock("Sun, 06 Nov 1994 09:49:37 GMT", receivedAt: received)
        manager.noteServerClock("Sun, 06 Nov 1994 10:49:37 GMT", receivedAt: received)
        #expect(logs.entries.count == 1)
        #expect(logs.entries.first?.metadata["oauth.clock_offset_seconds"] == "3600")
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
    }
}
