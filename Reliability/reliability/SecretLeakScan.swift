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
        let tokens = TokenIndex(secrets.allTokens)
        // Self-test: a planted token and a planted secret must be found.
        if let probe = secrets.allTokens.first(where: { $0.utf8.count >= 8 }), !tokens.occurs(in: Array("log: \(probe)!".utf8)) {
            summary.fail("self-test: the scan missed a planted access token")
        }
        if !Array("x \(secrets.secretEncodings[3].value) y".utf8).contains(fixed[3].bytes) {
            summary.fail("self-test: the scan missed a planted secret")
        }
        for record in records {
            summary.cases += 1
            let command = "vaultcli " + (record.arguments.first ?? "")
            for (stream, bytes) in [("stdout", record.stdout), ("stderr", record.stderr)] where !bytes.isEmpty {
                for secret in fixed where bytes.contains(secret.bytes) {
                    summary.fail("\(record.check): \(command) \(stream) holds the \(secret.name)")
                }
                if stream == "stdout" && record.stdoutMayHoldToken { continue }
                if tokens.occurs(in: bytes) {
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

/// The access tokens to look for, indexed by their first 8 bytes (every token is at least that
/// long), so that each output is scanned once however many tokens there are.
struct TokenIndex {
    private var byPrefix: [UInt64: [[UInt8]]] = [:]
    let count: Int

    init(_ tokens: Set<String>) {
        count = tokens.count
        for token in tokens where token.utf8.count >= 8 {
            let bytes = Array(token.utf8)
            byPrefix[Self.key(bytes, at: 0), default: []].append(bytes)
        }
    }

    /// Whether any token occurs in `bytes`.
    func occurs(in bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        for start in 0...(bytes.count - 8) {
            guard let candidates = byPrefix[Self.key(bytes, at: start)] else { continue }
            for token in candidates where start + token.count <= bytes.count
                && bytes[start..<(start + token.count)].elementsEqual(token) {
                return true
            }
        }
        return false
    }

    private static func key(_ bytes: [UInt8], at start: Int) -> UInt64 {
        var key: UInt64 = 0
        for index in start..<(start + 8) { key = key << 8 | UInt64(bytes[index]) }
        return key
    }
}
