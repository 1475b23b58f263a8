import Foundation

/// Unbuffered line output, so each line reaches a pipe at once.
enum StandardStreams {
    /// Writes one line to standard output.
    static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes one line to standard error.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
