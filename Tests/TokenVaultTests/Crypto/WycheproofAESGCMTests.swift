import Foundation
import Testing
@testable import TokenVault

/// Project Wycheproof's AES-GCM vectors (Resources/wycheproof, Apache-2.0): every case with a
/// 256-bit key, 96-bit IV and 128-bit tag, the parameters the vault uses.
@Suite struct WycheproofAESGCMTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        var tcId: Int
        var comment: String
        var key, iv, aad, msg, ct, tag: String
        var result: String
        var testDescription: String { "tcId \(tcId) (\(result)) \(comment)" }
    }

    struct Group: Decodable {
        var keySize, ivSize, tagSize: Int
        var tests: [Case]
    }

    struct File: Decodable { var testGroups: [Group] }

    static let cases: [Case] = {
        let url = Bundle.module.url(forResource: "Resources/wycheproof/aes_gcm_test", withExtension: "json")!
        let file = try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        return file.testGroups
            .filter { $0.keySize == 256 && $0.ivSize == 96 && $0.tagSize == 128 }
            .flatMap(\.tests)
    }()

    @Test func selectsAllSixtySixCases() {
        #expect(Self.cases.count == 66)
        #expect(Self.cases.filter { $0.result == "valid" }.count == 39)
        #expect(Self.cases.filter { $0.result == "invalid" }.count == 27)
    }

    @Test(arguments: cases) func vector(_ c: Case) throws {
        let key = try SymmetricKey(bytes: hex(c.key))
        let box = try AESGCM.SealedBox(nonce: hex(c.iv), ciphertext: hex(c.ct), tag: hex(c.tag))
        switch c.result {
        case "valid":
            let sealed = try AESGCM.seal(hex(c.msg), using: key, nonce: hex(c.iv), authenticating: hex(c.aad))
            #expect(sealed == box)
            #expect(try AESGCM.open(box, using: key, authenticating: hex(c.aad)) == hex(c.msg))
        case "invalid":
            #expect(throws: CryptoError.authenticationFailure) {
                try AESGCM.open(box, using: key, authenticating: hex(c.aad))
            }
        default:
            Issue.record("unexpected result \(c.result)")
        }
    }
}

/// Decodes lowercase or uppercase hex; traps on malformed input (test data only).
func hex(_ string: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = string.startIndex
    while index < string.endIndex {
        let next = string.index(index, offsetBy: 2)
        bytes.append(UInt8(string[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}
