import COpenSSL
import Foundation
import Testing
@testable import TokenVault

/// XAES-256-GCM against the C2SP specification's test vectors (Resources/xaes-256-gcm): the two
/// fixed vectors with their intermediate values, and the accumulated randomized test.
@Suite struct XAES256GCMTests {
    struct Vector: Decodable, CustomTestStringConvertible, Sendable {
        var key, nonceAscii, l, k1, derivedKey, derivedNonce, plaintextAscii, aadAscii, ciphertextAndTag: String
        var testDescription: String { "key \(key.prefix(8))…, AAD \"\(aadAscii)\"" }

        enum CodingKeys: String, CodingKey {
            case key, nonceAscii, l = "L", k1 = "K1", derivedKey, derivedNonce, plaintextAscii, aadAscii
            case ciphertextAndTag
        }
    }

    struct Accumulated: Decodable, Sendable {
        var iterations10000: String
    }

    struct File: Decodable, Sendable {
        var vectors: [Vector]
        var accumulated: Accumulated
    }

    static let file: File = {
        let url = Bundle.module.url(forResource: "Resources/xaes-256-gcm/vectors", withExtension: "json")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()

    @Test func readsBothFixedVectors() {
        #expect(Self.file.vectors.count == 2)
    }

    @Test(arguments: file.vectors) func fixedVector(_ v: Vector) throws {
        let key = try SymmetricKey(bytes: hex(v.key))
        let nonce = Array(v.nonceAscii.utf8)
        let plaintext = Array(v.plaintextAscii.utf8)
        let aad = Array(v.aadAscii.utf8)

        let derived = try XAES256GCM.deriveKey(key: key, nonce: nonce)
        #expect(derived.key == (try SymmetricKey(bytes: hex(v.derivedKey))))
        #expect(derived.gcmNonce == hex(v.derivedNonce))

        let sealed = try XAES256GCM.seal(plaintext, using: key, nonce: nonce, authenticating: aad)
        #expect(sealed.nonce == nonce)
        #expect(sealed.ciphertext + sealed.tag == hex(v.ciphertextAndTag))
        let opened = try XAES256GCM.open(sealed.ciphertext, tag: sealed.tag, nonce: nonce, using: key, authenticating: aad)
        #expect(opened == plaintext)
    }

    /// A key's keyed CMAC context is made at its first derivation and copied by every derivation
    /// after: threads deriving at once under the two vectors' keys in turn (new keys, so that
    /// several threads make a context at the same time) each get their vector's derived key.
    @Test func concurrentDerivationsUnderAlternatingKeysMatchTheVectors() async throws {
        let cases = try Self.file.vectors.map {
            (key: try SymmetricKey(bytes: hex($0.key)), nonce: Array($0.nonceAscii.utf8), derived: try SymmetricKey(bytes: hex($0.derivedKey)))
        }
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var mismatches = 0
                    for round in 0..<500 {
                        let v = cases[(task + round) % cases.count]
                        if try XAES256GCM.deriveKey(key: v.key, nonce: v.nonce).key != v.derived { mismatches += 1 }
                    }
                    return mismatches
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    /// The specification's steps 1 to 5 written out over the raw AES-256 block function: `L` and
    /// `K1` match the vectors (the first has MSB(L) = 0, the second MSB(L) = 1), and
    /// `AES-256_K(M1 ⊕ K1) || AES-256_K(M2 ⊕ K1)` is the derived key, which the implementation
    /// computes as two AES-256-CMACs.
    @Test(arguments: file.vectors) func intermediateValuesMatchSpecificationSteps(_ v: Vector) throws {
        let key = hex(v.key)
        let l = try aes256Block(key: key, [UInt8](repeating: 0, count: 16))
        #expect(l == hex(v.l))

        var k1 = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 {
            k1[i] = l[i] << 1 | (i < 15 ? l[i + 1] >> 7 : 0)
        }
        if l[0] & 0x80 != 0 { k1[15] ^= 0x87 }
        #expect(k1 == hex(v.k1))

        var derivedKey: [UInt8] = []
        for counter: UInt8 in 1...2 {
            let m: [UInt8] = [0x00, counter, 0x58, 0x00] + Array(v.nonceAscii.utf8.prefix(12))
            derivedKey += try aes256Block(key: key, zip(m, k1).map { $0 ^ $1 })
        }
        #expect(derivedKey == hex(v.derivedKey))
    }

    /// Each iteration reads key[32], nonce[24], a length byte and that much plaintext, and a length
    /// byte and that much AAD from one SHAKE-128 stream over the empty input, seals, and absorbs
    /// the ciphertext with its tag into a second SHAKE-128; the hash is 32 bytes of its output.
    @Test func accumulatedRandomizedTenThousandIterations() throws {
        let iterations = 10_000
        // OpenSSL before 3.3 has no EVP_DigestSqueeze and EVP_DigestFinalXOF squeezes only once,
        // so take in one call the longest prefix the loop can read: 32 + 24 + 2 * (1 + 255) a turn.
        let stream = try Shake128().squeeze(count: iterations * (32 + 24 + 2 * 256))
        #expect(Array(stream.prefix(16)) == hex("7f9c2ba4e88f827d616045507605853e"))
        var position = 0
        func read(_ count: Int) -> [UInt8] {
            defer { position += count }
            return Array(stream[position..<position + count])
        }

        let hash = try Shake128()
        for _ in 0..<iterations {
            let key = try SymmetricKey(bytes: read(32))
            let nonce = read(24)
            let plaintext = read(Int(read(1)[0]))
            let aad = read(Int(read(1)[0]))
            let sealed = try XAES256GCM.seal(plaintext, using: key, nonce: nonce, authenticating: aad)
            try hash.absorb(sealed.ciphertext + sealed.tag)
        }
        #expect(try hash.squeeze(count: 32) == hex(Self.file.accumulated.iterations10000))
    }

    @Test func randomNoncesRoundTrip() throws {
        let key = try SymmetricKey.generate()
        let message = Array("client-credentials token".utf8)
        let a = try XAES256GCM.seal(message, using: key, authenticating: [1, 2, 3])
        let b = try XAES256GCM.seal(message, using: key, authenticating: [1, 2, 3])
        #expect(a.nonce.count == 24 && a.tag.count == 16 && a.ciphertext.count == message.count)
        #expect(a.nonce != b.nonce)
        #expect(a.ciphertext != b.ciphertext)
        #expect(try XAES256GCM.open(a.ciphertext, tag: a.tag, nonce: a.nonce, using: key, authenticating: [1, 2, 3]) == message)
    }

    /// Every single-bit change of the ciphertext, tag, nonce (both the half that derives the key and
    /// the half that is the GCM nonce) or AAD of the second vector fails authentication.
    @Test func flippedBitFailsAuthentication() throws {
        let v = Self.file.vectors[1]
        let key = try SymmetricKey(bytes: hex(v.key))
        let nonce = Array(v.nonceAscii.utf8)
        let aad = Array(v.aadAscii.utf8)
        let sealed = try XAES256GCM.seal(Array(v.plaintextAscii.utf8), using: key, nonce: nonce, authenticating: aad)
        #expect(!aad.isEmpty)

        func expectFailure(
            ciphertext: [UInt8]? = nil, tag: [UInt8]? = nil, nonce changedNonce: [UInt8]? = nil, aad changedAAD: [UInt8]? = nil
        ) {
            #expect(throws: CryptoError.authenticationFailure) {
                try XAES256GCM.open(
                    ciphertext ?? sealed.ciphertext, tag: tag ?? sealed.tag, nonce: changedNonce ?? nonce, using: key,
                    authenticating: changedAAD ?? aad)
            }
        }
        for bit in 0..<sealed.ciphertext.count * 8 { expectFailure(ciphertext: flipping(bit, of: sealed.ciphertext)) }
        for bit in 0..<sealed.tag.count * 8 { expectFailure(tag: flipping(bit, of: sealed.tag)) }
        for bit in 0..<nonce.count * 8 { expectFailure(nonce: flipping(bit, of: nonce)) }
        for bit in 0..<aad.count * 8 { expectFailure(aad: flipping(bit, of: aad)) }
    }

    @Test(arguments: [0, 12, 23, 25, 32]) func wrongNonceLengthIsRejected(_ count: Int) throws {
        let key = try SymmetricKey.generate()
        let nonce = [UInt8](repeating: 0x41, count: count)
        #expect(throws: CryptoError.incorrectParameterSize) { try XAES256GCM.deriveKey(key: key, nonce: nonce) }
        #expect(throws: CryptoError.incorrectParameterSize) { try XAES256GCM.seal([1, 2], using: key, nonce: nonce) }
        #expect(throws: CryptoError.incorrectParameterSize) {
            try XAES256GCM.open([1, 2], tag: [UInt8](repeating: 0, count: 16), nonce: nonce, using: key)
        }
    }

