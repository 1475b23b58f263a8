import Foundation

/// A measurement and its floor, sampled alternately in the same run.
struct Measurement: Encodable {
    var medianNs: Double
    var p99Ns: Double
    var floorMedianNs: Double
    var ratio: Double

    init(samples: [Double], floor: [Double]) {
        medianNs = Stats.median(samples)
        p99Ns = Stats.percentile(samples, 0.99)
        floorMedianNs = Stats.median(floor)
        ratio = medianNs / floorMedianNs
    }
}

/// How cost grows with the number of vault entries.
struct Scaling: Encodable {
    var sizes: [Int]
    var medianNs: [Double]
    /// The slope of log(median) against log(size), least squares.
    var growthExponent: Double

    init(sizes: [Int], medianNs: [Double]) {
        self.sizes = sizes
        self.medianNs = medianNs
        let xs = sizes.map { log(Double($0)) }
        let ys = medianNs.map { log($0) }
        let mx = xs.reduce(0, +) / Double(xs.count)
        let my = ys.reduce(0, +) / Double(ys.count)
        let covariance = zip(xs, ys).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
        let variance = xs.map { ($0 - mx) * ($0 - mx) }.reduce(0, +)
        growthExponent = covariance / variance
    }
}

enum Stats {
    static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        let index = min(sorted.count - 1, max(0, Int((Double(sorted.count - 1) * p).rounded())))
        return sorted[index]
    }
}

/// Nanoseconds taken by `body`.
func nanoseconds(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
}

/// `count` samples of `operation` and of `floor`, taken alternately so that both see the same
/// machine; each sample is the time of one call, or the mean of `batch` calls.
func sampled(
    isolation: isolated (any Actor)? = #isolation,
    _ count: Int, batch: Int = 1, _ operation: () async throws -> Void, floor: () async throws -> Void
) async rethrows -> Measurement {
    var samples: [Double] = []
    var floors: [Double] = []
    for _ in 0..<count {
        samples.append(try await nanoseconds { for _ in 0..<batch { try await operation() } } / Double(batch))
        floors.append(try await nanoseconds { for _ in 0..<batch { try await floor() } } / Double(batch))
    }
    return Measurement(samples: samples, floor: floors)
}

/// Keeps results alive so the optimizer cannot drop the work that made them.
nonisolated(unsafe) var sink = 0

@inline(never)
func consume(_ value: Int) { sink &+= value }
