import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pipe the signal handler writes each signal number to; made once, before any handler is installed.
private let signalPipe: (read: Int32, write: Int32) = {
    var descriptors: [Int32] = [-1, -1]
    guard pipe(&descriptors) == 0 else {
        fatalError("token-server: pipe() failed with errno \(errno)")
    }
    return (descriptors[0], descriptors[1])
}()

/// Turns SIGTERM and SIGINT into values awaited with ``next()`` instead of ending the process.
///
/// A plain `signal()` handler writes the signal number to a pipe (the self-pipe trick; `write` is
/// async-signal-safe), and a Dispatch read source turns the pipe into an `AsyncStream`. The handler runs on
/// whichever thread the signal lands on, and it is installed synchronously, so a signal sent right after
/// ``install()`` returns is not lost. (A Dispatch signal source, which on Linux reads a `signalfd`, was tried first:
/// here about one run in a hundred still died of the SIGTERM, with status 143.)
struct TerminationSignals {
    private static let numbers = [SIGTERM, SIGINT]

    private let source: any DispatchSourceRead
    private let stream: AsyncStream<Int32>

    private init(source: any DispatchSourceRead, stream: AsyncStream<Int32>) {
        self.source = source
        self.stream = stream
    }

    /// Starts catching SIGTERM and SIGINT.
    /// - Returns: The installed handler's signals.
    static func install() -> TerminationSignals {
        let readEnd = signalPipe.read
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let source = DispatchSource.makeReadSource(
            fileDescriptor: readEnd,
            queue: DispatchQueue(label: "token-server.signals")
        )
        source.setEventHandler {
            var number: UInt8 = 0
            if read(readEnd, &number, 1) == 1 {
                continuation.yield(Int32(number))
            }
        }
        source.resume()
        for number in numbers {
            _ = signal(number) { caught in
                var byte = UInt8(truncatingIfNeeded: caught)
                _ = write(signalPipe.write, &byte, 1)
            }
        }
        return TerminationSignals(source: source, stream: stream)
    }

    /// Waits for the first signal.
    /// - Returns: The signal number.
    func next() async -> Int32 {
        for await number in stream {
            return number
        }
        return SIGTERM
    }

    /// Stops reading the pipe. The handler stays installed, so a repeated SIGTERM or SIGINT during shutdown is
    /// ignored instead of ending the process with a signal status. (Restoring `SIG_DFL` here let about one run in
    /// a hundred die of SIGTERM after the first one had been handled.)
    func cancel() {
        source.cancel()
    }
}
