/// Check 5: every command's standard output and standard error, captured during the whole run,
/// searched for the client secret (raw, form-encoded, base64, HTTP Basic), the passphrase, and
/// every access token the run handled, except the token that `vaultcli token` prints on stdout.
struct SecretLeakScan {
    static let name = "secret-leak scan"

    let ledger: OutputLedger
    let secrets: Secrets

    func run() -> CheckSummary {
        var summary = CheckSummary(name: Self.name, unit: "outputs scanned")
        let records = ledger.all
        let fixed = secrets.secretEncodings.map { (name: $0.name, bytes: Array($0.value.utf8)) }
        let tokens = secrets.allTokens.map { Array($0.utf8) }
        for record in records {
            summary.cases += 1
            let command = "vaultcli " + (record.arguments.first ?? "")
            for (stream, bytes) in [("stdout", record.stdout), ("stderr", record.stderr)] where !bytes.isEmpty {
                for secret in fixed where bytes.contains(secret.bytes) {
                    summary.fail("\(record.check): \(command) \(stream) holds the \(secret.name)")
                }
                if stream == "stdout" && record.stdoutMayHoldToken { continue }
                if tokens.contains(where: { bytes.contains($0) }) {
                    summary.fail("\(record.check): \(command) \(stream) holds an access token")
                }
            }
        }
        summary.notes = ["\(records.count) commands, \(fixed.count) secret encodings and \(tokens.count) access tokens looked for"]
        return summary
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in these bytes.
    func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        let first = needle[0]
        var index = 0
        while let start = self[index...].firstIndex(of: first) {
            if start + needle.count > count { return false }
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
            index = start + 1
        }
        return false
    }
}
