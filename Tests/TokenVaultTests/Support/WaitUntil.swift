import Testing

/// Returns once `condition` holds, looking again every millisecond; records an issue and
/// returns after `timeout` instead of waiting for ever.
///
/// The pause only spaces out the looks (a busy loop would take one of the machine's two cores
/// from the code under test); what the test waits for is `condition` itself.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () -> Bool
) async {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
            return
        }
        try? await Task.sleep(for: .milliseconds(1))
    }
}

/// What `body` returns, or a recorded issue and `nil` when it has not returned after `timeout`:
/// for a call that must not wait, so that a regression fails the test instead of hanging it.
/// (The sleep only bounds the wait; it synchronises nothing.)
func within<T: Sendable>(
    _ timeout: Duration = .seconds(30), _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next()!
        group.cancelAll()
        if first == nil { Issue.record("\(what) did not return within \(timeout)", sourceLocation: sourceLocation) }
        return first
    }
}
