/// How often a token request is tried, and how long to wait between tries.
///
/// Connection failures, timeouts, 5xx and 429 responses are retried; other 4xx responses and
/// invalid responses never are. The wait before retry *n* (1-based) is drawn uniformly from
/// `0...min(maxDelay, baseDelay * 2^(n-1))` ("full jitter"), unless the server sent a
/// `Retry-After` in seconds, which is honoured up to `maxDelay`.
///
/// ```swift
/// let patient = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(500))
/// let once = RetryPolicy.none
/// ```
public struct RetryPolicy: Sendable, Hashable {
    /// The number of attempts in all, the first included; at least 1.
    public var maxAttempts: Int
    /// The upper bound of the first wait; it doubles with each retry.
    public var baseDelay: Duration
    /// The longest wait between two attempts.
    public var maxDelay: Duration

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - maxAttempts: Attempts in all; 3 by default. Values below 1 count as 1.
    ///   - baseDelay: The upper bound of the first wait; 200 ms by default.
    ///   - maxDelay: The longest wait; 5 s by default.
    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(.zero, baseDelay)
        self.maxDelay = max(.zero, maxDelay)
    }

    /// One attempt, no retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before retry number `retry` (1 for the first retry).
    ///
    /// - Parameters:
    ///   - retry: Which retry this is, from 1.
    ///   - retryAfterSeconds: The server's `Retry-After` in seconds, if it sent one.
    ///   - generator: The source of the jitter.
    /// - Returns: The time to wait.
    func delay(
        beforeRetry retry: Int,
        retryAfterSeconds: Int? = nil,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        if let retryAfterSeconds {
            return min(maxDelay, .seconds(max(0, retryAfterSeconds)))
        }
        let exponent = min(max(0, retry - 1), 32)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let ceilingNanoseconds = Self.nanoseconds(ceiling)
        guard ceilingNanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...ceilingNanoseconds, using: &generator))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
