import Testing

/// Returns once `condition` holds, letting other tasks run meanwhile; records an issue and
/// returns after `timeout` instead of waiting for ever.
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
        await Task.yield()
    }
}
