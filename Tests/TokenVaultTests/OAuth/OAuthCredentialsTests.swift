import Foundation
import Testing

@testable import TokenVault

@Suite struct OAuthCredentialsTests {
    let secret = "very-secret-client-secret"

    @Test func gettersReturnWhatWasGiven() async throws {
        let token = OAuthToken(accessToken: "access-token-value", expiresIn: 60)
        let credentials = ClientCredentialsAuthCredentials(
            oAuthClientId: "client",
            oAuthClientSecret: secret,
            oAuthToken: token,
            oAuthTokenProvider: { _, _ in token },
            oAuthOnTokenUpdate: { _ in },
            oAuthClockSkew: 5
        )
        #expect(credentials.oAuthClientId == "client")
        #expect(credentials.oAuthClientSecret == secret)
        #expect(credentials.oAuthToken == token)
        #expect(credentials.oAuthTokenProvider != nil)
        #expect(credentials.oAuthOnTokenUpdate != nil)
        #expect(credentials.oAuthClockSkew == 5)
        #expect(ClientCredentialsAuthCredentials(oAuthClientId: "a", oAuthClientSecret: "b").oAuthClockSkew == 60)
    }

    @Test func noRenderingShowsTheSecretOrTheToken() {
        let credentials = ClientCredentialsAuthCredentials(
            oAuthClientId: "client",
            oAuthClientSecret: secret,
            oAuthToken: OAuthToken(accessToken: "access-token-value")
        )
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [String(describing: credentials), String(reflecting: credentials), dumped, "\(credentials)"] {
            #expect(!text.contains(secret))
            #expect(!text.contains("access-token-value"))
            #expect(text.contains("client"))
        }
    }

    @Test func managerExposesItsConfiguration() {
        let manager = ClientCredentialsAuthManager(
            credentials: ClientCredentialsAuthCredentials(
                oAuthClientId: "client",
                oAuthClientSecret: secret,
                oAuthClockSkew: 30
            ),
            environment: .production,
            scope: "openid"
        )
        #expect(manager.tokenURL == "https://api-m.paypal.com/v1/oauth2/token")
        #expect(manager.clientID == "client")
        #expect(manager.scope == "openid")
        #expect(manager.clockSkew == 30)
        #expect(manager.currentToken == nil)
        #expect(OAuthEnvironment.sandbox.tokenURL == "https://api-m.sandbox.paypal.com/v1/oauth2/token")
        #expect(OAuthEnvironment.custom(tokenURL: "http://x/t").tokenURL == "http://x/t")
    }
}

@Suite struct OAuthTokenMirrorTests {
    @Test func dumpHidesTheAccessToken() {
        var dumped = ""
        dump(OAuthToken(accessToken: "access-token-value", scope: "s", appId: "APP-1"), to: &dumped)
        #expect(!dumped.contains("access-token-value"))
        #expect(dumped.contains("APP-1"))
    }
}
