import Foundation

/// Check 4: every bit flip and every truncation of a format-2 vault, of an unprotected keyring
/// and of a passphrase-protected keyring, each given to `vaultcli verify` or `vaultcli key list`,
/// which must refuse it with a typed status (4 authentication failed, 5 unknown key, 7 malformed)
/// within its bound. QUICK samples every 17th bit and every 5th length.
struct TamperSweep {
    static let name = "tamper sweep"
    static let bound = 15.0
    /// The statuses that refuse a damaged file.
    static let refused: Set<Int32> = [4, 5, 7]

    let runner: CommandRunner
    let root: String
    let secrets: Secrets
    let quick: Bool

    /// A file to damage, the command that reads it, and where the damaged copy goes.
    struct Target: Sendable {
        var label: String
        var original: [UInt8]
        var isVault: Bool
        var arguments: [String]
        var protected: Bool
    }

    /// One damaged copy.
    struct Mutation: Sendable {
        var target: Int
        var bytes: [UInt8]
        var label: String
    }

    func run() -> CheckSummary {
        var summary = CheckSummary(name: Self.name, unit: "bit flips + truncations")
        let plain = Workspace(root: root, name: "tamper-plain", runner: runner, check: Self.name)
        var protected = Workspace(root: root, name: "tamper-protected", runner: runner, check: Self.name)
        protected.environment = secrets.passphraseEnvironment
        let passphraseOption = ["--passphrase-env", secrets.passphraseVariable]
        for workspace in [plain, protected] {
            let options = workspace.environment.isEmpty ? [] : passphraseOption
            guard workspace.run(["init"] + options).succeeded,
                  workspace.run(["put", "--name", "tamper"] + options, stdin: tokenResponse(newToken("a"))).succeeded,
                  workspace.run(["put", "--name", "second"] + options, stdin: tokenResponse(newToken("b"))).succeeded
            else {
                summary.fail("could not set up \(workspace.folder)")
                return summary
            }
        }
        let targets = [
            Target(label: "vault (format 2)", original: plain.read(plain.vaultPath)!, isVault: true, arguments: ["verify"], protected: false),
            Target(label: "keyring", original: plain.read(plain.keyringPath)!, isVault: false, arguments: ["key", "list"], protected: false),
            Target(label: "protected keyring", original: protected.read(protected.keyringPath)!, isVault: false,
                   arguments: ["key", "list"] + passphraseOption, protected: true),
        ]
        var mutations: [Mutation] = []
        for (index, target) in targets.enumerated() {
            let size = target.original.count
            for bit in stride(from: 0, to: size * 8, by: quick ? 17 : 1) {
                var bytes = target.original
                bytes[bit / 8] ^= 1 << UInt8(bit % 8)
                mutations.append(Mutation(target: index, bytes: bytes, label: "\(target.label): bit \(bit) (byte \(bit / 8)) flipped"))
            }
            for length in stride(from: 0, to: size, by: quick ? 5 : 1) {
                mutations.append(Mutation(target: index, bytes: Array(target.original[..<length]), label: "\(target.label): truncated to \(length) of \(size) bytes"))
            }
        }

        // Two workers, each with its own copy of both pairs of files.
        let (allMutations, sources) = (mutations, [plain, protected])
        let tally = Locked(summary)
        let statuses = Locked([String: Int]())
        parallel(workers: 2) { worker in
            let copies = sources.map { source -> Workspace in
                var copy = Workspace(root: root, name: "tamper-\(worker)-\(source.folder.split(separator: "-").last!)", runner: runner, check: Self.name)
                copy.environment = source.environment
                copy.write(copy.vaultPath, source.read(source.vaultPath)!)
                copy.write(copy.keyringPath, source.read(source.keyringPath)!)
                return copy
            }
            for mutation in allMutations.indices.filter({ $0 % 2 == worker }).map({ allMutations[$0] }) {
                let target = targets[mutation.target]
                let workspace = copies[target.protected ? 1 : 0]
                let path = target.isVault ? workspace.vaultPath : workspace.keyringPath
                workspace.write(path, mutation.bytes)
                let result = workspace.run(target.arguments, bound: Self.bound)
                workspace.write(path, target.original)
                statuses.withLock { $0["\(target.label) \(result.outcome)", default: 0] += 1 }
                tally.withLock { summary in
                    summary.cases += 1
                    if result.timedOut || !(result.exitStatus.map(Self.refused.contains) ?? false) {
                        summary.fail("\(mutation.label): \(result.outcome), expected a refusal (exit 4, 5 or 7)")
                    }
                }
            }
        }
        summary = tally.value
        summary.notes = ["outcomes: " + statuses.value.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")]
        return summary
    }

    private func newToken(_ label: String) -> String {
        let value = "A21AA-tamper-\(label)-" + Secrets.randomHex(8)
        secrets.addToken(value)
        return value
    }
}

/// Runs `body(worker)` on `workers` threads and waits for all of them.
func parallel(workers: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for worker in 0..<workers {
        group.enter()
        Thread.detachNewThread {
            body(worker)
            group.leave()
        }
    }
    group.wait()
}
