import ExampleTokenServer
import Foundation

/// Check 1: SIGKILLs across `vaultcli put`, `fetch` and `rotate`, at the library's named crash
/// points (``CrashPoint`` in TokenVault, armed through `TOKENVAULT_CRASH_POINT`) and at random
/// instants. After every kill the vault and keyring must open, and every entry must hold its last
/// completed value (or, for the entry being written, the value before).
struct CrashInjection {
    static let name = "crash injection"

    /// What a run does to the vault.
    enum Operation: String, Sendable {
        case put, fetch, rotate
    }

    /// One planned run: an operation, killed at a named point or at a random instant.
    struct Plan {
        var operation: Operation
        var crashPoint: String?
        var skip = 0
        var retireOld = false

        var label: String {
            let point = crashPoint.map { "\($0)\(skip > 0 ? " #\(skip + 1)" : "")" } ?? "random instant"
            return "\(operation.rawValue)\(retireOld ? " --retire-old" : "") killed at \(point)"
        }
    }

    /// The named crash points each operation reaches, in the order it reaches them.
    static let namedPlans: [Plan] = [
        Plan(operation: .put, crashPoint: "after-temp-fsync"),
        Plan(operation: .put, crashPoint: "after-rename"),
        Plan(operation: .fetch, crashPoint: "after-temp-fsync"),
        Plan(operation: .fetch, crashPoint: "after-rename"),
        Plan(operation: .rotate, crashPoint: "after-temp-fsync", skip: 0),  // the keyring with the new key
        Plan(operation: .rotate, crashPoint: "after-rename", skip: 0),
        Plan(operation: .rotate, crashPoint: "after-keyring-write"),  // keyring durable, no vault re-sealed
        Plan(operation: .rotate, crashPoint: "after-temp-fsync", skip: 1),  // the re-sealed vault
        Plan(operation: .rotate, crashPoint: "after-rename", skip: 1),
        Plan(operation: .rotate, crashPoint: "after-keyring-write", retireOld: true),
        Plan(operation: .rotate, crashPoint: "after-temp-fsync", skip: 2, retireOld: true),  // the keyring without old keys
        Plan(operation: .rotate, crashPoint: "after-rename", skip: 2, retireOld: true),
    ]
    static let randomOperations: [Operation] = [.put, .fetch, .put, .rotate]

    let runner: CommandRunner
    let root: String
    let secrets: Secrets
    let server: ExampleTokenServer
    /// SIGKILLs to deliver (the loop also stops after three times as many runs).
    let targetKills: Int

    private var putEntries: [String] { (0..<4).map { "p\($0)" } }
    private var fetchEntries: [String] { ["f0", "f1"] }

    func run() -> CheckSummary {
        var summary = CheckSummary(name: Self.name, unit: "SIGKILLs")
        let workspace = Workspace(root: root, name: "crash", runner: runner, check: Self.name)
        var model: [String: String] = [:]  // entry -> its last completed value

        guard workspace.run(["init"]).succeeded else {
            summary.fail("vaultcli init failed")
            return summary
        }
        for entry in putEntries {
            let value = newToken(entry)
            _ = workspace.run(["put", "--name", entry], stdin: tokenResponse(value))
            model[entry] = value
        }
        for entry in fetchEntries {
            _ = workspace.run(fetchArguments(entry), environment: secrets.clientEnvironment)
            model[entry] = readToken(entry, in: workspace)
        }

        // Calibrate: the median of three whole runs of each operation, here, now. Kill instants are
        // drawn from [0, window); each window adapts so that about two thirds of random runs are killed.
        var windows: [Operation: Double] = [:]
        for operation in [Operation.put, .fetch, .rotate] {
            var durations: [Double] = []
            for _ in 0..<3 {
                let result = execute(Plan(operation: operation), in: workspace, model: &model, killAfter: nil).result
                durations.append(result.seconds)
            }
            windows[operation] = durations.sorted()[1] * 1.2
        }

        var namedFired = 0, namedMissed = 0, randomKills = 0, randomCompleted = 0, insideWrite = 0
        var iteration = 0
        var generator = SystemRandomNumberGenerator()
        while summary.cases < targetKills && iteration < targetKills * 3 {
            defer { iteration += 1 }
            let named = iteration % 2 == 0
            let plan = named
                ? Self.namedPlans[(iteration / 2) % Self.namedPlans.count]
                : Plan(operation: Self.randomOperations[(iteration / 2) % Self.randomOperations.count])
            let killAfter = named ? nil : Double.random(in: 0..<windows[plan.operation]!, using: &generator)

            let before = (vault: workspace.read(workspace.vaultPath), keyring: workspace.read(workspace.keyringPath),
                          temporaries: workspace.temporaryFiles())
            let executed = execute(plan, in: workspace, model: &model, killAfter: killAfter)
            let result = executed.result
            let killed = result.killedBySIGKILL

            if named {
                if killed {
                    namedFired += 1
                    summary.cases += 1
                    insideWrite += 1
                } else {
                    namedMissed += 1
                    summary.fail("\(plan.label): the crash point did not fire (\(result.outcome))")
                }
            } else if killed {
                randomKills += 1
                summary.cases += 1
                let changed = workspace.read(workspace.vaultPath) != before.vault || workspace.read(workspace.keyringPath) != before.keyring
                if !workspace.temporaryFiles().subtracting(before.temporaries).isEmpty || changed { insideWrite += 1 }
                windows[plan.operation]! *= 1.05
            } else {
                randomCompleted += 1
                windows[plan.operation]! *= 0.9
            }
            if !killed && !result.succeeded {
                summary.fail("\(plan.label): \(plan.operation.rawValue) failed by itself with \(result.outcome): \(result.stderrText.prefix(200))")
            }

            // The vault and keyring must open, and the values must be the last completed ones.
            let verify = workspace.run(["verify"])
            if !verify.succeeded {
                summary.fail("after \(plan.label) (iteration \(iteration)): verify \(verify.outcome): \(verify.stderrText.prefix(200))")
                summary.dataLost += model.count
                break  // nothing more can be learned from an unopenable vault
            }
            if plan.operation == .rotate {
                let keys = workspace.run(["key", "list"])
                if !keys.succeeded {
                    summary.fail("after \(plan.label): key list \(keys.outcome): \(keys.stderrText.prefix(200))")
                }
            }
            let checked = plan.operation == .rotate || iteration % 25 == 0 ? putEntries + fetchEntries : [executed.entry!]
            for entry in checked {
                let got = readToken(entry, in: workspace)
                let previous = model[entry]!
                if entry == executed.entry, let outcome = judge(plan, executed: executed, got: got, previous: previous, killed: killed) {
                    summary.fail("iteration \(iteration), \(plan.label), entry \(entry): \(outcome)")
                    if outcome.hasPrefix("lost") { summary.dataLost += 1 }
                } else if entry != executed.entry, got != previous {
                    summary.fail("iteration \(iteration), \(plan.label): entry \(entry) changed although it was not written (\(got == nil ? "unreadable" : "another value"))")
                    summary.dataLost += 1
                }
                if let got { model[entry] = got }
            }
        }
        let leftovers = workspace.temporaryFiles().count
        summary.notes = [
            "\(namedFired) at named crash points (after-temp-fsync, after-rename, after-keyring-write), \(randomKills) at random instants (\(randomCompleted) random runs finished first)",
            "\(insideWrite) kills landed inside a write (crash point fired, a temp file was left, or a file was replaced before the kill)",
            "\(leftovers) temporary files left at the end (removed by the next writer of that file)",
        ]
        if namedMissed > 0 { summary.notes.append("\(namedMissed) named crash points did not fire") }
        return summary
    }

