import Testing

@testable import TokenVault

@Suite struct OAuthRetryPolicyTests {
    /// A deterministic generator (SplitMix64), so the jitter bounds are checked on many draws.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func defaults() {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts == 3)
        #expect(policy.baseDelay == .milliseconds(200))
        #expect(policy.maxDelay == .seconds(5))
        #expect(RetryPolicy.none.maxAttempts == 1)
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test func fullJitterStaysWithinTheExponentialCeiling() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        var generator = SeededGenerator(state: 42)
        let ceilings: [Duration] = [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1),
        ]
        for (index, ceiling) in ceilings.enumerated() {
            var largest = Duration.zero
            for _ in 0..<500 {
                let delay = policy.delay(beforeRetry: index + 1, using: &generator)
                #expect(delay >= .zero && delay <= ceiling)
                largest = max(largest, delay)
            }
            // 500 uniform draws: the largest is above half the ceiling unless the jitter is broken.
            #expect(largest > ceiling / 2)
        }
    }

    @Test func retryAfterIsHonouredUpToMaxDelay() {
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .seconds(5))
        var generator = SeededGenerator(state: 1)
        #expect(policy.delay(beforeRetry: 1, retryAfterSeconds: 2, using: &generator) == .seconds(2))
        #expect(policy.delay(beforeRetry: 1, retryAfterSeconds: 120, using: &generator) == .seconds(5))
        #expect(policy.delay(beforeRetry: 1, retryAfterSeconds: 0, using: &generator) == .zero)
    }

    @Test(arguments: [
        ("3", 3), (" 10 ", 10), ("0", 0), ("-1", nil), ("1.5", nil), ("Wed, 21 Oct 2015 07:28:00 GMT", nil),
    ])
    func parsesRetryAfterSeconds(value: String, expected: Int?) {
        #expect(ClientCredentialsAuthManager.retryAfterSeconds(value) == expected)
    }
}
