/// One row of the final table: what a check did and what went wrong.
struct CheckSummary: Sendable {
    var name: String
    /// Cases run or faults injected.
    var cases: Int = 0
    /// What `cases` counts, e.g. "SIGKILLs" or "bit flips + truncations".
    var unit: String
    var failures: Int = 0
    /// Completed writes missing afterwards, or stored tokens changed by a failed command.
    var dataLost: Int = 0
    /// Counts worth reading beside the table.
    var notes: [String] = []
    /// The first failures, described by behaviour.
    var failureDetails: [String] = []
    var seconds: Double = 0

    /// Counts a failure and keeps its description (the first 25 of each check).
    mutating func fail(_ description: String) {
        failures += 1
        if failureDetails.count < 25 { failureDetails.append(description) }
    }
}

/// The one summary table of a run.
enum SummaryTable {
    static func render(_ rows: [CheckSummary]) -> String {
        let header = ["check", "cases / faults injected", "failures", "data lost", "time"]
        let lines = rows.map { row in
            [row.name, "\(row.cases) \(row.unit)", "\(row.failures)", "\(row.dataLost)", "\(Int(row.seconds.rounded())) s"]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max()! }
        func format(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
        return ([format(header), rule] + lines.map(format)).joined(separator: "\n")
    }
}
