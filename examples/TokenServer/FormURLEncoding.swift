/// Parsing of `application/x-www-form-urlencoded` text (WHATWG URL, "application/x-www-form-urlencoded parsing").
enum FormURLEncoding {
    /// Why a form could not be parsed.
    enum ParseError: Error, Equatable {
        /// A `%` escape was not two hex digits, or the bytes were not UTF-8.
        case invalidEncoding
        /// A parameter was sent more than once (RFC 6749 §3.1 forbids it).
        case repeatedParameter(String)
    }

    /// Parses a form body into its fields.
    /// - Parameter text: The body, e.g. `grant_type=client_credentials&scope=a+b`.
    /// - Returns: The decoded fields.
    static func parse(_ text: String) throws(ParseError) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(parts[0])
            let value = parts.count > 1 ? try decode(parts[1]) : ""
            guard fields[name] == nil else {
                throw .repeatedParameter(name)
            }
            fields[name] = value
        }
        return fields
    }

    /// Decodes one component: `+` is a space, `%XX` a byte; the result must be UTF-8.
    /// - Parameter component: The encoded text.
    /// - Returns: The decoded text.
    static func decode(_ component: some StringProtocol) throws(ParseError) -> String {
        var bytes: [UInt8] = []
        var iterator = component.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw .invalidEncoding
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalidEncoding
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
