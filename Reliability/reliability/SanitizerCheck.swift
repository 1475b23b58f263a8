import Foundation

/// Checks 8 and 9: the whole test suite (the test command, with its private PostgreSQL cluster)
/// built with `--sanitize=address` or `--sanitize=thread` in its own build folder. A failed test
/// or any sanitizer report is a failure; the full output is kept in a log file.
struct SanitizerCheck {
    enum Sanitizer: String {
        case address, thread

        var checkName: String { self == .address ? "test suite, ASan" : "test suite, TSan" }
        var report: String { self == .address ? "ERROR: AddressSanitizer" : "WARNING: ThreadSanitizer" }
        /// Reports also go to files under `reports` (`reports.PID`), so that a report from a
        /// `vaultcli` process a test starts, whose standard error the test reads, is not missed;
        /// such a process ends with status 86, which no test expects.
        func environment(reports: String) -> [String: String] {
            switch self {
            // LeakSanitizer stays off: XCTest's and Foundation.Process's own allocations are
            // reported as leaks at exit, which says nothing about TokenVault.
            case .address: ["ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0:exitcode=86:log_path=\(reports)"]
            case .thread: ["TSAN_OPTIONS": "halt_on_error=0:second_deadlock_stack=1:exitcode=86:log_path=\(reports)"]
            }
        }
    }

    let sanitizer: Sanitizer
    /// `scripts/test.sh`.
    let testScript: String
    /// The run's work folder: the output and the sanitizer's report files go there.
    let root: String

    func run() -> CheckSummary {
        var summary = CheckSummary(name: sanitizer.checkName, unit: "tests")
        let runner = CommandRunner(executable: testScript, ledger: OutputLedger())
        let reports = root + "/\(sanitizer.rawValue)-reports"
        // Operations against PostgreSQL get longer bounds: everything runs several times slower.
        let environment = sanitizer.environment(reports: reports).merging(["TOKENVAULT_TEST_SLOW": "1"]) { $1 }
        let result = runner.run(
            ["--sanitize=\(sanitizer.rawValue)", "--scratch-path", ".build-\(sanitizer == .address ? "asan" : "tsan")"],
            check: summary.name, environment: environment, bound: 3 * 3600)
        let reportFiles = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { $0.hasPrefix("\(sanitizer.rawValue)-reports.") }.map { root + "/" + $0 }
        // Reports written to files by the test process and by every process it started.
        let output = reportFiles.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.joined(separator: "\n")
            + "\n" + result.stdoutText + "\n" + result.stderrText
        let log = root + "/tokenvault-reliability-\(sanitizer.rawValue).log"
        try? Data(output.utf8).write(to: URL(fileURLWithPath: log))

        summary.cases = FuzzCheck.lastMatch(of: #"Test run with (\d+) tests?"#, in: output).flatMap { Int($0) } ?? 0
        let issues = FuzzCheck.lastMatch(of: #"Test run with \d+ tests?.* failed .* with (\d+) issues?"#, in: output).flatMap { Int($0) } ?? 0
        let reportCount = output.components(separatedBy: sanitizer.report).count - 1
        summary.notes.append("\(summary.cases) tests, \(issues) issues, \(reportCount) sanitizer reports (\(reportFiles.count) report files) in \(Int(result.seconds)) s; output in \(log)")
        // One SUMMARY line per report.
        for line in output.split(separator: "\n") where line.contains("SUMMARY: AddressSanitizer") || line.contains("SUMMARY: ThreadSanitizer") {
            summary.fail(String(line))
        }
        if issues > 0 { summary.fail("\(issues) test issues (see \(log))") }
        if !result.succeeded && summary.failures == 0 { summary.fail("the test command ended with \(result.outcome) (see \(log))") }
        if summary.cases == 0 { summary.fail("no test ran (see \(log))") }
        return summary
    }
}
