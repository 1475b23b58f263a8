import Foundation

/// The table for people.
enum Report {
    static func print(_ results: [(key: String, measurement: Measurement, target: Double)], scaling: [String: Scaling], tokenRequests: Int) {
        func ns(_ value: Double) -> String {
            switch value {
            case ..<1_000: String(format: "%.0f ns", value)
            case ..<1_000_000: String(format: "%.1f µs", value / 1_000)
            default: String(format: "%.2f ms", value / 1_000_000)
            }
        }
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        Swift.print(pad("measurement", 22) + pad("median", 11) + pad("p99", 11) + pad("floor", 11) + pad("ratio", 8) + "target")
        for (key, m, target) in results {
            let met = m.ratio <= target ? "" : "  (missed)"
            Swift.print(
                pad(key, 22) + pad(ns(m.medianNs), 11) + pad(ns(m.p99Ns), 11) + pad(ns(m.floorMedianNs), 11)
                    + pad(String(format: "%.2fx", m.ratio), 8) + String(format: "≤ %.1fx", target) + met)
        }
        Swift.print("")
        Swift.print(pad("scaling", 10) + ["1", "10", "100", "1,000", "10,000"].map { pad($0, 11) }.joined() + "growth exponent")
        for name in ["read", "update", "rotate"] {
            guard let s = scaling[name] else { continue }
            Swift.print(pad(name, 10) + s.medianNs.map { pad(ns($0), 11) }.joined() + String(format: "%.2f", s.growthExponent))
        }
        Swift.print("")
        Swift.print("token requests during the benchmark: \(tokenRequests) (the vaults hold a valid token; a restart must not fetch)")
    }
}
