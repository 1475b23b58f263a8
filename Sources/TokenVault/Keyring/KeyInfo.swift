import Foundation

/// What may be shown about a key: never its bytes.
public struct KeyInfo: Sendable, Hashable {
    /// The key id, which vault headers name.
    public var id: String
    /// Whether it seals new data (`primary`) or only opens (`active`).
    public var state: KeyState
    /// When the key was generated.
    public var createdAt: Date
}
