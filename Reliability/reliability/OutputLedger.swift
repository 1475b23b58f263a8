import Synchronization

/// Every command's arguments, standard output and standard error, kept for the secret-leak scan
/// at the end of the run.
final class OutputLedger: Sendable {
    /// One command as the scan sees it.
    struct Record: Sendable {
        var check: String
        var arguments: [String]
        var stdout: [UInt8]
        var stderr: [UInt8]
        /// `vaultcli token` prints the access token on standard output by design.
        var stdoutMayHoldToken: Bool { arguments.first == "token" }
    }

    private let records = Mutex<[Record]>([])

    func record(check: String, arguments: [String], result: CommandResult) {
        let record = Record(check: check, arguments: arguments, stdout: result.stdout, stderr: result.stderr)
        records.withLock { $0.append(record) }
    }

    /// Everything recorded so far.
    var all: [Record] { records.withLock { $0 } }
}
