import Foundation

/// What may be shown about a key: never its bytes.
public struct KeyInfo: Sendable, Hashable {
    /// The key id, which vault headers name.
    public var id: String
    /// Whether it seals new data (`primary`) or only opens (`active`).
    public var state: KeyState
    /// When the key was generated.
    public var createdAt: Date
    /// How many messages have been sealed with it (vaults and their re-seals).
    public var sealCount: UInt64

    /// NIST SP 800-38D allows at most 2^32 messages under one key with random 96-bit nonces.
    public static let sealLimit: UInt64 = 1 << 32
    /// Rotation is advised from this many seals on: 2^31, half the limit.
    public static let rotationAdvisedAt: UInt64 = 1 << 31

    /// Whether the key has sealed enough messages that it should be rotated.
    public var rotationAdvised: Bool { sealCount >= Self.rotationAdvisedAt }
}