    @Test func wrongTagLengthIsRejected() throws {
        let key = try SymmetricKey.generate()
        let sealed = try XAES256GCM.seal([1, 2], using: key)
        #expect(throws: CryptoError.incorrectParameterSize) {
            try XAES256GCM.open(sealed.ciphertext, tag: Array(sealed.tag.dropLast()), nonce: sealed.nonce, using: key)
        }
    }
}

private func flipping(_ bit: Int, of bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    bytes[bit / 8] ^= 1 << UInt8(bit % 8)
    return bytes
}

/// One AES-256 block encryption (ECB, no padding), for checking the specification's intermediate values.
private func aes256Block(key: [UInt8], _ block: [UInt8]) throws -> [UInt8] {
    precondition(key.count == 32 && block.count == 16)
    guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL(ERR_get_error()) }
    defer { EVP_CIPHER_CTX_free(context) }
    var out = [UInt8](repeating: 0, count: 32)
    var written: Int32 = 0
    guard EVP_EncryptInit_ex(context, EVP_aes_256_ecb(), nil, key, nil) == 1,
          EVP_CIPHER_CTX_set_padding(context, 0) == 1,
          EVP_EncryptUpdate(context, &out, &written, block, Int32(block.count)) == 1,
          written == 16
    else { throw CryptoError.openSSL(ERR_get_error()) }
    return Array(out.prefix(16))
}

/// SHAKE-128 through OpenSSL's EVP digest interface: absorb, then squeeze once.
private final class Shake128 {
    private let context: OpaquePointer

    init() throws {
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.openSSL(ERR_get_error()) }
        self.context = context
        guard EVP_DigestInit_ex(context, EVP_shake128(), nil) == 1 else { throw CryptoError.openSSL(ERR_get_error()) }
    }

    deinit { EVP_MD_CTX_free(context) }

    func absorb(_ bytes: [UInt8]) throws {
        guard EVP_DigestUpdate(context, bytes, bytes.count) == 1 else { throw CryptoError.openSSL(ERR_get_error()) }
    }

    func squeeze(count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard EVP_DigestFinalXOF(context, &out, count) == 1 else { throw CryptoError.openSSL(ERR_get_error()) }
        return out
    }
}
