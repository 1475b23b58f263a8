internal import COpenSSL
import Synchronization

/// A 256-bit AES key whose bytes live in memory that is zeroed (`OPENSSL_cleanse`) when the
/// last copy is released.
///
/// Equality is constant-time (`CRYPTO_memcmp`), and `description` never shows the bytes.
package struct SymmetricKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The size of every key TokenVault uses: 32 bytes (AES-256).
    package static let byteCount = 32

    private let storage: SecretBytes

    /// Wraps existing key bytes; the caller should cleanse its own copy.
    /// - Throws: `CryptoError.incorrectKeySize` unless `bytes` has 32 bytes.
    package init(bytes: some Collection<UInt8>) throws {
        guard bytes.count == Self.byteCount else { throw CryptoError.incorrectKeySize }
        storage = SecretBytes(bytes)
    }

    /// A new random key from `RAND_bytes`.
    package static func generate() throws -> SymmetricKey {
        var bytes = try SecureRandom.bytes(count: byteCount)
        defer { bytes.cleanse() }
        return try SymmetricKey(bytes: bytes)
    }

    /// Calls `body` with the key bytes; do not let them escape.
    package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes(body)
    }

    package static func == (lhs: SymmetricKey, rhs: SymmetricKey) -> Bool {
        lhs.withUnsafeBytes { l in
            rhs.withUnsafeBytes { r in
                l.count == r.count && CRYPTO_memcmp(l.baseAddress, r.baseAddress, l.count) == 0
            }
        }
    }

    package var description: String { "SymmetricKey(256 bits, <redacted>)" }
    package var debugDescription: String { description }

    /// This key's AES-256-CMAC context (an `EVP_MAC_CTX` keyed with it), for XAES-256-GCM's key
    /// derivation: made by `make` at the first derivation under the key, then kept with the key's
    /// bytes, shared by every copy of the key, and freed (which cleanses it) with them. When two
    /// threads make one at once, one context is kept and the other freed.
    ///
    /// - Returns: The context, never changed after it is made; `nil` when `make` fails.
    func keyedCMAC(orMake make: () -> OpaquePointer?) -> OpaquePointer? {
        storage.keyedCMAC(orMake: make)
    }
}

/// Bytes that are zeroed when released. Immutable after creation, hence `Sendable`.
package final class SecretBytes: @unchecked Sendable {
    private let pointer: UnsafeMutableRawBufferPointer

    package init(_ bytes: some Collection<UInt8>) {
        pointer = .allocate(byteCount: max(bytes.count, 1), alignment: 16)
        pointer.copyBytes(from: bytes)
        count = bytes.count
    }

    package let count: Int

    /// The `EVP_MAC_CTX` of ``SymmetricKey/keyedCMAC(orMake:)`` as an address; 0 until made.
    private let cmac = Atomic<UInt>(0)

    package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: pointer[0..<count]))
    }

    fileprivate func keyedCMAC(orMake make: () -> OpaquePointer?) -> OpaquePointer? {
        if let made = OpaquePointer(bitPattern: cmac.load(ordering: .acquiring)) { return made }
        guard let made = make() else { return nil }
        let (exchanged, original) = cmac.compareExchange(
            expected: 0, desired: UInt(bitPattern: made), ordering: .acquiringAndReleasing)
        if exchanged { return made }
        EVP_MAC_CTX_free(made)
        return OpaquePointer(bitPattern: original)
    }

    deinit {
        EVP_MAC_CTX_free(OpaquePointer(bitPattern: cmac.load(ordering: .acquiring)))  // nil: nothing to free
        Self.cleanse(pointer.baseAddress!, pointer.count)
        pointer.deallocate()
    }

    /// Zeroes `count` bytes at `base` through `OPENSSL_cleanse`, which the compiler cannot elide.
    package static func cleanse(_ base: UnsafeMutableRawPointer, _ count: Int) {
        OPENSSL_cleanse(base, count)
    }
}

extension Array where Element == UInt8 {
    /// Overwrites the bytes with zeros through `OPENSSL_cleanse`, which the compiler cannot elide.
    package mutating func cleanse() {
        withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
    }
}
