/// `application/x-www-form-urlencoded` encoding (WHATWG URL §5.2, as RFC 6749 Appendix B uses
/// it): UTF-8 bytes, `ALPHA / DIGIT / "*" / "-" / "." / "_"` kept, space as `+`, every other
/// byte as `%XX` with upper-case hex.
enum FormURLEncoding {
    /// Encodes one name or value.
    ///
    /// - Parameter string: The text to encode.
    /// - Returns: The encoded text, ASCII only.
    static func encode(_ string: String) -> String {
        var encoded: [UInt8] = []
        encoded.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"):
                encoded.append(byte)
            case UInt8(ascii: " "):
                encoded.append(UInt8(ascii: "+"))
            default:
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hexDigits[Int(byte >> 4)])
                encoded.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Encodes `fields` as `name=value` pairs joined by `&`, in order.
    ///
    /// - Parameter fields: The form fields.
    /// - Returns: The form body.
    static func encode(_ fields: [(name: String, value: String)]) -> String {
        fields.map { "\(encode($0.name))=\(encode($0.value))" }.joined(separator: "&")
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
