/// The parsers `make reliability` fuzzes with libFuzzer: each takes any bytes, must never crash,
/// and checks rules on what it parsed (round trips through the writer, and for tokens an
/// independent statement of RFC 6749 and RFC 6750).
enum FuzzTarget: String, CaseIterable, Sendable {
    /// `VaultFile.open` and the entry table (docs/FORMAT.md), format 1 and 2.
    case vault
    /// `KeyringFile.decode`, unprotected and passphrase-sealed, format 1 and 2.
    case keyring
    /// `TokenResponse.token`: a token endpoint's status, Content-Type and body.
    case tokenResponse = "token-response"

    /// Runs one input; a broken rule ends the process (libFuzzer keeps the input as a crash).
    /// - Returns: Whether the parser accepted the input.
    @discardableResult
    func run(_ input: [UInt8]) -> Bool {
        switch self {
        case .vault: VaultFuzz.run(input)
        case .keyring: KeyringFuzz.run(input)
        case .tokenResponse: TokenResponseFuzz.run(input)
        }
    }
}

/// Ends the process when a rule the parser must keep does not hold (libFuzzer then saves the input).
func expect(_ condition: @autoclosure () -> Bool, _ rule: String) {
    if !condition() { fatalError("fuzz rule broken: \(rule)") }
}
