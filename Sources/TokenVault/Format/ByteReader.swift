/// Reads a binary header field by field, throwing `VaultError.malformed` ("truncated") when the
/// file ends early.
package struct ByteReader {
    private let bytes: [UInt8]
    private let path: String
    package private(set) var offset = 0

    package init(_ bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    package mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else {
            throw VaultError.malformed(path: path, reason: "truncated (\(bytes.count) bytes)")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    package mutating func byte() throws -> UInt8 { try take(1)[0] }

    package mutating func uint32() throws -> UInt32 {
        try take(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    package mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }

    package func expectEnd() throws {
        guard offset == bytes.count else {
            throw VaultError.malformed(path: path, reason: "\(bytes.count - offset) unexpected bytes after the tag")
        }
    }
}

extension Array where Element == UInt8 {
    package mutating func appendBigEndian(_ value: UInt32) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
