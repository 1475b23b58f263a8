import ExampleTokenServer
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization
import Testing
import TokenVault
import TokenVaultOpenAPI

/// `BearerTokenMiddleware` called as an OpenAPI client would call it, with AsyncHTTPClient and
/// the example server's protected endpoint at the end of the chain.
@Suite struct AuthorizationMiddlewareTests {
    static let callers = 16

    /// What reached the transport: the `Authorization` value, body and status of every send.
    final class Sends: Sendable {
        struct Send: Sendable {
            var authorization: String?
            var body: [UInt8]?
            var status: Int
        }

        private let storage = Mutex<[Send]>([])
        var all: [Send] { storage.withLock { $0 } }
        var statuses: [Int] { all.map(\.status) }

        func record(_ send: Send) {
            storage.withLock { $0.append(send) }
        }
    }

    /// Calls `middleware` for `GET /v1/protected`; every send is recorded in `sends`, and runs
    /// `beforeSending` first.
    func intercept(
        _ middleware: BearerTokenMiddleware,
        server: ExampleTokenServer,
        body: HTTPBody? = nil,
        sends: Sends,
        beforeSending: @escaping @Sendable (HTTPRequest) async -> Void = { _ in }
    ) async throws -> (status: Int, body: String) {
        let (response, responseBody) = try await middleware.intercept(
            protectedRequest,
            body: body,
            baseURL: try server.openAPIBaseURL,
            operationID: "getProtected"
        ) { request, body, baseURL in
            await beforeSending(request)
            var sentBody: [UInt8]?
            if let body {
                sentBody = try await [UInt8](collecting: body, upTo: 1024)
            }
            let (response, responseBody) = try await sendWithAsyncHTTPClient(
                request,
                body: sentBody.map { HTTPBody($0) },
                baseURL: baseURL
            )
            sends.record(
                .init(authorization: request.headerFields[.authorization], body: sentBody, status: response.status.code)
            )
            return (response, responseBody)
        }
        guard let responseBody else {
            return (response.status.code, "")
        }
        return (response.status.code, try await String(collecting: responseBody, upTo: 64 * 1024))
    }

    @Test func aRevokedTokenIsReplacedOnceAndTheRequestSentAgain() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            let middleware = BearerTokenMiddleware(authManager: manager)
            let sends = Sends()

            let first = try await intercept(middleware, server: server, sends: sends)
            #expect(first.status == 200)
            #expect(first.body.contains(#""ok":true"#))
            #expect(server.tokenRequestCount == 1)

