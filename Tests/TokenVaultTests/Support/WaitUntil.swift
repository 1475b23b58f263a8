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
