import Foundation

/// An OAuth 2.0 access token obtained with the client-credentials grant, with the absolute
/// time it expires.
///
/// The expiry is computed once, when the token is obtained, from the server's `expires_in`
/// against the real UTC clock (`Date`), so a token read back from a vault after a restart keeps
/// its original expiry. `description` never shows the access token.
public struct OAuthToken: Sendable, Hashable {
    /// The bearer credential sent in `Authorization` headers. Never logged or printed.
    public var accessToken: String
    /// The token type from the response, usually `Bearer`.
    public var tokenType: String
    /// The lifetime in seconds the server gave (`expires_in`), when it gave one.
    public var expiresIn: Int?
    /// The scopes granted, space-separated, as the server returned them.
    public var scope: String?
    /// When the token was obtained (UTC).
    public var obtainedAt: Date
    /// When the token expires (UTC): `obtainedAt + expires_in`, or `obtainedAt` plus a default
    /// lifetime when the server gave no `expires_in`.
    public var expiresAt: Date
    /// PayPal's `app_id` field, when present.
    public var appId: String?
    /// PayPal's `nonce` field, when present.
    public var nonce: String?

    /// Creates a token.
    ///
    /// - Parameters:
    ///   - accessToken: The bearer credential.
    ///   - tokenType: The token type, usually `Bearer`.
    ///   - expiresIn: The lifetime in seconds the server gave, if any.
    ///   - scope: The granted scopes.
    ///   - obtainedAt: When the token was obtained; defaults to now.
    ///   - expiresAt: When it expires; defaults to `obtainedAt + expiresIn`, or
    ///     `obtainedAt + defaultLifetime` when `expiresIn` is `nil`.
    ///   - appId: PayPal's `app_id`, if any.
    ///   - nonce: PayPal's `nonce`, if any.
    ///   - defaultLifetime: The lifetime assumed when `expiresIn` is `nil`; one hour by default.
    public init(
        accessToken: String,
        tokenType: String = "Bearer",
        expiresIn: Int? = nil,
        scope: String? = nil,
        obtainedAt: Date = Date(),
        expiresAt: Date? = nil,
        appId: String? = nil,
        nonce: String? = nil,
        defaultLifetime: TimeInterval = OAuthToken.defaultLifetime
    ) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.scope = scope
        self.obtainedAt = obtainedAt.roundedToMilliseconds
        self.expiresAt = (expiresAt ?? obtainedAt.addingTimeInterval(expiresIn.map(TimeInterval.init) ?? defaultLifetime))
            .roundedToMilliseconds
        self.appId = appId
        self.nonce = nonce
    }

    /// The lifetime given to a token whose response carried no `expires_in`: one hour.
    public static let defaultLifetime: TimeInterval = 3600

    /// Whether the token counts as expired at `now`, `clockSkew` seconds early.
    ///
    /// A token is expired when `now >= expiresAt - skew`. The skew applied is capped at a tenth of
    /// the token's lifetime, so a skew meant for hour-long tokens (60 s) does not take most of the
    /// life of a short one: a 300 s token with a 600 s skew stays usable for 270 s instead of
    /// making every call fetch. (A PayPal token lives 9 hours: the cap is 54 minutes.)
    ///
    /// - Parameters:
    ///   - now: The current time; defaults to `Date()`.
    ///   - clockSkew: Seconds to treat the token as expired early (`oAuthClockSkew`).
    /// - Returns: `true` when a new token is needed.
    public func isExpired(at now: Date = Date(), clockSkew: TimeInterval) -> Bool {
        now >= expiredAt(clockSkew: clockSkew)
    }

    /// The instant from which ``isExpired(at:clockSkew:)`` is `true`: `expiresAt` less the skew,
    /// capped at a tenth of the lifetime.
    func expiredAt(clockSkew: TimeInterval) -> Date {
        let lifetime = max(0, expiresAt.timeIntervalSince(obtainedAt))
        let skew = min(max(0, clockSkew), lifetime / 10)
        return expiresAt.addingTimeInterval(-skew)
    }

    /// The `Authorization` header value, e.g. `Bearer A21AA...`.
    public var authorizationHeaderValue: String {
        let type = tokenType.caseInsensitiveCompare("bearer") == .orderedSame ? "Bearer" : tokenType
        return "\(type) \(accessToken)"
    }
}

extension OAuthToken: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        let formatter = ISO8601DateFormatter()
        return "OAuthToken(type: \(tokenType), scope: \(scope ?? "-"), expiresAt: \(formatter.string(from: expiresAt)), accessToken: <redacted>)"
    }

    public var debugDescription: String { description }
}

extension OAuthToken: Codable {
    // The vault's entry format (docs/FORMAT.md): camelCase keys, dates as seconds since 1970.
    enum CodingKeys: String, CodingKey {
        case accessToken, tokenType, expiresIn, scope, obtainedAt, expiresAt, appId, nonce
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try c.decode(String.self, forKey: .accessToken)
        tokenType = try c.decode(String.self, forKey: .tokenType)
        expiresIn = try c.decodeIfPresent(Int.self, forKey: .expiresIn)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        obtainedAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .obtainedAt)).roundedToMilliseconds
        expiresAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .expiresAt)).roundedToMilliseconds
        appId = try c.decodeIfPresent(String.self, forKey: .appId)
        nonce = try c.decodeIfPresent(String.self, forKey: .nonce)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accessToken, forKey: .accessToken)
        try c.encode(tokenType, forKey: .tokenType)
        try c.encodeIfPresent(expiresIn, forKey: .expiresIn)
        try c.encodeIfPresent(scope, forKey: .scope)
        try c.encode(obtainedAt.roundedToMilliseconds.timeIntervalSince1970, forKey: .obtainedAt)
        try c.encode(expiresAt.roundedToMilliseconds.timeIntervalSince1970, forKey: .expiresAt)
        try c.encodeIfPresent(appId, forKey: .appId)
        try c.encodeIfPresent(nonce, forKey: .nonce)
    }
}

extension Date {
    /// The date with millisecond precision, the precision the vault stores, so that a token read
    /// back from a vault equals the one written.
    package var roundedToMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
