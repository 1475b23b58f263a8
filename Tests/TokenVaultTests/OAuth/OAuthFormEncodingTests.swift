import Foundation
import Testing

@testable import TokenVault

@Suite struct OAuthFormEncodingTests {
    @Test(arguments: [
        ("abcXYZ019", "abcXYZ019"),
        ("*-._", "*-._"),
        ("a b", "a+b"),
        ("a+b", "a%2Bb"),
        ("a:b", "a%3Ab"),
        ("100%", "100%25"),
        ("a&b=c", "a%26b%3Dc"),
        ("~/?#", "%7E%2F%3F%23"),
        ("é", "%C3%A9"),
        ("", ""),
    ])
    func encodesLikeWHATWGForms(input: String, expected: String) {
        #expect(FormURLEncoding.encode(input) == expected)
    }

    @Test func joinsFieldsInOrder() {
        let body = FormURLEncoding.encode([("grant_type", "client_credentials"), ("scope", "a b")])
        #expect(body == "grant_type=client_credentials&scope=a+b")
    }

    @Test func basicAuthorizationEncodesIdAndSecretBeforeBase64() throws {
        let request = TokenRequest(
            tokenURL: "http://127.0.0.1/token",
            clientID: "id:1",
            clientSecret: "p%s+ w",
            scope: nil,
            authMethod: .basic
        )
        let value = request.basicAuthorization
        #expect(value.hasPrefix("Basic "))
        let decoded = try #require(Data(base64Encoded: String(value.dropFirst("Basic ".count))))
        #expect(String(decoding: decoded, as: UTF8.self) == "id%3A1:p%25s%2B+w")
    }

    @Test func basicRequestHasHeadersAndNoCredentialsInBody() {
        let request = TokenRequest(
            tokenURL: "http://127.0.0.1/token",
            clientID: "id",
            clientSecret: "secret",
            scope: "openid profile",
            authMethod: .basic
        ).transportRequest(timeout: .seconds(1), maxResponseBytes: 10)
        let headers = Dictionary(uniqueKeysWithValues: request.headers.map { ($0.name.lowercased(), $0.value) })
        #expect(headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(headers["accept"] == "application/json")
        #expect(headers["authorization"]?.hasPrefix("Basic ") == true)
        #expect(String(decoding: request.body, as: UTF8.self) == "grant_type=client_credentials&scope=openid+profile")
        #expect(request.timeout == .seconds(1))
        #expect(request.maxResponseBytes == 10)
    }

    @Test func postRequestPutsCredentialsInBody() {
        let request = TokenRequest(
            tokenURL: "http://127.0.0.1/token",
            clientID: "id",
            clientSecret: "se cret",
            scope: nil,
            authMethod: .post
        ).transportRequest(timeout: .seconds(1), maxResponseBytes: 10)
        #expect(!request.headers.contains { $0.name.lowercased() == "authorization" })
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "grant_type=client_credentials&client_id=id&client_secret=se+cret"
        )
        #expect(!request.description.contains("se cret") && !request.description.contains("se+cret"))
    }
}
