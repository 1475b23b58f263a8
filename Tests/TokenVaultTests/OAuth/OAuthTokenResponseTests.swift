import Foundation
import Testing

@testable import TokenVault

@Suite struct OAuthTokenResponseTests {
    let receivedAt = Date(timeIntervalSince1970: 1_700_000_000)

    func parse(_ body: String, status: Int = 200) throws(OAuthError) -> OAuthToken {
        try TokenResponse.token(
            status: status,
            body: Array(body.utf8),
            receivedAt: receivedAt,
            defaultLifetime: 900
        )
    }

    /// RFC 6749 §5.1: a 200 whose Content-Type is not JSON is no token response, even when its
    /// body would parse (found by make reliability: a text/html page replaced the stored token).
    @Test(arguments: ["text/html", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "application/jsonp"])
    func aTwoHundredOfAnotherContentTypeIsRefused(contentType: String) throws {
        let body = Array(#"{"access_token":"A21AAF-x","token_type":"Bearer","expires_in":3600}"#.utf8)
        #expect(throws: OAuthError.invalidTokenResponse(reason: "Content-Type is not application/json")) {
            try TokenResponse.token(status: 200, contentType: contentType, body: body, receivedAt: receivedAt, defaultLifetime: 900)
        }
    }

    @Test(arguments: [nil, "application/json", "Application/JSON;charset=UTF-8", "application/problem+json"] as [String?])
    func jsonContentTypesAndNoneAreRead(contentType: String?) throws {
        let body = Array(#"{"access_token":"A21AAF-x","token_type":"Bearer","expires_in":3600}"#.utf8)
        let token = try TokenResponse.token(status: 200, contentType: contentType, body: body, receivedAt: receivedAt, defaultLifetime: 900)
        #expect(token.accessToken == "A21AAF-x")
    }

    @Test func parsesPayPalResponse() throws {
        let token = try parse(
            """
            {"scope":"https://uri.paypal.com/services/invoicing openid","access_token":"A21AAF-x","token_type":"Bearer",\
            "app_id":"APP-80W284485P519543T","expires_in":32400,"nonce":"2024-01-01T00:00:00Zabc"}
            """
        )
        #expect(token.accessToken == "A21AAF-x")
        #expect(token.tokenType == "Bearer")
        #expect(token.expiresIn == 32400)
        #expect(token.scope == "https://uri.paypal.com/services/invoicing openid")
        #expect(token.appId == "APP-80W284485P519543T")
        #expect(token.nonce == "2024-01-01T00:00:00Zabc")
        #expect(token.obtainedAt == receivedAt)
        #expect(token.expiresAt == receivedAt.addingTimeInterval(32400))
    }

    @Test func missingExpiresInUsesTheDefaultLifetime() throws {
        let token = try parse(#"{"access_token":"t","token_type":"Bearer"}"#)
        #expect(token.expiresIn == nil)
        #expect(token.expiresAt == receivedAt.addingTimeInterval(900))
    }

    @Test(arguments: [
        ("not json", "body is not JSON"),
        ("", "body is not JSON"),
        ("[]", "body is an array, not a JSON object"),
        ("{}", "no access_token"),
        (#"{"access_token":42,"token_type":"Bearer"}"#, "access_token is a number, not a string"),
        (#"{"access_token":"","token_type":"Bearer"}"#, "access_token is empty"),
        (#"{"access_token":"t"}"#, "no token_type"),
        (#"{"access_token":"t","token_type":true}"#, "token_type is a boolean, not a string"),
        (
            #"{"access_token":"t","token_type":"Bearer","expires_in":0}"#,
            "expires_in is not a positive number of seconds"
        ),
        (
            #"{"access_token":"t","token_type":"Bearer","expires_in":-5}"#,
            "expires_in is not a positive number of seconds"
        ),
        (#"{"access_token":"t","token_type":"Bearer","expires_in":"3600"}"#, "expires_in is a string, not a number"),
        (
            #"{"access_token":"t","token_type":"Bearer","expires_in":1e12}"#,
            "expires_in is not a positive number of seconds"
        ),
        (#"{"access_token":"t","token_type":"Bearer","scope":["a"]}"#, "scope is an array, not a string"),
        (#"{"access_token":"t","token_type":"Bearer","app_id":1}"#, "app_id is a number, not a string"),
    ])
    func rejectsBodiesThatAreNotTokens(body: String, reason: String) {
        #expect(throws: OAuthError.invalidTokenResponse(reason: reason)) {
            try parse(body)
        }
    }

    @Test func reasonsNeverQuoteValues() {
        do {
            _ = try parse(#"{"access_token":"t0k3n-value","token_type":["t0k3n-value"]}"#)
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("t0k3n-value"))
        }
    }

    @Test func rfc6749ErrorsKeepTheServersWords() {
        #expect(
            throws: OAuthError.tokenEndpoint(
                status: 401,
                code: "invalid_client",
                description: "Client Authentication failed"
            )
        ) {
            try parse(#"{"error":"invalid_client","error_description":"Client Authentication failed"}"#, status: 401)
        }
        #expect(throws: OAuthError.tokenEndpoint(status: 400, code: "some_new_code", description: nil)) {
            try parse(#"{"error":"some_new_code"}"#, status: 400)
        }
    }

    @Test func otherStatusesAreHTTPErrors() {
        #expect(throws: OAuthError.httpStatus(400)) { try parse("<html>bad</html>", status: 400) }
        #expect(throws: OAuthError.httpStatus(500)) { try parse(#"{"error":"server_error"}"#, status: 500) }
        #expect(throws: OAuthError.httpStatus(302)) { try parse("", status: 302) }
        #expect(throws: OAuthError.invalidTokenResponse(reason: "HTTP 204 instead of 200")) {
            try parse("", status: 204)
        }
    }

    /// Header injection: only RFC 6750 b64token access tokens and RFC 6749 type names pass.
    @Test(arguments: [
        #"{"access_token": "A21AA-Zq9\r\nX-Evil: 1", "token_type": "Bearer"}"#,
        #"{"access_token": "A21AA Zq9", "token_type": "Bearer"}"#,
        #"{"access_token": "A21AA\u0000Zq9", "token_type": "Bearer"}"#,
        #"{"access_token": "A21AA\u001b[31mZq9", "token_type": "Bearer"}"#,
        #"{"access_token": "A21AA-é", "token_type": "Bearer"}"#,
        #"{"access_token": "A21AA=Zq9", "token_type": "Bearer"}"#,
        #"{"access_token": "===", "token_type": "Bearer"}"#,
        #"{"access_token": "A21AA-Zq9", "token_type": "Bearer\r\nX-Evil: 1"}"#,
        #"{"access_token": "A21AA-Zq9", "token_type": "Bearer x"}"#,
        #"{"access_token": "A21AA-Zq9", "token_type": ""}"#,
    ])
    func rejectsTokensThatCouldInjectHeadersOrEscapes(body: String) {
        #expect {
            try parse(body)
        } throws: { error in
            guard case .invalidTokenResponse(let reason) = error as? OAuthError else { return false }
            return !reason.contains("Zq9") && !reason.contains("Evil")  // reasons never quote values
        }
    }

    @Test func acceptsEveryBearerTokenCharacter() throws {
        let token = try parse(#"{"access_token": "Az09-._~+/==", "token_type": "bearer"}"#)
        #expect(token.accessToken == "Az09-._~+/==")
        #expect(token.authorizationHeaderValue == "Bearer Az09-._~+/==")
    }
}
