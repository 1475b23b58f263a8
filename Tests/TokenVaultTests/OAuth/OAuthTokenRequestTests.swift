import AsyncHTTPClient
import ExampleTokenServer
import Foundation
import Testing
import TokenVault

/// What goes over the wire, checked by the example token server on 127.0.0.1.
@Suite struct OAuthTokenRequestTests {
    @Test func basicAuthEncodesReservedCharactersInIdAndSecret() async throws {
        let id = "id:with%odd+chars and spaces"
        let secret = "se:cr%et+with spaces/=é"
        try await withTokenServer(clients: [.init(id: id, secret: secret)]) { server in
            let manager = makeManager(server: server, clientId: id, clientSecret: secret, authMethod: .basic)
            let token = try await manager.token()
            #expect(!token.accessToken.isEmpty)
            let record = try #require(server.lastTokenRequest)
            #expect(record.method == "POST")
            #expect(record.authMethod == .basic)
            #expect(record.clientID == id)
            #expect(record.headers["authorization"]?.hasPrefix("Basic ") == true)
            #expect(record.headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(record.headers["accept"] == "application/json")
            #expect(record.form["grant_type"] == "client_credentials")
            #expect(record.form["client_secret"] == nil)
            #expect(!record.body.contains("se:cr"))
        }
    }

    @Test func postAuthSendsCredentialsInTheForm() async throws {
        let id = "post client"
        let secret = "post&secret=+%"
        try await withTokenServer(clients: [.init(id: id, secret: secret)]) { server in
            let manager = makeManager(server: server, clientId: id, clientSecret: secret, authMethod: .post)
            _ = try await manager.token()
            let record = try #require(server.lastTokenRequest)
            #expect(record.authMethod == .post)
            #expect(record.clientID == id)
            #expect(record.headers["authorization"] == nil)
            #expect(record.form["client_id"] == id)
            #expect(record.form["client_secret"] == secret)
            #expect(record.form["grant_type"] == "client_credentials")
        }
    }

    @Test func scopeIsSentAndGranted() async throws {
        let scope = "https://uri.paypal.com/services/invoicing"
        try await withTokenServer { server in
            let manager = makeManager(server: server, scope: scope)
            let token = try await manager.token()
            #expect(server.lastTokenRequest?.form["scope"] == scope)
            #expect(token.scope == scope)
        }
    }

    @Test func noScopeSendsNone() async throws {
        try await withTokenServer { server in
            _ = try await makeManager(server: server).fetchToken()
            #expect(server.lastTokenRequest?.form["scope"] == nil)
            #expect(server.lastTokenRequest?.body == "grant_type=client_credentials")
        }
    }

    @Test func parsesPayPalFields() async throws {
        try await withTokenServer(tokenLifetime: 32400) { server in
            let manager = makeManager(server: server)
            let before = Date()
            let token = try await manager.token()
            let after = Date()
            #expect(token.tokenType == "Bearer")
            #expect(token.expiresIn == 32400)
            #expect(token.appId == "APP-80W284485P519543T")
            #expect(token.nonce?.isEmpty == false)
            #expect(token.scope == ExampleTokenServer.defaultScope)
            #expect(token.obtainedAt >= before && token.obtainedAt <= after)
            #expect(token.expiresAt == token.obtainedAt.addingTimeInterval(32400))
            #expect(manager.currentToken == token)
            #expect(try await manager.authorizationHeader() == "Bearer \(token.accessToken)")
        }
    }

    @Test func missingExpiresInGetsTheDefaultLifetime() async throws {
        try await withTokenServer { server in
            server.enqueue(.withoutExpiresIn)
            let manager = makeManager(server: server, defaultTokenLifetime: 1234)
            let token = try await manager.token()
            #expect(token.expiresIn == nil)
            #expect(token.expiresAt == token.obtainedAt.addingTimeInterval(1234))
        }
    }

    @Test func shortLivedTokenIsUsedForHalfItsLifeDespiteTheSkew() async throws {
        try await withTokenServer { server in
            // 60 s of life under the default 60 s skew: the skew is capped at 30 s, so the token
            // is not refetched on every call.
            server.enqueue(.expiresIn(60))
            let manager = makeManager(server: server)
            let first = try await manager.token()
            #expect(first.expiresIn == 60)
            let again = try await manager.token()
            #expect(again == first)
            #expect(server.tokenRequestCount == 1)
        }
    }

    @Test func fetchTokenChangesNoState() async throws {
        try await withTokenServer { server in
            let updates = Counter()
            let manager = makeManager(server: server, onUpdate: { _ in updates.increment() })
            let token = try await manager.fetchToken()
            #expect(!token.accessToken.isEmpty)
            #expect(manager.currentToken == nil)
            #expect(updates.count == 0)
        }
    }

    @Test func tokenWorksOnTheProtectedEndpointAndA401Refreshes() async throws {
        try await withTokenServer { server in
            let manager = makeManager(server: server)
            let first = try await manager.token()
            #expect(try await protectedStatus(server, header: try await manager.authorizationHeader()) == 200)

            server.revoke(accessToken: first.accessToken)
            #expect(try await protectedStatus(server, header: first.authorizationHeaderValue) == 401)
            #expect(manager.invalidate(first))
            let second = try await manager.token()
            #expect(second.accessToken != first.accessToken)
            #expect(try await protectedStatus(server, header: second.authorizationHeaderValue) == 200)
            #expect(server.tokenRequestCount == 2)
        }
    }
}

/// The status the protected endpoint answers for `header`.
private func protectedStatus(_ server: ExampleTokenServer, header: String) async throws -> Int {
    var request = HTTPClientRequest(url: server.protectedURL)
    request.headers.add(name: "Authorization", value: header)
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    _ = try await response.body.collect(upTo: 64 * 1024)
    return Int(response.status.code)
}
