import AsyncHTTPClient
import ExampleTokenServer
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Real HTTP over 127.0.0.1 against ``ExampleTokenServer``.
@Suite struct ExampleTokenServerTests {
    /// Characters that RFC 6749 §2.3.1 form-urlencoding must protect in Basic credentials.
    static let client = ExampleTokenServer.Client(id: "demo client", secret: "s3cr+t:/%")

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    @Test func basicAuthIssuesPayPalShapedTokens() async throws {
        try await withServer { server, http in
            let first = try await http.post(server.tokenURL, form: "grant_type=client_credentials", basic: Self.client)
            #expect(first.status == 200)
            #expect(first.headers.first(name: "content-type") == "application/json")
            #expect(first.json["token_type"] as? String == "Bearer")
            #expect(first.json["app_id"] as? String == "APP-80W284485P519543T")
            #expect(first.json["expires_in"] as? Int == 32400)
            #expect(first.json["scope"] as? String == ExampleTokenServer.defaultScope)
            let token = try #require(first.json["access_token"] as? String)
            #expect(token.hasPrefix("A21AA"))
            let nonce = try #require(first.json["nonce"] as? String)
            #expect(nonce.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ[A-Za-z0-9_-]{20,}/) != nil)

            let record = try #require(server.lastTokenRequest)
            #expect(record.method == "POST")
            #expect(record.authMethod == .basic)
            #expect(record.clientID == Self.client.id)
            #expect(record.form == ["grant_type": "client_credentials"])
            #expect(record.headers["content-type"] == "application/x-www-form-urlencoded")

            let second = try await http.post(server.tokenURL, form: "grant_type=client_credentials", basic: Self.client)
            #expect(second.json["access_token"] as? String != token)
            #expect(server.tokenRequestCount == 2)
            #expect(server.issuedTokenCount == 2)
        }
    }

    @Test func postAuthGrantsExactlyTheRequestedScope() async throws {
        try await withServer { server, http in
            let form =
                "grant_type=client_credentials&client_id=demo+client&client_secret=s3cr%2Bt%3A%2F%25"
                + "&scope=https%3A%2F%2Furi.paypal.com%2Fservices%2Finvoicing"
            let reply = try await http.post(server.tokenURL, form: form)
            #expect(reply.status == 200)
            #expect(reply.json["scope"] as? String == "https://uri.paypal.com/services/invoicing")
            #expect(server.lastTokenRequest?.authMethod == .post)
            #expect(server.lastTokenRequest?.clientID == Self.client.id)
        }
    }

    @Test func wrongOrUnencodedSecretIsInvalidClient() async throws {
        try await withServer { server, http in
            let wrong = ExampleTokenServer.Client(id: Self.client.id, secret: "nope")
            let reply = try await http.post(server.tokenURL, form: "grant_type=client_credentials", basic: wrong)
            #expect(reply.status == 401)
            #expect(reply.json["error"] as? String == "invalid_client")
            #expect(reply.json["error_description"] as? String == "Client Authentication failed")
            #expect(reply.headers.first(name: "www-authenticate") == #"Basic realm="token""#)
            #expect(server.lastTokenRequest?.authMethod == .basic)
            #expect(server.lastTokenRequest?.clientID == nil)

            // Without form-urlencoding, "+" in the secret reads as a space: authentication must fail.
            let raw = "Basic " + Data("\(Self.client.id):\(Self.client.secret)".utf8).base64EncodedString()
            let unencoded = try await http.post(
                server.tokenURL,
                form: "grant_type=client_credentials",
                authorization: raw
            )
            #expect(unencoded.status == 401)
            #expect(server.tokenRequestCount == 2)
            #expect(server.issuedTokenCount == 0)
        }
    }

    @Test func missingGrantTypeAndInvalidScopeAreRejected() async throws {
        try await withServer { server, http in
            let noGrant = try await http.post(server.tokenURL, form: "scope=", basic: Self.client)
            #expect(noGrant.status == 400)
            #expect(noGrant.json["error"] as? String == "unsupported_grant_type")

            let badScope = try await http.post(
                server.tokenURL,
                form: "grant_type=client_credentials&scope=openid",
                basic: Self.client
            )
            #expect(badScope.status == 400)
            #expect(badScope.json["error"] as? String == "invalid_scope")
            #expect(server.issuedTokenCount == 0)
        }
    }

