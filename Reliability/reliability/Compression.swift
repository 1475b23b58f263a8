/// gzip (RFC 1952) and zlib (RFC 1950) framing around DEFLATE stored blocks: valid compressed
/// bodies without a compression library, for the `Content-Encoding` cases.
enum Compression {
    static func gzip(_ data: [UInt8]) -> [UInt8] {
        [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff] + stored(data) + littleEndian(crc32(data)) + littleEndian(UInt32(data.count))
    }

    static func zlib(_ data: [UInt8]) -> [UInt8] {
        [0x78, 0x01] + stored(data) + bigEndian(adler32(data))
    }

    /// DEFLATE stored blocks (RFC 1951 §3.2.4), the last one marked final.
    private static func stored(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var offset = 0
        repeat {
            let length = min(65535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            output.append(final)
            output += littleEndian16(UInt16(length)) + littleEndian16(~UInt16(length))
            output += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        return output
    }

    private static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    private static func bigEndian(_ value: UInt32) -> [UInt8] { littleEndian(value).reversed() }
    private static func littleEndian16(_ value: UInt16) -> [UInt8] { [UInt8(truncatingIfNeeded: value), UInt8(value >> 8)] }
}
