import Foundation
import Testing
@testable import TokenVault

@Suite struct OAuthTokenTests {
    @Test func expiryUsesSkew() {
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let token = OAuthToken(accessToken: "a", expiresIn: 3600, obtainedAt: t0)
        #expect(token.expiresAt == t0.addingTimeInterval(3600))
        #expect(!token.isExpired(at: t0.addingTimeInterval(3539), clockSkew: 60))
        #expect(token.isExpired(at: t0.addingTimeInterval(3540), clockSkew: 60))
        #expect(!token.isExpired(at: t0.addingTimeInterval(3599), clockSkew: 0))
        #expect(token.isExpired(at: t0.addingTimeInterval(3600), clockSkew: 0))
    }

    @Test func skewAtOrAboveLifetimeLeavesHalfTheLifetime() {
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let token = OAuthToken(accessToken: "a", expiresIn: 300, obtainedAt: t0)
        #expect(!token.isExpired(at: t0.addingTimeInterval(149), clockSkew: 600))
        #expect(token.isExpired(at: t0.addingTimeInterval(150), clockSkew: 600))
    }

    @Test func missingExpiresInGetsDefaultLifetime() {
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let token = OAuthToken(accessToken: "a", obtainedAt: t0)
        #expect(token.expiresAt == t0.addingTimeInterval(OAuthToken.defaultLifetime))
    }

    @Test func descriptionHidesAccessToken() {
        let token = OAuthToken(accessToken: "SECRET-ACCESS-TOKEN", scope: "s")
        #expect(!token.description.contains("SECRET"))
        #expect(!String(reflecting: token).contains("SECRET"))
    }
}
