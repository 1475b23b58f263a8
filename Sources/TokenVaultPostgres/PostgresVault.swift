import Foundation
import Logging
import PostgresNIO
import Synchronization
import TokenVault

/// A vault kept in PostgreSQL: one row per entry, each sealed in the vault file's format
/// (docs/FORMAT.md, format 2) with a key of a ``Keyring`` that stays with the service. The
/// database holds sealed bytes only; reading it without the keyring reveals no token.
///
/// The rows live in the table `tokenvault_entries`, created when missing:
///
/// | column | type | |
/// |---|---|---|
/// | `vault` | `text` | the vault's name; several vaults share the table |
/// | `entry` | `text` | the entry's name |
/// | `sealed` | `bytea` | a vault file holding this one entry |
/// | `generation` | `bigint` | the server's clock (µs) when inserted, +1 at each write |
/// | `updated_at` | `timestamptz` | the server's time of the last write |
///
/// Writes are compare-and-swap on `generation`: a writer that read an older row starts again
/// from the newer one, so no update is lost and none is overwritten by a stale writer.
///
/// Every operation is bounded by `operationTimeout`, whether PostgreSQL answers or not.
/// Give the vault to a ``PostgresTokenStore``; run its `client` (`PostgresClient.run()`) in a
/// task or a `ServiceGroup` for as long as the vault is used.
public final class PostgresVault: Sendable {
    /// The connection pool.
    public let client: PostgresClient
    /// The vault's name: its rows are those with this `vault` value.
    public let name: String
    /// The keyring whose keys seal the rows.
    public let keyring: Keyring
    /// The longest any one operation may take, waiting for a connection included.
    public let operationTimeout: Duration
    /// How long an entry's refresh lock outlives a holder that stopped or vanished (a live
    /// holder keeps it with a statement every third of this), and the longest a replica waits
    /// for it: keep it above the manager's `fetchTimeout`, the longest a live holder needs.
    public let refreshLockTimeout: Duration
    let logger: Logger
    private let tableReady = Mutex(false)

    static let table = "tokenvault_entries"

