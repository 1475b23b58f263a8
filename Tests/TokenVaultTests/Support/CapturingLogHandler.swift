import Logging
import Synchronization

/// A `LogHandler` that keeps every entry in memory, for assertions, and lets a test wait until
/// a given message has been logged a number of times.
///
/// Copies share one store, so a `Logger` built on it can be handed to the code under test.
struct CapturingLogHandler: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata

        /// The message and every metadata key and value, as one line of text.
        var rendered: String {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return "[\(level)] \(message) \(fields.joined(separator: " "))"
        }
    }

    final class Store: Sendable {
        private struct Waiter {
            var messages: Set<String>
            var count: Int
            var continuation: CheckedContinuation<Void, Never>
        }

        private struct State {
            var entries: [Entry] = []
            var waiters: [Waiter] = []
        }

        private let state = Mutex(State())

        var entries: [Entry] { state.withLock { $0.entries } }

        func append(_ entry: Entry) {
            let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.entries.append(entry)
                let entries = state.entries
                let (done, waiting) = state.waiters.partitioned { waiter in
                    entries.count { waiter.messages.contains($0.message) } >= waiter.count
                }
                state.waiters = waiting
                return done.map(\.continuation)
            }
            for continuation in ready {
                continuation.resume()
            }
        }

        /// Returns once messages from `messages` have been logged at least `count` times in all.
        func waitFor(anyOf messages: Set<String>, count: Int) async {
            await withCheckedContinuation { continuation in
                let done = state.withLock { state -> Bool in
                    if state.entries.count(where: { messages.contains($0.message) }) >= count {
                        return true
                    }
                    state.waiters.append(Waiter(messages: messages, count: count, continuation: continuation))
                    return false
                }
                if done {
                    continuation.resume()
                }
            }
        }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(store: Store) {
        self.store = store
    }

    func log(event: LogEvent) {
        var merged = metadata
        merged.merge(event.metadata ?? [:]) { _, new in new }
        store.append(Entry(level: event.level, message: "\(event.message)", metadata: merged))
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// A trace-level logger writing to a new store, and the store.
    static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "tokenvault.tests") { _ in CapturingLogHandler(store: store) }, store)
    }
}

extension Array {
    /// The elements that satisfy `predicate`, and the rest, each in order.
    fileprivate func partitioned(by predicate: (Element) -> Bool) -> (matching: [Element], rest: [Element]) {
        var matching: [Element] = []
        var rest: [Element] = []
        for element in self {
            if predicate(element) {
                matching.append(element)
            } else {
                rest.append(element)
            }
        }
        return (matching, rest)
    }
}
