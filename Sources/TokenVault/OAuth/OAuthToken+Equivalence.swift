import Foundation

extension OAuthToken {
    /// Whether `other` is the same token, allowing for the rounding of dates that a round trip
    /// through storage brings (`Date` → seconds since 1970 → `Date` is not exact).
    ///
    /// Every field must match; the two dates may differ by less than a millisecond.
    func isSameToken(as other: OAuthToken) -> Bool {
        accessToken == other.accessToken
            && tokenType == other.tokenType
            && expiresIn == other.expiresIn
            && scope == other.scope
            && appId == other.appId
            && nonce == other.nonce
            && abs(expiresAt.timeIntervalSince(other.expiresAt)) < 0.001
            && abs(obtainedAt.timeIntervalSince(other.obtainedAt)) < 0.001
    }
}
