import Foundation
import TokenVault
import TokenVaultPostgres

/// vaultcli's exit statuses, documented in `vaultcli --help` and the README.
enum ExitStatus: Int32, Error, CaseIterable {
    case success = 0
    case failure = 1
    case notFound = 2
    case tokenExpired = 3
    case authenticationFailed = 4
    case unknownKey = 5
    case insecurePermissions = 6
    case malformed = 7
    case refused = 8
    case credentialsRejected = 9
    case endpointUnreachable = 10
    case endpointError = 11
    case storeUnavailable = 12
    case usage = 64

    var meaning: String {
        switch self {
        case .success: "success"
        case .failure: "other failure (I/O error, unset environment variable, empty secret file, ...)"
        case .notFound: "vault, keyring, its folder, file, entry or key not found"
        case .tokenExpired: "the stored token has expired"
        case .authenticationFailed: "authentication failed: file tampered with, wrong key or wrong passphrase"
        case .unknownKey: "the vault is sealed with a key the keyring does not hold"
        case .insecurePermissions: "key material readable by group or others"
        case .malformed: "truncated or malformed file, or unsupported format version"
        case .refused: "refused: the file exists already, or the operation is unsafe"
        case .credentialsRejected: "the token endpoint rejected the client credentials"
        case .endpointUnreachable: "the token endpoint could not be reached (or timed out)"
        case .endpointError: "the token endpoint gave an error or an invalid token response"
        case .storeUnavailable: "the token store could not be used in time: PostgreSQL unreachable or refusing, or a refresh lock held too long"
        case .usage: "usage error"
        }
    }

    static var table: String {
        "EXIT STATUS:\n" + allCases.map { "  \(String($0.rawValue).padding(toLength: 4, withPad: " ", startingAt: 0))\($0.meaning)" }
            .joined(separator: "\n")
    }

    /// The status for a TokenVault error; `nil` for errors ArgumentParser reports itself.
    init?(for error: any Error) {
        switch error {
        case let error as VaultError:
            switch error.code {
            case .fileNotFound, .entryNotFound, .keyNotFound: self = .notFound
            case .alreadyExists, .keyInUse: self = .refused
            case .authenticationFailed, .passphraseRequired: self = .authenticationFailed
            case .unknownKeyID: self = .unknownKey
            case .unsupportedFormatVersion, .malformed: self = .malformed
            case .insecurePermissions: self = .insecurePermissions
            case .lockTimeout: self = .storeUnavailable
            case .secretUnavailable, .tooLarge, .io: self = .failure
            default: self = .failure  // a code added later: list it above
            }
        case let error as OAuthError:
            self = error.isCredentialsRejected ? .credentialsRejected : error.isUnreachable ? .endpointUnreachable : .endpointError
        case let error as PostgresStoreError:
            switch error.code {
            case .invalidURL: self = .usage
            case .misplacedRow: self = .authenticationFailed
            case .conflict: self = .failure
            default: self = .storeUnavailable
            }
        case is CLIError:
            self = .failure
        default:
            return nil
        }
    }
}

/// A failure of the command itself, with a message for the user.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
