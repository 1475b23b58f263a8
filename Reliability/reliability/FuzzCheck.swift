import Foundation

/// Check 7: the libFuzzer targets (`Reliability/fuzz`, built with `-sanitize=fuzzer,address`)
/// for the vault, keyring and token-response parsers, each run for a bounded number of
/// executions from a copy of the corpus kept in the repo (`Reliability/corpus`). A crash, a
/// broken rule, an AddressSanitizer report or a hang is a failure; libFuzzer's reproducer is
/// kept in the work folder.
struct FuzzCheck {
    static let name = "libFuzzer"

    /// The fuzzer binary.
    let fuzzer: String
    /// `Reliability/corpus`, one folder per target.
    let corpus: String
    let root: String
    /// Executions per target.
    let runs: Int

    static let targets = ["vault", "keyring", "token-response"]

    func run() -> CheckSummary {
        var summary = CheckSummary(name: Self.name, unit: "executions (\(Self.targets.count) targets)")
        let runner = CommandRunner(executable: fuzzer, ledger: OutputLedger())
        for folder in ["/fuzz-corpus", "/fuzz-artifacts"] {
            try? FileManager.default.createDirectory(atPath: root + folder, withIntermediateDirectories: true)
        }
        for target in Self.targets {
            // A copy: the run adds the inputs it finds interesting; the repo's corpus stays as it is.
            let folder = root + "/fuzz-corpus/" + target
            let artifacts = root + "/fuzz-artifacts/" + target + "-"
            try? FileManager.default.removeItem(atPath: folder)
            do {
                try FileManager.default.copyItem(atPath: corpus + "/" + target, toPath: folder)
            } catch {
                summary.fail("\(target): cannot copy the corpus from \(corpus): \(error)")
                continue
            }
            let seeds = (try? FileManager.default.contentsOfDirectory(atPath: folder).count) ?? 0
            let result = runner.run(
                ["-runs=\(runs)", "-max_len=4096", "-timeout=20", "-rss_limit_mb=4096", "-detect_leaks=0",
                 "-print_final_stats=1", "-artifact_prefix=\(artifacts)", folder],
                check: Self.name, environment: ["TOKENVAULT_FUZZ_TARGET": target], bound: Double(runs) / 50 + 600)
            let log = result.stderrText
            let executions = Self.number(after: "stat::number_of_executed_units:", in: log) ?? 0
            summary.cases += executions
            let grown = ((try? FileManager.default.contentsOfDirectory(atPath: folder).count) ?? seeds) - seeds
            let coverage = Self.lastMatch(of: #"cov: (\d+)"#, in: log).map { "\($0) edges" } ?? "no coverage reported"
            let seed = Self.lastMatch(of: #"INFO: Seed: (\d+)"#, in: log) ?? "?"
            summary.notes.append(
                "\(target): \(executions) executions in \(Int(result.seconds)) s, \(coverage), corpus \(seeds) seeds + \(grown) found (-seed=\(seed))")
            if !result.succeeded || executions < runs {
                let reason = log.split(separator: "\n").first { $0.contains("ERROR") || $0.contains("fuzz rule broken") || $0.contains("deadly signal") }
                summary.fail("\(target): \(result.outcome) after \(executions) executions: \(reason.map(String.init) ?? "see \(artifacts)*")")
            }
        }
        return summary
    }

    /// The integer after `label` in libFuzzer's final statistics.
    static func number(after label: String, in log: String) -> Int? {
        guard let line = log.split(separator: "\n").last(where: { $0.hasPrefix(label) }) else { return nil }
        return Int(line.dropFirst(label.count).trimmingCharacters(in: .whitespaces))
    }

    static func lastMatch(of pattern: String, in log: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        let range = NSRange(log.startIndex..., in: log)
        guard let match = regex.matches(in: log, range: range).last, let group = Range(match.range(at: 1), in: log) else { return nil }
        return String(log[group])
    }
}