    @Test func scriptedBehaviorsAnswerInOrderThenNormal() async throws {
        try await withServer { server, http in
            server.enqueue(
                .httpError(status: 503, body: "busy"),
                .oauthError(status: 429, error: "rate_limited", description: nil),
                .delayed(milliseconds: 20, then: .withoutExpiresIn),
                .body(status: 200, contentType: "text/html", body: "<html></html>"),
                .closeConnection
            )
            let form = "grant_type=client_credentials"
            let busy = try await http.post(server.tokenURL, form: form, basic: Self.client)
            #expect(busy.status == 503 && busy.body == "busy")
            let limited = try await http.post(server.tokenURL, form: form, basic: Self.client)
            #expect(limited.status == 429 && limited.body == #"{"error":"rate_limited"}"#)
            let noExpiry = try await http.post(server.tokenURL, form: form, basic: Self.client)
            #expect(
                noExpiry.status == 200 && noExpiry.json["access_token"] != nil && noExpiry.json["expires_in"] == nil
            )
            let html = try await http.post(server.tokenURL, form: form, basic: Self.client)
            #expect(html.headers.first(name: "content-type") == "text/html" && html.body == "<html></html>")
            await #expect(throws: (any Error).self) {
                try await http.post(server.tokenURL, form: form, basic: Self.client)
            }
            let normal = try await http.post(server.tokenURL, form: form, basic: Self.client)
            #expect(normal.status == 200 && normal.json["expires_in"] as? Int == 32400)
            #expect(server.tokenRequestCount == 6)
            #expect(server.issuedTokenCount == 2)
        }
    }

    @Test func protectedEndpointAcceptsIssuedTokensUntilRevoked() async throws {
        try await withServer { server, http in
            func token() async throws -> String {
                let reply = try await http.post(
                    server.tokenURL,
                    form: "grant_type=client_credentials",
                    basic: Self.client
                )
                return try #require(reply.json["access_token"] as? String)
            }
            let (first, second) = (try await token(), try await token())
            let ok = try await http.get(server.protectedURL, authorization: "Bearer \(first)")
            #expect(ok.status == 200)
            #expect(ok.json["ok"] as? Bool == true && ok.json["client_id"] as? String == Self.client.id)

            server.revoke(accessToken: first)
            let revoked = try await http.get(server.protectedURL, authorization: "Bearer \(first)")
            #expect(revoked.status == 401 && revoked.json["error"] as? String == "invalid_token")
            #expect(try await http.get(server.protectedURL, authorization: "Bearer \(second)").status == 200)
            server.revokeAll()
            #expect(try await http.get(server.protectedURL, authorization: "Bearer \(second)").status == 401)
            #expect(try await http.get(server.protectedURL, authorization: nil).status == 401)
        }
    }

    @Test func routingErrorsAndBodyCap() async throws {
        try await withServer { server, http in
            let wrongMethod = try await http.get(server.tokenURL, authorization: nil)
            #expect(wrongMethod.status == 405)
            let unknownPath = try await http.get(server.baseURL + "/v1/other", authorization: nil)
            #expect(unknownPath.status == 404)
            let huge = "grant_type=client_credentials&pad=" + String(repeating: "x", count: 64 * 1024)
            let tooLarge = try await http.post(server.tokenURL, form: huge, basic: Self.client)
            #expect(tooLarge.status == 413)
            #expect(server.tokenRequestCount == 2)
            #expect(server.issuedTokenCount == 0)
        }
    }

    /// Runs `body` against a fresh server and HTTP client, and shuts both down whatever happens.
    private func withServer(_ body: (ExampleTokenServer, HTTPClient) async throws -> Void) async throws {
        let server = try await ExampleTokenServer.start(clients: [Self.client])
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var failure: (any Error)?
        do {
            try await body(server, http)
        } catch {
            failure = error
        }
        try await http.shutdown()
        try await server.shutdown()
        if let failure {
            throw failure
        }
    }
}

extension HTTPClient {
    /// POSTs a form, with RFC 6749 §2.3.1 Basic credentials or a raw `Authorization` header.
    fileprivate func post(
        _ url: String,
        form: String,
        basic: ExampleTokenServer.Client? = nil,
        authorization: String? = nil
    ) async throws -> ExampleTokenServerTests.Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let basic {
            let pair = "\(formEncode(basic.id)):\(formEncode(basic.secret))"
            request.headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        }
        if let authorization {
            request.headers.add(name: "Authorization", value: authorization)
        }
        request.body = .bytes(ByteBuffer(string: form))
        return try await send(request)
    }

    fileprivate func get(_ url: String, authorization: String?) async throws -> ExampleTokenServerTests.Reply {
        var request = HTTPClientRequest(url: url)
        if let authorization {
            request.headers.add(name: "Authorization", value: authorization)
        }
        return try await send(request)
    }

    private func send(_ request: HTTPClientRequest) async throws -> ExampleTokenServerTests.Reply {
        let response = try await execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return .init(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    private func formEncode(_ text: String) -> String {
        let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
