/// When a held token is refreshed in the background, before callers would have to wait for it.
///
/// A token counts as expired from `expiresAt` less the clock skew (capped at a tenth of its lifetime).
/// Refresh ahead starts one background refresh when `fraction` of the token's lifetime remains
/// before that point, so that in steady state no caller waits for a token request: callers keep
/// getting the still-valid token meanwhile. The point moves by up to ±`jitter` of that window,
/// drawn once per manager, so that replicas sharing a store do not all reach it at once.
///
/// With a PayPal token (9 hours, 60 s skew) and the defaults, the refresh starts about 1 h 48 min
/// before the token would count as expired.
///
/// ```swift
/// let manager = ClientCredentialsAuthManager(credentials: credentials, refreshAhead: .disabled)
/// ```
public struct RefreshAhead: Sendable, Hashable {
    /// The part of the token's lifetime left when the background refresh starts, up to 0.5 (with
    /// the jitter applied); 0 disables it.
    public var fraction: Double
    /// How far the refresh point may move, as a part of the window, drawn once per manager.
    public var jitter: Double

    /// - Parameters:
    ///   - fraction: The part of the lifetime left when the refresh starts (0.2: a fifth).
    ///   - jitter: The spread of the refresh point across managers (0.1: ±10 % of the window).
    public init(fraction: Double = 0.2, jitter: Double = 0.1) {
        self.fraction = min(max(fraction, 0), 1)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// A fifth of the lifetime ahead, ±10 %.
    public static let `default` = RefreshAhead()

    /// No background refresh: a token is refreshed when a caller finds it expired (the PayPal
    /// SDK's behaviour).
    public static let disabled = RefreshAhead(fraction: 0, jitter: 0)

    /// The window for this manager: `fraction` moved by a random part of `jitter`, at most half
    /// the lifetime (a larger window would refresh a token as soon as it arrives).
    func drawn() -> Double {
        min(fraction * (1 + Double.random(in: -jitter...jitter)), 0.5)
    }
}
