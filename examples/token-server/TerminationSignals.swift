import Dispatch
import Foundation

/// Turns SIGTERM and SIGINT into values awaited with ``next()`` instead of ending the process.
///
/// Follows swift-service-lifecycle's `UnixSignalsSequence`: on Linux, Dispatch installs its own handler, so the
/// signals are not set to `SIG_IGN` there; and ``install()`` returns only once the sources are registered, so a
/// signal sent right after it is not lost.
struct TerminationSignals {
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<Int32>

    private init(sources: [any DispatchSourceSignal], stream: AsyncStream<Int32>) {
        self.sources = sources
        self.stream = stream
    }

    /// Starts catching SIGTERM and SIGINT.
    /// - Returns: The installed signal sources, registered.
    static func install() async -> TerminationSignals {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "token-server.signals")
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            #if canImport(Darwin)
            // kqueue delivers the signal only when the default action is off.
            signal(number, SIG_IGN)
            #endif
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            await withCheckedContinuation { (registered: CheckedContinuation<Void, Never>) in
                source.setRegistrationHandler { registered.resume() }
                source.resume()
            }
            sources.append(source)
        }
        return TerminationSignals(sources: sources, stream: stream)
    }

    /// Waits for the first signal.
    /// - Returns: The signal number.
    func next() async -> Int32 {
        for await number in stream {
            return number
        }
        return SIGTERM
    }

    /// Stops catching the signals.
    func cancel() {
        for source in sources {
            source.cancel()
        }
    }
}
