import Testing
@testable import TokenVault

/// `OAuthError.printable`: what a token endpoint (or a vault entry name) can put in a message
/// reaches a terminal or a log with nothing it can hide, reorder or act on.
@Suite struct PrintableTests {
    @Test(arguments: [
        0x07, 0x1b, 0x7f, 0x85, 0x9b,  // controls: bell, escape, DEL, C1 next line, C1 CSI
        0x200b, 0x200d, 0x200e, 0x200f, 0x061c, 0x202e, 0x2066, 0xfeff, 0xe0041,  // format: zero-width, marks, overrides, BOM, tag
        0x2028, 0x2029,  // line and paragraph separators
    ] as [UInt32])
    func invisibleAndReorderingCharactersAreEscaped(_ value: UInt32) {
        let scalar = Unicode.Scalar(value)!
        let text = OAuthError.printable("a" + String(scalar) + "b")
        #expect(text == "a\\u{\(String(value, radix: 16))}b")
        #expect(!text.unicodeScalars.contains(scalar))
    }

    @Test func visibleTextIsKeptAsItIs() {
        let text = "invalid_client: Client Authentication failed — café, 日本, ½ ✓"
        #expect(OAuthError.printable(text) == text)
    }

    @Test func textIsCutAt300Characters() {
        let text = OAuthError.printable(String(repeating: "x", count: 301))
        #expect(text == String(repeating: "x", count: 300) + "…")
    }
}
