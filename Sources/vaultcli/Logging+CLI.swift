import Logging

extension Logger {
    /// vaultcli's logger: warnings and errors on standard error (for example a token that was
    /// fetched but could not be stored). TokenVault never logs secrets or tokens.
    static let cli: Logger = {
        var logger = Logger(label: "vaultcli") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return logger
    }()
}
