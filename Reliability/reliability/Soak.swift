import Foundation

/// Check 3: eight `vaultcli put` writer processes at a time, each writing its own entries over
/// and over, while `vaultcli rotate --retire-old` runs in a loop. Before each write a writer reads
/// its entry back (`vaultcli token`), which must hold the value it last wrote; at the end every
/// entry must hold its last written value. A read that finds anything else is a lost update.
struct Soak {
    static let name = "8-process soak + rotation"

    let runner: CommandRunner
    let root: String
    let secrets: Secrets
    let writers = 8
    let entriesPerWriter = 3
    /// Rounds over a writer's entries.
    let rounds: Int

    /// What the threads report.
    struct Tally {
        var summary = CheckSummary(name: Soak.name, unit: "updates")
        var rotations = 0
        var reads = 0
    }

    func run() -> CheckSummary {
        let workspace = Workspace(root: root, name: "soak", runner: runner, check: Self.name)
        let tally = Locked(Tally())
        guard workspace.run(["init"]).succeeded else {
            var summary = CheckSummary(name: Self.name, unit: "updates")
            summary.fail("vaultcli init failed")
            return summary
        }
        let writersDone = Locked(0)
        let group = DispatchGroup()
        for writer in 0..<writers {
            group.enter()
            Thread.detachNewThread {
                defer {
                    writersDone.withLock { $0 += 1 }
                    group.leave()
                }
                write(as: writer, in: workspace, tally: tally)
            }
        }
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            while writersDone.value < writers {
                let result = workspace.run(["rotate", "--retire-old"])
                tally.withLock { tally in
                    tally.rotations += 1
                    if !result.succeeded { tally.summary.fail("rotate --retire-old: \(result.outcome): \(OAuthText.shown(result.stderrText))") }
                }
            }
        }
        group.wait()

        var result = tally.value
        let verify = workspace.run(["verify"])
        if !verify.succeeded { result.summary.fail("verify after the soak: \(verify.outcome): \(OAuthText.shown(verify.stderrText))") }
        result.summary.notes = [
            "\(writers) writer processes at a time, \(writers * entriesPerWriter) entries, \(result.summary.cases) puts, \(result.reads) read-backs, \(result.rotations) rotations with --retire-old alongside",
        ]
        return result.summary
    }

    /// One writer: round after round over its entries, reading each back before writing it again.
    private func write(as writer: Int, in workspace: Workspace, tally: Locked<Tally>) {
        let entries = (0..<entriesPerWriter).map { "w\(writer)-e\($0)" }
        var last: [String: Set<String>] = [:]  // the values a read may find (two after a failed put)
        for round in 0...rounds {
            for entry in entries {
                if let expected = last[entry] {
                    let read = workspace.run(["token", "--name", entry])
                    let got = read.firstLine
                    tally.withLock { tally in
                        tally.reads += 1
                        if !read.succeeded {
                            tally.summary.fail("token --name \(entry): \(read.outcome): \(OAuthText.shown(read.stderrText))")
                            tally.summary.dataLost += 1
                        } else if !expected.contains(got) {
                            tally.summary.fail("\(entry) round \(round): an update was lost (the entry holds another value than the last written)")
                            tally.summary.dataLost += 1
                        }
                    }
                    if read.succeeded { last[entry] = [got] }
                }
                guard round < rounds else { continue }  // the last round only reads
                let value = "A21AA-soak-\(entry)-v\(round)-" + Secrets.randomHex(6)
                secrets.addToken(value)
                let put = workspace.run(["put", "--name", entry], stdin: tokenResponse(value))
                tally.withLock { tally in
                    tally.summary.cases += 1
                    if !put.succeeded { tally.summary.fail("put --name \(entry): \(put.outcome): \(OAuthText.shown(put.stderrText))") }
                }
                last[entry] = put.succeeded ? [value] : (last[entry] ?? []).union([value])
            }
        }
    }
}
