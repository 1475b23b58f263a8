import AsyncHTTPClient

extension HTTPClientResponse.Body {
    /// How much of a rejected response's body is read to keep its connection usable: 64 KiB.
    static let discardLimit = 64 * 1024

    /// Reads the body to its end and drops it, or stops after `limit` bytes, which makes
    /// AsyncHTTPClient close the connection instead of reusing it. Errors end the reading silently.
    ///
    /// - Parameter limit: The most bytes to read.
    func discard(upTo limit: Int) async {
        var read = 0
        do {
            for try await chunk in self {
                read += chunk.readableBytes
                if read > limit {
                    return
                }
            }
        } catch {
            return
        }
    }
}
