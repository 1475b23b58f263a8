/// Runs `operation`, failing with ``OAuthError/timeout`` if it has not finished by `deadline`.
///
/// The operation is cancelled when the deadline passes; the function returns once it has
/// stopped.
///
/// - Parameters:
///   - deadline: The instant by which `operation` must finish.
///   - operation: The work to bound.
/// - Returns: What `operation` returned.
func withDeadline<Result: Sendable>(
    _ deadline: ContinuousClock.Instant,
    _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(until: deadline, clock: .continuous)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw OAuthError.timeout
        }
        return result
    }
}