    /// A vault named `name` reached through `client`.
    ///
    /// - Parameters:
    ///   - client: The pool; the caller runs it.
    ///   - name: The vault's name (rows of other names are not touched).
    ///   - keyring: The keyring whose keys seal and open the rows.
    ///   - operationTimeout: The bound on each read, write and lock attempt (10 s by default).
    ///   - refreshLockTimeout: The bound on holding and waiting for a refresh lock (90 s by
    ///     default, above the 60 s default fetch deadline of ``ClientCredentialsAuthManager``).
    ///   - logger: Where to log; nothing by default. Tokens are never logged.
    public init(
        client: PostgresClient, name: String = "default", keyring: Keyring,
        operationTimeout: Duration = .seconds(10), refreshLockTimeout: Duration = .seconds(90),
        logger: Logger = Logger(label: "tokenvault", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.client = client
        self.name = name
        self.keyring = keyring
        self.operationTimeout = operationTimeout
        self.refreshLockTimeout = refreshLockTimeout
        self.logger = logger
    }

    /// A row: an entry's sealed bytes and their generation.
    struct Row: Sendable {
        var entry: String
        var sealed: [UInt8]
        var generation: Int64
    }

    /// An entry as stored, with the id of the key that seals it.
    package struct Stored: Sendable {
        package init(entry: VaultEntry, keyID: String) {
            self.entry = entry
            self.keyID = keyID
        }

        package var entry: VaultEntry
        package var keyID: String
    }

    /// Where an entry is, for messages (no host, no credentials).
    package func location(of entry: String) -> String { "postgres vault \(name), entry \(entry)" }

    // MARK: - Reading

    /// The entry `entry`, or `nil` when the vault has none.
    package func entry(named entry: String) async throws -> Stored? {
        do {
            return try await row(named: entry).map(open)
        } catch let error as VaultError where error.code == .unknownKeyID {
            // A rotation may have re-sealed the row and retired its key after it was read.
            return try await row(named: entry).map(open)
        }
    }

    /// Every entry, by name.
    package func entries() async throws -> [String: Stored] {
        try await prepare()
        let name = name
        let rows = try await bounded("reading vault \(name)") { [client, logger] in
            var rows: [Row] = []
            let query: PostgresQuery = "SELECT entry, sealed, generation FROM tokenvault_entries WHERE vault = \(name) ORDER BY entry"
            for try await (entry, sealed, generation) in try await client.query(query, logger: logger).decode((String, ByteBuffer, Int64).self) {
                rows.append(Row(entry: entry, sealed: Array(sealed.readableBytesView), generation: generation))
            }
            return rows
        }
        var entries: [String: Stored] = [:]
        for row in rows { entries[row.entry] = try open(row) }
        return entries
    }

    func row(named entry: String) async throws -> Row? {
        try await prepare()
        let name = name
        return try await bounded("reading \(location(of: entry))") { [client, logger] in
            let query: PostgresQuery = "SELECT sealed, generation FROM tokenvault_entries WHERE vault = \(name) AND entry = \(entry)"
            for try await (sealed, generation) in try await client.query(query, logger: logger).decode((ByteBuffer, Int64).self) {
                return Row(entry: entry, sealed: Array(sealed.readableBytesView), generation: generation)
            }
            return nil
        }
    }

    /// Opens a row with the keyring; the row must hold its own entry.
    func open(_ row: Row) throws -> Stored {
        let where_ = location(of: row.entry)
        let opened = try VaultFile.open(row.sealed, path: where_, keyringPath: keyring.path) { try keyring.key(id: $0) }
        guard let entry = try opened.table.entry(named: row.entry) else {
            throw PostgresStoreError(.misplacedRow, "\(where_) holds sealed bytes of another entry")
        }
        return Stored(entry: entry, keyID: opened.keyID)
    }

    // MARK: - Writing

    /// Reads the entry, lets `change` decide its new value, and writes that sealed with the
    /// keyring's primary key if the row has not changed since it was read; otherwise starts
    /// again from the newer row.
    ///
    /// - Parameter change: Given the stored entry (or `nil`), returns the entry to write, or
    ///   `nil` to write nothing.
    /// - Returns: Whether a row was written.
    @discardableResult
    package func update(entry: String, _ change: (Stored?) throws -> VaultEntry?) async throws -> Bool {
        for attempt in 0..<64 {
            if attempt > 0 {
                // Another writer won the last round: wait a random moment, so that writers in a
                // tight loop do not keep colliding, and read the newer row.
                try await Task.sleep(for: .microseconds(Int.random(in: 0...(1000 << min(attempt, 6)))))
            }
            let row = try await row(named: entry)
            guard let new = try change(try row.map(open)) else { return false }
            let primary = try keyring.load().primary
            var plaintext = EntryTable.encode([entry: new])
            defer { plaintext.cleanse() }
            let sealed = try VaultFile.seal(plaintext, keyID: primary.id, key: primary.key)
            if try await compareAndSwap(entry: entry, expected: row?.generation, sealed: sealed) { return true }
            logger.debug("the row changed while it was written; reading it again", metadata: ["vault.entry": "\(entry)"])
        }
        throw PostgresStoreError(.conflict, "\(location(of: entry)): other writers changed it at every attempt")
    }

    /// Writes `sealed` as the row's new value if its generation is still `expected` (`nil`: if
    /// there is no row yet). A new row's generation is the server's clock in microseconds, not 1:
    /// a writer that read a row since deleted cannot match the row inserted in its place.
    private func compareAndSwap(entry: String, expected: Int64?, sealed: [UInt8]) async throws -> Bool {
        let name = name
        return try await bounded("writing \(location(of: entry))") { [client, logger] in
            let bytes = ByteBuffer(bytes: sealed)
            let query: PostgresQuery
            if let expected {
                query = """
                    UPDATE tokenvault_entries SET sealed = \(bytes), generation = generation + 1, updated_at = now()
                    WHERE vault = \(name) AND entry = \(entry) AND generation = \(expected) RETURNING generation
                    """
            } else {
                query = """
                    INSERT INTO tokenvault_entries (vault, entry, sealed, generation, updated_at)
                    VALUES (\(name), \(entry), \(bytes), (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, now())
                    ON CONFLICT (vault, entry) DO NOTHING RETURNING generation
                    """
            }
            for try await _ in try await client.query(query, logger: logger) { return true }
            return false
        }
    }

    /// Deletes the entry `entry`.
    /// - Returns: Whether there was one.
    @discardableResult
    package func remove(entry: String) async throws -> Bool {
        try await prepare()
        let name = name
        return try await bounded("removing \(location(of: entry))") { [client, logger] in
            let query: PostgresQuery = "DELETE FROM tokenvault_entries WHERE vault = \(name) AND entry = \(entry) RETURNING generation"
            for try await _ in try await client.query(query, logger: logger) { return true }
            return false
        }
    }

    /// Re-seals every row not sealed with the keyring's primary key (a rotation's second step).
    /// - Returns: The names of the entries re-sealed.
    package func resealWithPrimaryKey() async throws -> [String] {
        var resealed: [String] = []
        for name in try await entries().keys.sorted() {
            let primaryID = try keyring.load().primary.id
            let written = try await update(entry: name) { stored in
                guard let stored, stored.keyID != primaryID else { return nil }
                return stored.entry
            }
            if written { resealed.append(name) }
        }
        return resealed
    }

    // MARK: - The refresh lock

    /// Runs `body` holding the entry's refresh lock: a transaction-scoped advisory lock on a
    /// connection of its own, whose transaction the server ends after `refreshLockTimeout` of
    /// idleness (`idle_in_transaction_session_timeout`), so that a holder whose host vanished or
    /// stopped frees the lock within that bound even while its TCP connection looks open.
    ///
    /// - Parameter wait: Wait up to `refreshLockTimeout` for another holder, or return `nil` at
    ///   once when the lock is taken.
    /// - Returns: What `body` returned, or `nil` when `wait` is `false` and the lock is taken.
    package func withRefreshLock<T>(entry: String, wait: Bool, _ body: () async throws -> T) async throws -> T? {
        try await prepare()
        let what = "taking the refresh lock of \(location(of: entry))"
        // The longest the lock may take: a connection, then (waiting) the bound and a second.
        let bound = operationTimeout + (wait ? refreshLockTimeout + .seconds(1) : .zero)
        let (outcomes, outcome) = AsyncStream<RefreshLockOutcome>.makeStream()
        let (releases, release) = AsyncStream<Never>.makeStream()
        let holder = Task { [client, logger, name, refreshLockTimeout] in
            do {
                try await client.withConnection { connection in
                    try await Self.lock(
                        on: connection, key: "tokenvault/\(name)/\(entry)", wait: wait,
                        holdFor: refreshLockTimeout, statementTimeout: bound,
                        outcome: outcome, releases: releases, logger: logger)
                }
            } catch {
                outcome.yield(.failed(PostgresStoreError.wrapping(error, doing: what)))
            }
            outcome.finish()
        }
        let timer = Task {
            try await Task.sleep(for: bound)
            outcome.yield(.timedOut)
        }
        defer {
            release.finish()  // the holder commits, which releases the lock; nobody waits for it
            timer.cancel()
        }
        var iterator = outcomes.makeAsyncIterator()
        switch await iterator.next() ?? .timedOut {
        case .locked:
            timer.cancel()
            return try await body()
        case .busy:
            return nil
        case .failed(let error):
            throw error
        case .timedOut:
            holder.cancel()
            throw PostgresStoreError(.timeout, "\(what): no answer within the bound")
        }
    }

    private enum RefreshLockOutcome: Sendable {
        case locked, busy, timedOut
        case failed(any Error)
    }

    private static func lock(
        on connection: PostgresConnection, key: String, wait: Bool, holdFor: Duration, statementTimeout: Duration,
        outcome: AsyncStream<RefreshLockOutcome>.Continuation, releases: AsyncStream<Never>, logger: Logger
    ) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            // A waiter gives up a second after a vanished holder's transaction must have ended.
            let idle = String(holdFor.milliseconds), lockWait = String((holdFor + .seconds(1)).milliseconds), statement = String(statementTimeout.milliseconds)
            try await connection.query(
                """
                SELECT set_config('idle_in_transaction_session_timeout', \(idle), true),
                       set_config('lock_timeout', \(lockWait), true), set_config('statement_timeout', \(statement), true)
                """, logger: logger)
            var taken = true
            if wait {
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
            } else {
                for try await free in try await connection.query(
                    "SELECT pg_try_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger
                ).decode(Bool.self) {
                    taken = free
                }
            }
            guard taken else {
                try await connection.query("ROLLBACK", logger: logger)
                outcome.yield(.busy)
                return
            }
            outcome.yield(.locked)
            // While the body runs, a statement every third of the bound keeps the transaction
            // from counting as idle: only a holder that stopped or vanished loses the lock.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { for await _ in releases {} }
                group.addTask {
                    while true {
                        try await Task.sleep(for: holdFor / 3)
                        try await connection.query("SELECT 1", logger: logger)
                    }
                }
                _ = try await group.next()  // the release (or a failed heartbeat)
                group.cancelAll()
            }
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        do {
            try await connection.query("COMMIT", logger: logger)
        } catch {
            // The server ended the transaction (the lock is gone either way); a connection in
            // an unknown state does not go back to the pool.
            try? await connection.close()
        }
    }

    // MARK: - The table

    /// Creates the table when missing, once per process; concurrent creators are serialized by
    /// an advisory lock (two `CREATE TABLE IF NOT EXISTS` at once can both try to create it).
    package func prepare() async throws {
        if tableReady.withLock({ $0 }) { return }
        try await bounded("creating table \(Self.table)") { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended('tokenvault/schema', 0))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS tokenvault_entries (
                        vault text NOT NULL,
                        entry text NOT NULL,
                        sealed bytea NOT NULL,
                        generation bigint NOT NULL,
                        updated_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (vault, entry))
                    """, logger: logger)
            }
        }
        tableReady.withLock { $0 = true }
    }

    // MARK: - Bounds

    /// Runs `operation`, failing with a `timeout` error when it has not finished within
    /// `operationTimeout`. On timeout the operation is cancelled and left to end on its own
    /// (PostgresNIO does not abandon a query in flight), so the caller is never held longer.
    func bounded<R: Sendable>(_ what: String, _ operation: @escaping @Sendable () async throws -> R) async throws -> R {
        let race = Race<R>()
        let timeout = operationTimeout
        return try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            let work = Task {
                let result: Result<R, any Error>
                do { result = .success(try await operation()) } catch { result = .failure(PostgresStoreError.wrapping(error, doing: what)) }
                race.finish(result)
            }
            race.whenTimedOut { work.cancel() }
            race.timer(Task {
                try await Task.sleep(for: timeout)
                race.finish(.failure(PostgresStoreError(.timeout, "\(what): no answer within \(timeout)")))
            })
        }
    }
}

/// The first of an operation and its timer to finish resumes the caller; the other is
/// cancelled (the timer always, the operation when the timer won).
private final class Race<R: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<R, any Error>?
        var cancelWork: (@Sendable () -> Void)?
        var timer: Task<Void, any Error>?
        var finished = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<R, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func whenTimedOut(_ cancel: @escaping @Sendable () -> Void) {
        state.withLock { $0.cancelWork = cancel }
    }

    func timer(_ timer: Task<Void, any Error>) {
        let finished = state.withLock { state in
            state.timer = timer
            return state.finished
        }
        if finished { timer.cancel() }
    }

    func finish(_ result: Result<R, any Error>) {
        let (continuation, cancelWork, timer) = state.withLock { state in
            defer { state = State(finished: true) }
            return (state.continuation, state.cancelWork, state.timer)
        }
        guard let continuation else { return }
        timer?.cancel()
        if case .failure(let error as PostgresStoreError) = result, error.code == .timeout { cancelWork?() }
        continuation.resume(with: result)
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
