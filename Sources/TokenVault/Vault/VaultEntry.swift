import Foundation

/// One named entry of a vault: a token and where it came from.
public struct VaultEntry: Sendable, Hashable {
    /// The token.
    public var token: OAuthToken
    /// When the entry was written.
    public var storedAt: Date
    /// The token endpoint it was obtained from, when known.
    public var tokenURL: String?
    /// The OAuth client id it was issued to, when known. The client secret is never stored.
    public var clientID: String?
    /// The scope that was requested, when one was.
    public var requestedScope: String?

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - token: The token.
    ///   - storedAt: When the entry is written; now by default.
    ///   - origin: The client and endpoint it was obtained for; `nil` when unknown (a token put
    ///     by hand), which lets any client use it.
    public init(token: OAuthToken, storedAt: Date = Date(), origin: TokenOrigin? = nil) {
        self.token = token
        self.storedAt = storedAt.roundedToMilliseconds
        self.tokenURL = origin?.tokenURL
        self.clientID = origin?.clientID
        self.requestedScope = origin?.scope
    }

    /// The client and endpoint the token was obtained for, when recorded.
    public var origin: TokenOrigin? {
        guard let tokenURL, let clientID else { return nil }
        return TokenOrigin(tokenURL: tokenURL, clientID: clientID, scope: requestedScope)
    }
}

extension VaultEntry: Codable {
    enum CodingKeys: String, CodingKey {
        case token, storedAt, tokenURL, clientID = "clientId", requestedScope
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        token = try c.decode(OAuthToken.self, forKey: .token)
        storedAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .storedAt)).roundedToMilliseconds
        tokenURL = try c.decodeIfPresent(String.self, forKey: .tokenURL)
        clientID = try c.decodeIfPresent(String.self, forKey: .clientID)
        requestedScope = try c.decodeIfPresent(String.self, forKey: .requestedScope)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(token, forKey: .token)
        try c.encode(storedAt.roundedToMilliseconds.timeIntervalSince1970, forKey: .storedAt)
        try c.encodeIfPresent(tokenURL, forKey: .tokenURL)
        try c.encodeIfPresent(clientID, forKey: .clientID)
        try c.encodeIfPresent(requestedScope, forKey: .requestedScope)
    }
}

extension VaultEntry: CustomStringConvertible {
    public var description: String {
        "VaultEntry(token: \(token), tokenURL: \(tokenURL ?? "-"), clientID: \(clientID ?? "-"))"
    }
}
