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

    @Test func skewIsCappedAtATenthOfTheLifetime() {
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let token = OAuthToken(accessToken: "a", expiresIn: 300, obtainedAt: t0)
        #expect(!token.isExpired(at: t0.addingTimeInterval(269), clockSkew: 600))
        #expect(token.isExpired(at: t0.addingTimeInterval(270), clockSkew: 600))
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

    @Test func aVaultRoundTripGivesBackAnEqualToken() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let obtained = Date(timeIntervalSince1970: Double.random(in: 1_600_000_000..<2_000_000_000, using: &generator))
            let token = OAuthToken(accessToken: "a", expiresIn: Int.random(in: 1..<100_000, using: &generator), obtainedAt: obtained)
            let decoded = try JSONDecoder().decode(OAuthToken.self, from: JSONEncoder().encode(token))
            #expect(decoded == token)
            #expect(try JSONDecoder().decode(OAuthToken.self, from: JSONEncoder().encode(decoded)) == decoded)
        }
    }
}
