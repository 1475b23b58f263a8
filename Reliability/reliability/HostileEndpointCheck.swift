import Foundation
import Synchronization

/// Check 2: `vaultcli fetch` against every ``HostileCase`` with a valid token already stored for
/// the entry. Each run must end with the documented typed status within its bound, leave the
/// vault byte for byte as it was (so `vaultcli token` prints the same token), and write neither
/// the client secret in any encoding nor raw control characters.
struct HostileEndpointCheck {
    static let name = "hostile token endpoint"
    /// A run longer than this counts as hung (vaultcli gets `--timeout 5`).
    static let bound = 30.0

    let runner: CommandRunner
    let root: String
    let secrets: Secrets

    func run() -> CheckSummary {
        var summary = CheckSummary(name: Self.name, unit: "kinds of bad answer")
        let endpointBox = EndpointBox()
        let cases = HostileCase.catalogue { kind in endpointBox.url(kind) }
        let endpoint = HostileEndpoint(answers: Dictionary(uniqueKeysWithValues: cases.map { ($0.name, $0.answer) }))
        endpointBox.set(endpoint)

        let workspace = Workspace(root: root, name: "hostile", runner: runner, check: Self.name)
        let stored = "A21AA-stored-" + Secrets.randomHex(10)
        secrets.addToken(stored)
        secrets.addToken("A21AA-hostile-")  // every valid token the bad answers carry starts so
        guard workspace.run(["init"]).succeeded,
              workspace.run(["put", "--name", "svc"], stdin: tokenResponse(stored)).succeeded,
              let snapshot = workspace.read(workspace.vaultPath)
        else {
            summary.fail("could not set up the vault")
            return summary
        }

        var statuses: [String: Int] = [:]
        var slowest = (name: "", seconds: 0.0)
        for hostile in cases where hostile.name != HostileCase.redirectTarget {
            summary.cases += 1
            let result = workspace.run(
                ["fetch", "--name", "svc", "--token-url", endpoint.url(hostile.name), "--client-id", secrets.clientID,
                 "--client-secret-env", secrets.secretVariable, "--timeout", "5"],
                environment: secrets.clientEnvironment, bound: Self.bound)
            statuses[result.outcome, default: 0] += 1
            if result.seconds > slowest.seconds { slowest = (hostile.name, result.seconds) }
            var problems: [String] = []
            if result.timedOut {
                problems.append("did not finish within the \(Int(Self.bound)) s bound")
            } else if let status = result.exitStatus, hostile.expected.contains(status) {
            } else {
                problems.append("\(result.outcome), expected exit \(hostile.expected.sorted().map(String.init).joined(separator: " or "))")
            }
            if workspace.read(workspace.vaultPath) != snapshot {
                problems.append("the vault changed")
                summary.dataLost += 1
                workspace.write(workspace.vaultPath, snapshot)
            }
            let token = workspace.run(["token", "--name", "svc"])
            if token.firstLine != stored {
                problems.append("vaultcli token no longer prints the stored token (\(token.outcome))")
            }
            for secret in secrets.secretEncodings where result.stderr.contains(Array(secret.value.utf8)) || result.stdout.contains(Array(secret.value.utf8)) {
                problems.append("its output holds the \(secret.name)")
            }
            if let control = Self.rawControl(in: result.stderr + result.stdout) {
                problems.append("its output holds a raw control character (\(control))")
            }
            if result.stderr.count > 4096 {
                problems.append("it wrote \(result.stderr.count) bytes of server text to stderr")
            }
            if !problems.isEmpty {
                summary.fail("\(hostile.name): " + problems.joined(separator: "; ") + " — stderr: " + OAuthText.shown(result.stderrText))
            }
        }
        let followed = endpoint.hits(HostileCase.redirectTarget)
        if followed > 0 {
            summary.fail("a redirect was followed \(followed) times: the token request went to another URL")
        }
        summary.notes = [
            "outcomes: " + statuses.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "),
            "redirect target reached \(followed) times; longest run: \(slowest.name), \(String(format: "%.1f", slowest.seconds)) s (vaultcli --timeout 5)",
        ]
        return summary
    }

    /// The first byte that a terminal would act on (C0 but newline and tab, DEL, UTF-8 C1 and bidi overrides).
    static func rawControl(in bytes: [UInt8]) -> String? {
        for (index, byte) in bytes.enumerated() {
            if (byte < 0x20 && byte != 0x0a && byte != 0x09) || byte == 0x7f {
                return String(format: "0x%02x", byte)
            }
            if byte == 0xc2, index + 1 < bytes.count, (0x80...0x9f).contains(bytes[index + 1]) {
                return String(format: "U+00%02X", bytes[index + 1])
            }
            if byte == 0xe2, index + 2 < bytes.count, bytes[index + 1] == 0x80, (0xaa...0xae).contains(bytes[index + 2]) {
                return "a bidirectional override"
            }
        }
        return nil
    }
}

/// The endpoint, set once it exists, for the redirect cases that need its URL.
final class EndpointBox: Sendable {
    private let endpoint = Mutex<HostileEndpoint?>(nil)
    func set(_ endpoint: HostileEndpoint) { self.endpoint.withLock { $0 = endpoint } }
    func url(_ kind: String) -> String { endpoint.withLock { $0?.url(kind) } ?? "" }
}

/// Text shown in the harness's own report, with control characters escaped.
enum OAuthText {
    static func shown(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars.prefix(400) {
            if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
                result += scalar == "\n" ? " " : "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
