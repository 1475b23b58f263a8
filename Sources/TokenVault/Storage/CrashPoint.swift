#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A test hook: named points in the write paths where the process kills itself with `SIGKILL`,
/// so that the reliability harness (`make reliability`) can crash a writer deterministically at
/// the instants that matter for crash safety, not only at random ones.
///
/// Off unless the environment variable `TOKENVAULT_CRASH_POINT` names a point when the process
/// first reaches one (it is read once). `TOKENVAULT_CRASH_POINT_SKIP=N` lets the first `N`
/// occurrences of that point pass and kills the process at occurrence `N + 1` (a rotation writes
/// the keyring, then each vault, then the keyring again). When the variable is unset, ``hit(_:)``
/// costs one atomic load of a flag.
///
/// ```sh
/// TOKENVAULT_CRASH_POINT=after-rename TOKENVAULT_CRASH_POINT_SKIP=1 vaultcli rotate
/// ```
package enum CrashPoint: String, CaseIterable, Sendable {
    /// In ``AtomicFile/replace(_:with:)``: the temporary file is written and `fsync`ed, not yet renamed.
    case afterTempFsync = "after-temp-fsync"
    /// In ``AtomicFile/replace(_:with:)``: the temporary file is renamed, the folder not yet `fsync`ed.
    case afterRename = "after-rename"
    /// In `Keyring.rotate`: the keyring with the new primary key is durable, no vault re-sealed yet.
    case afterKeyringWrite = "after-keyring-write"

    /// Kills the process with `SIGKILL` when `point` is the armed one and its skip count is used up.
    package static func hit(_ point: CrashPoint) {
        guard let armed = Self.armed, armed.point == point else { return }
        let occurrence = Self.occurrences.add(1, ordering: .relaxed).oldValue
        if occurrence >= armed.skip {
            kill(getpid(), SIGKILL)
        }
    }

    /// The armed point and how many of its occurrences pass, from the environment, read once.
    private static let armed: (point: CrashPoint, skip: Int)? = {
        guard let name = getenv("TOKENVAULT_CRASH_POINT"), let point = CrashPoint(rawValue: String(cString: name)) else {
            return nil
        }
        let skip = getenv("TOKENVAULT_CRASH_POINT_SKIP").flatMap { Int(String(cString: $0)) } ?? 0
        return (point, max(0, skip))
    }()

    /// How many times the armed point has been reached in this process.
    private static let occurrences = Atomic<Int>(0)
}
