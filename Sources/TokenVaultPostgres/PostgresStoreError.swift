import PostgresNIO
import TokenVault

/// A failure of ``PostgresVault`` or ``PostgresTokenStore``.
///
/// Messages name what failed and, for a server error, PostgreSQL's SQLSTATE and message; they
/// never hold a password, a token or sealed bytes.
public struct PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        /// The `postgres://` URL is malformed or names an unsupported parameter.
        public static let invalidURL = Code(rawValue: "invalid URL")
        /// PostgreSQL could not be reached, or closed the connection.
        public static let unreachable = Code(rawValue: "unreachable")
        /// An operation did not finish within the store's operation timeout.
        public static let timeout = Code(rawValue: "timeout")
        /// Another holder kept the entry's refresh lock longer than the lock timeout.
        public static let lockTimeout = Code(rawValue: "refresh lock timeout")
        /// Concurrent writers changed the entry at every attempt to write it.
        public static let conflict = Code(rawValue: "write conflict")
        /// The server refused a statement.
        public static let server = Code(rawValue: "server error")
        /// A row holds sealed bytes of another entry (moved by someone with write access).
        public static let misplacedRow = Code(rawValue: "misplaced row")

        public var description: String { rawValue }
    }

    /// What kind of failure.
    public var code: Code
    /// What failed, for people.
    public var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "PostgreSQL store: \(message)" }

    /// `error` as a store error when it comes from PostgresNIO, else `error` itself (a
    /// ``VaultError`` of a row that does not open stays one). PostgresNIO's errors keep only
    /// their SQLSTATE and server message: their full text can hold the query's bound values.
    static func wrapping(_ error: any Error, doing what: String) -> any Error {
        switch error {
        case let error as PSQLError:
            if let state = error.serverInfo?[.sqlState] {
                let message = error.serverInfo?[.message] ?? "no message"
                if state == "55P03" {
                    return PostgresStoreError(.lockTimeout, "\(what): the refresh lock stayed taken (\(message))")
                }
                return PostgresStoreError(.server, "\(what): SQLSTATE \(state): \(message)")
            }
            return PostgresStoreError(.unreachable, "\(what): \(error.code)")
        case is CancellationError:
            return PostgresStoreError(.timeout, "\(what): cancelled")
        case is PostgresDecodingError:
            return PostgresStoreError(.server, "\(what): the table does not have the expected columns")
        case is PostgresStoreError, is VaultError:
            return error
        default:
            return PostgresStoreError(.unreachable, "\(what): \(type(of: error))")
        }
    }
}