            let revoked = try #require(manager.currentToken)
            server.revoke(accessToken: revoked.accessToken)
            let second = try await intercept(middleware, server: server, sends: sends)
            #expect(second.status == 200)
            #expect(second.body.contains(#""ok":true"#))
            #expect(server.tokenRequestCount == 2)
            #expect(sends.statuses == [200, 401, 200])
            let renewed = try #require(manager.currentToken)
            #expect(
                sends.all.map(\.authorization) == [
                    revoked.authorizationHeaderValue, revoked.authorizationHeaderValue,
                    renewed.authorizationHeaderValue,
                ]
            )
            #expect(renewed.accessToken != revoked.accessToken)
        }
    }

    @Test func concurrentRequestsRejectedForTheSameTokenShareOneRefresh() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            let middleware = BearerTokenMiddleware(authManager: manager)
            let revoked = try await manager.token()
            server.revoke(accessToken: revoked.accessToken)

            // Each caller is held with the revoked token in its request until all 16 have it, so
            // all 16 are rejected for it before any token is invalidated.
            let held = HeldCalls(holding: Self.callers)
            let sends = Sends()
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<Self.callers {
                    group.addTask {
                        try await intercept(middleware, server: server, sends: sends) { request in
                            if request.headerFields[.authorization] == revoked.authorizationHeaderValue {
                                await held.arrive()
                            }
                        }.status
                    }
                }
                await held.waitForArrivals(Self.callers)
                held.releaseAll()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results == Array(repeating: 200, count: Self.callers))
            #expect(server.tokenRequestCount == 2)
            #expect(sends.statuses.count { $0 == 401 } == Self.callers)
            #expect(sends.statuses.count { $0 == 200 } == Self.callers)
        }
    }

    @Test func requestsRejectedAfterTheRefreshTakeTheNewTokenWithoutAnother() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            let middleware = BearerTokenMiddleware(authManager: manager)
            let revoked = try await manager.token()
            server.revoke(accessToken: revoked.accessToken)

            // All 16 hold the revoked token. One is let through and refreshes it; only then are
            // the other 15 rejected for it, when a newer token is already current.
            let held = HeldCalls(holding: Self.callers)
            let sends = Sends()
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<Self.callers {
                    group.addTask {
                        try await intercept(middleware, server: server, sends: sends) { request in
                            if request.headerFields[.authorization] == revoked.authorizationHeaderValue {
                                await held.arrive()
                            }
                        }.status
                    }
                }
                await held.waitForArrivals(Self.callers)
                held.release(1)
                // The only caller not held finishes first, after its refresh and retry.
                var results = [try await group.next()]
                held.releaseAll()
                results += try await group.reduce(into: []) { $0.append($1) }
                return results.compactMap { $0 }
            }
            #expect(results == Array(repeating: 200, count: Self.callers))
            #expect(server.tokenRequestCount == 2)
            #expect(sends.statuses.count { $0 == 401 } == Self.callers)
            let renewed = try #require(manager.currentToken)
            #expect(
                sends.all.filter { $0.status == 200 }.allSatisfy {
                    $0.authorization == renewed.authorizationHeaderValue
                }
            )
        }
    }

    @Test func aSecondUnauthorizedIsReturnedWithoutAnotherTry() async throws {
        try await withTokenServer { server in
            // Every token the endpoint issues is revoked before it is used.
            let manager = makeManager(
                server: server,
                provider: { _, manager in
                    let token = try await manager.fetchToken()
                    server.revoke(accessToken: token.accessToken)
                    return token
                }
            )
            let sends = Sends()
            let result = try await intercept(BearerTokenMiddleware(authManager: manager), server: server, sends: sends)
            #expect(result.status == 401)
            #expect(result.body.contains("invalid_token"))
            #expect(sends.statuses == [401, 401])
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func aSingleIterationBodyIsNotSentAgain() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            let middleware = BearerTokenMiddleware(authManager: manager)
            let revoked = try await manager.token()
            server.revoke(accessToken: revoked.accessToken)
            let sends = Sends()

            let body = HTTPBody(Array("payload".utf8), length: .known(7), iterationBehavior: .single)
            let result = try await intercept(middleware, server: server, body: body, sends: sends)
            #expect(result.status == 401)
            #expect(result.body.contains("invalid_token"))
            #expect(sends.statuses == [401])
            #expect(server.tokenRequestCount == 1)
            // The rejected token is forgotten all the same: the next request gets a new one.
            #expect(manager.currentToken == nil)
            let next = try await intercept(middleware, server: server, sends: sends)
            #expect(next.status == 200)
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func aMultipleIterationBodyIsSentAgain() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            let revoked = try await manager.token()
            server.revoke(accessToken: revoked.accessToken)
            let sends = Sends()

            let body = HTTPBody("payload")
            let result = try await intercept(
                BearerTokenMiddleware(authManager: manager),
                server: server,
                body: body,
                sends: sends
            )
            #expect(result.status == 200)
            #expect(sends.statuses == [401, 200])
            #expect(sends.all.map(\.body) == [Array("payload".utf8), Array("payload".utf8)])
            #expect(server.tokenRequestCount == 2)
        }
    }

    @Test func theRejectedResponseBodyIsReadBeforeTheRetry() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            let revoked = try await manager.token()
            server.revoke(accessToken: revoked.accessToken)
            let firstBodyRead = Mutex(false)
            let readBeforeRetry = Mutex<Bool?>(nil)

            let (response, _) = try await BearerTokenMiddleware(authManager: manager).intercept(
                protectedRequest,
                body: nil,
                baseURL: try server.openAPIBaseURL,
                operationID: "getProtected"
            ) { request, body, baseURL in
                let (response, responseBody) = try await sendWithAsyncHTTPClient(request, body: body, baseURL: baseURL)
                guard response.status == .unauthorized, let responseBody else {
                    readBeforeRetry.withLock { $0 = firstBodyRead.withLock { $0 } }
                    return (response, responseBody)
                }
                // Hand back a body that notes when it has been read to its end.
                let bytes = try await [UInt8](collecting: responseBody, upTo: 64 * 1024)
                let tracked = HTTPBody(
                    ReadToEnd(bytes: bytes) { firstBodyRead.withLock { $0 = true } },
                    length: .known(Int64(bytes.count)),
                    iterationBehavior: .single
                )
                return (response, tracked)
            }
            #expect(response.status == .ok)
            #expect(readBeforeRetry.withLock { $0 } == true)
        }
    }
}

/// One chunk of bytes as an async sequence that calls `onEnd` when it is read to its end.
struct ReadToEnd: AsyncSequence, Sendable {
    typealias Element = HTTPBody.ByteChunk

    let bytes: [UInt8]
    let onEnd: @Sendable () -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: [UInt8]?
        let onEnd: @Sendable () -> Void

        mutating func next() async -> HTTPBody.ByteChunk? {
            guard let chunk = remaining else {
                onEnd()
                return nil
            }
            remaining = nil
            return ArraySlice(chunk)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(remaining: bytes, onEnd: onEnd)
    }
}
