import Testing

@testable import TokenVault

@Suite struct OAuthErrorTests {
    @Test func classifiesRejectedCredentials() {
        #expect(OAuthError.tokenEndpoint(status: 401, code: "invalid_client", description: nil).isCredentialsRejected)
        #expect(OAuthError.tokenEndpoint(status: 400, code: "invalid_client", description: nil).isCredentialsRejected)
        #expect(
            OAuthError.tokenEndpoint(status: 400, code: "unauthorized_client", description: nil).isCredentialsRejected
        )
        #expect(OAuthError.httpStatus(401).isCredentialsRejected)
        #expect(!OAuthError.tokenEndpoint(status: 400, code: "invalid_scope", description: nil).isCredentialsRejected)
        #expect(!OAuthError.httpStatus(403).isCredentialsRejected)
        #expect(!OAuthError.timeout.isCredentialsRejected)
    }

    @Test func classifiesUnreachable() {
        #expect(OAuthError.unreachable(reason: "refused").isUnreachable)
        #expect(OAuthError.timeout.isUnreachable)
        #expect(!OAuthError.httpStatus(503).isUnreachable)
        #expect(!OAuthError.invalidTokenURL.isUnreachable)
    }

    @Test func transientErrorsAreTheRetriedOnes() {
        #expect(OAuthError.httpStatus(503).isTransient)
        #expect(OAuthError.httpStatus(429).isTransient)
        #expect(OAuthError.tokenEndpoint(status: 429, code: "slow_down", description: nil).isTransient)
        #expect(OAuthError.timeout.isTransient)
        #expect(OAuthError.unreachable(reason: "reset").isTransient)
        #expect(!OAuthError.httpStatus(400).isTransient)
        #expect(!OAuthError.tokenEndpoint(status: 401, code: "invalid_client", description: nil).isTransient)
        #expect(!OAuthError.invalidTokenResponse(reason: "x").isTransient)
        #expect(!OAuthError.responseTooLarge(limit: 1).isTransient)
    }

    @Test func descriptionsKeepTheServersDescription() {
        let error = OAuthError.tokenEndpoint(status: 400, code: "invalid_scope", description: "Scope is not permitted")
        #expect(error.description.contains("invalid_scope"))
        #expect(error.description.contains("Scope is not permitted"))
    }
}
