import Testing
@testable import TokenVault

@Suite struct AESGCMTests {
    @Test func roundTripWithRandomNonces() throws {
        let key = try SymmetricKey.generate()
        let message = Array("client-credentials token".utf8)
        let a = try AESGCM.seal(message, using: key, authenticating: [1, 2, 3])
        let b = try AESGCM.seal(message, using: key, authenticating: [1, 2, 3])
        #expect(a.nonce.count == 12 && a.tag.count == 16)
        #expect(a.nonce != b.nonce)
        #expect(a.ciphertext != b.ciphertext)
        #expect(try AESGCM.open(a, using: key, authenticating: [1, 2, 3]) == message)
    }

    @Test func wrongAADOrKeyFailsAuthentication() throws {
        let key = try SymmetricKey.generate()
        let box = try AESGCM.seal(Array("x".utf8), using: key, authenticating: [1])
        #expect(throws: CryptoError.authenticationFailure) { try AESGCM.open(box, using: key, authenticating: [2]) }
        #expect(throws: CryptoError.authenticationFailure) {
            try AESGCM.open(box, using: try SymmetricKey.generate(), authenticating: [1])
        }
    }

    @Test func keyRejectsWrongSizeAndHidesBytes() throws {
        #expect(throws: CryptoError.incorrectKeySize) { try SymmetricKey(bytes: [UInt8](repeating: 7, count: 16)) }
        let key = try SymmetricKey(bytes: [UInt8](repeating: 0xAB, count: 32))
        #expect(!key.description.lowercased().contains("ab"))
        #expect(key == (try SymmetricKey(bytes: [UInt8](repeating: 0xAB, count: 32))))
        #expect(key != (try SymmetricKey(bytes: [UInt8](repeating: 0xAC, count: 32))))
    }

    @Test func scryptMatchesRFC7914Vector() throws {
        // RFC 7914 section 12: P = "password", S = "NaCl", N = 1024, r = 8, p = 16 (first 32 bytes).
        let key = try Scrypt(logN: 10, r: 8, p: 16).deriveKey(passphrase: Array("password".utf8), salt: Array("NaCl".utf8))
        let expected = hex("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162")
        #expect(key == (try SymmetricKey(bytes: expected)))
    }
}