    /// What one run did.
    struct Executed {
        var result: CommandResult
        /// The entry written (put, fetch), `nil` for rotate.
        var entry: String?
        /// The value put wrote.
        var putValue: String?
    }

    private func execute(_ plan: Plan, in workspace: Workspace, model: inout [String: String], killAfter: Double?) -> Executed {
        var environment: [String: String] = [:]
        if let point = plan.crashPoint {
            environment["TOKENVAULT_CRASH_POINT"] = point
            environment["TOKENVAULT_CRASH_POINT_SKIP"] = String(plan.skip)
        }
        switch plan.operation {
        case .put:
            let entry = putEntries.randomElement()!
            let value = newToken(entry)
            let result = workspace.run(["put", "--name", entry], stdin: tokenResponse(value), environment: environment, killAfter: killAfter)
            if killAfter == nil && plan.crashPoint == nil && result.succeeded { model[entry] = value }
            return Executed(result: result, entry: entry, putValue: value)
        case .fetch:
            let entry = fetchEntries.randomElement()!
            environment.merge(secrets.clientEnvironment) { $1 }
            let result = workspace.run(fetchArguments(entry), environment: environment, killAfter: killAfter)
            if killAfter == nil && plan.crashPoint == nil, let value = readToken(entry, in: workspace) { model[entry] = value }
            return Executed(result: result, entry: entry)
        case .rotate:
            let arguments = ["rotate"] + (plan.retireOld ? ["--retire-old"] : [])
            return Executed(result: workspace.run(arguments, environment: environment, killAfter: killAfter), entry: nil)
        }
    }

    /// A description of what is wrong with `got` for the entry the run wrote, or `nil`.
    private func judge(_ plan: Plan, executed: Executed, got: String?, previous: String, killed: Bool) -> String? {
        guard let got else { return "lost: the entry no longer reads (\(plan.operation.rawValue) \(killed ? "killed" : "completed"))" }
        let isNew: Bool
        switch plan.operation {
        case .put:
            if got != previous && got != executed.putValue { return "lost: the entry holds neither the previous value nor the new one" }
            isNew = got == executed.putValue
        case .fetch:
            isNew = got != previous
            if isNew && LoopbackHTTP.status(port: server.port, path: server.protectedURL.replacingOccurrences(of: server.baseURL, with: ""), bearer: got) != 200 {
                return "lost: the entry holds a token the endpoint never issued"
            }
        case .rotate:
            return got == previous ? nil : "lost: rotate changed the entry's value"
        }
        if !killed && !isNew { return "lost: a completed \(plan.operation.rawValue) is not in the vault" }
        if plan.crashPoint == "after-rename" && !isNew { return "lost: killed after the rename, but the old value is read" }
        if plan.crashPoint == "after-temp-fsync" && isNew { return "killed before the rename, but the new value is read" }
        return nil
    }

    private func fetchArguments(_ entry: String) -> [String] {
        ["fetch", "--name", entry, "--token-url", server.tokenURL, "--client-id", secrets.clientID,
         "--client-secret-env", secrets.secretVariable, "--timeout", "10"]
    }

    /// The stored access token of `entry`, through `vaultcli token`, or `nil` when it does not read.
    private func readToken(_ entry: String, in workspace: Workspace) -> String? {
        let result = workspace.run(["token", "--name", entry])
        guard result.succeeded else { return nil }
        secrets.addToken(result.firstLine)
        return result.firstLine
    }

    private func newToken(_ entry: String) -> String {
        let value = "A21AA-crash-\(entry)-" + Secrets.randomHex(10)
        secrets.addToken(value)
        return value
    }
}
