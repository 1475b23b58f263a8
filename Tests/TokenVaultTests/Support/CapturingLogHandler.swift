import Logging
import Synchronization

/// A `LogHandler` that keeps every entry in memory, for assertions (never as a barrier).
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
        private let state = Mutex<[Entry]>([])

        var entries: [Entry] { state.withLock { $0 } }

        func append(_ entry: Entry) { state.withLock { $0.append(entry) } }
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
