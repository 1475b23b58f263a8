import ExampleTokenServer
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `make reliability`: drives real `vaultcli` processes through crashes, a hostile token
/// endpoint, a concurrent soak with rotation, tampered and hostile files, runs the libFuzzer
/// targets and the test suite under AddressSanitizer and ThreadSanitizer, and scans every
/// command's output for secrets; ends with one summary table. Exit status 1 when any check failed.
///
/// ```sh
/// reliability --vaultcli .build/debug/vaultcli --fuzzer .build-fuzz/debug/fuzz --corpus Reliability/corpus \
///     --test-script scripts/test.sh [--quick] [--only crash,hostile,...] [--work DIR]
/// ```
@main
struct Reliability {
    static func main() async throws {
        let options = try Options.parse(CommandLine.arguments.dropFirst())
        signal(SIGPIPE, SIG_IGN)  // a client that hangs up on the hostile endpoint must not end the harness
        let work = try options.workFolder()
        let ledger = OutputLedger()
        // A private copy: a rebuild of vaultcli during the run (ETXTBSY, or a binary changing under
        // the checks) cannot reach it.
        let vaultcli = work + "/vaultcli"
        try? FileManager.default.removeItem(atPath: vaultcli)
        try FileManager.default.copyItem(atPath: options.vaultcli, toPath: vaultcli)
        let runner = CommandRunner(executable: vaultcli, ledger: ledger)
        let secrets = Secrets()
        let mode = options.quick ? "QUICK" : "full"
        say("reliability (\(mode)): vaultcli \(options.vaultcli), work folder \(work)")

        let server = try await ExampleTokenServer.start(clients: [.init(id: secrets.clientID, secret: secrets.clientSecret)])
        var rows: [CheckSummary] = []
        func timed(_ body: () -> CheckSummary) {
            let started = ContinuousClock.now
            var row = body()
            row.seconds = CommandRunner.seconds(ContinuousClock.now - started)
            rows.append(row)
            say("  \(row.name): \(row.cases) \(row.unit), \(row.failures) failures, \(row.dataLost) lost (\(Int(row.seconds)) s)")
        }

        if options.runs("crash") {
            timed {
                CrashInjection(runner: runner, root: work, secrets: secrets, server: server, targetKills: options.quick ? 150 : 1000).run()
            }
        }
        if options.runs("hostile") {
            timed { HostileEndpointCheck(runner: runner, root: work, secrets: secrets).run() }
        }
        if options.runs("soak") {
            timed { Soak(runner: runner, root: work, secrets: secrets, rounds: options.quick ? 8 : 40).run() }
        }
        if options.runs("tamper") {
            timed { TamperSweep(runner: runner, root: work, secrets: secrets, quick: options.quick).run() }
        }
        if options.runs("files") {
            timed { HostileFiles(runner: runner, root: work, secrets: secrets).run() }
        }
        if options.runs("fuzz") {
            timed { FuzzCheck(fuzzer: options.fuzzer, corpus: options.corpus, root: work, runs: options.quick ? 20_000 : 500_000).run() }
        }
        // The sanitized suites take tens of minutes each (a build of their own, then every test
        // several times slower): the full run only.
        for (check, sanitizer) in [("asan", SanitizerCheck.Sanitizer.address), ("tsan", .thread)] where options.runs(check) {
            if options.quick && options.only == nil {
                say("  \(sanitizer.checkName): skipped in the QUICK run (--only \(check) runs it)")
                continue
            }
            say("  \(sanitizer.checkName): building and running (tens of minutes)")
            timed { SanitizerCheck(sanitizer: sanitizer, testScript: options.testScript, root: work).run() }
        }
        if options.runs("leaks") {
            timed { SecretLeakScan(ledger: ledger, secrets: secrets).run() }
        }
        try await server.shutdown()

        say("")
        for row in rows {
            for note in row.notes { say("\(row.name): \(note)") }
            for detail in row.failureDetails { say("\(row.name): FAILURE: \(detail)") }
        }
        say("")
        say(SummaryTable.render(rows))
        let failed = rows.contains { $0.failures > 0 || $0.dataLost > 0 }
        if failed || options.keepWork {
            say("work folder kept (vaults, fuzz inputs that failed): \(work)")
        } else {
            try? FileManager.default.removeItem(atPath: work)
        }
        exit(failed ? 1 : 0)
    }
}

/// The harness's command line.
struct Options {
    var vaultcli = ""
    var fuzzer = ""
    var corpus = "Reliability/corpus"
    var testScript = "scripts/test.sh"
    var quick = ProcessInfo.processInfo.environment["QUICK"].map { $0 == "1" } ?? false
    var only: Set<String>?
    var work: String?
    var keepWork = false

    static let checks = ["crash", "hostile", "soak", "tamper", "files", "fuzz", "asan", "tsan", "leaks"]

    static func parse(_ arguments: ArraySlice<String>) throws -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--vaultcli": options.vaultcli = iterator.next() ?? ""
            case "--fuzzer": options.fuzzer = iterator.next() ?? ""
            case "--corpus": options.corpus = iterator.next() ?? ""
            case "--test-script": options.testScript = iterator.next() ?? ""
            case "--quick": options.quick = true
            case "--only": options.only = Set((iterator.next() ?? "").split(separator: ",").map(String.init))
            case "--work": options.work = iterator.next()
            case "--keep-work": options.keepWork = true
            default:
                throw UsageError(
                    "unknown argument \(argument); usage: reliability --vaultcli PATH [--fuzzer PATH] [--corpus DIR] [--test-script PATH] [--quick] [--only \(checks.joined(separator: ","))] [--work DIR] [--keep-work]")
            }
        }
        guard !options.vaultcli.isEmpty, FileManager.default.isExecutableFile(atPath: options.vaultcli) else {
            throw UsageError("give the built vaultcli with --vaultcli PATH")
        }
        if let unknown = options.only?.subtracting(checks).first { throw UsageError("unknown check \(unknown)") }
        if options.runs("fuzz"), !FileManager.default.isExecutableFile(atPath: options.fuzzer) {
            throw UsageError("give the libFuzzer build of Reliability/fuzz with --fuzzer PATH (or leave out the fuzz check)")
        }
        return options
    }

    func runs(_ check: String) -> Bool { only?.contains(check) ?? true }

    /// A fresh folder for the run's vaults (under /tmp unless `--work` names one).
    func workFolder() throws -> String {
        if let work {
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            return work
        }
        let temporary = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        var template = Array((temporary + "reliability.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw UsageError("mkdtemp failed") }
        return String(cString: made)
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Writes one line to standard output at once (unbuffered, so progress shows through a pipe).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
