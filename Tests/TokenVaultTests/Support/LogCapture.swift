import Logging
import Synchronization

/// Collects log lines (message and metadata) in memory, for asserting what was and wasn't logged.
final class LogCapture: Sendable {
    private let lines = Mutex<[(Logger.Level, String)]>([])

    var logger: Logger {
        Logger(label: "test") { _ in Handler(capture: self) }
    }

    var all: [(level: Logger.Level, text: String)] { lines.withLock { $0.map { (level: $0.0, text: $0.1) } } }

    func record(_ level: Logger.Level, _ text: String) { lines.withLock { $0.append((level, text)) } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.record(event.level, "\(event.message) \(merged)")
        }
    }
}
