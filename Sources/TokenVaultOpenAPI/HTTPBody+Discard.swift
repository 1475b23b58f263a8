import OpenAPIRuntime

extension HTTPBody {
    /// How much of a rejected response's body is read before it is dropped: 64 KiB.
    static let discardLimit = 64 * 1024

    /// Reads the body to its end and drops it, or stops after `limit` bytes, so that the
    /// transport can finish the exchange. Errors end the reading silently.
    ///
    /// - Parameter limit: The most bytes to read.
    func discard(upTo limit: Int) async {
        var read = 0
        do {
            for try await chunk in self {
                read += chunk.count
                if read > limit {
                    return
                }
            }
        } catch {
            return
        }
    }
}
