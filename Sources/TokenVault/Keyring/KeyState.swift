/// The role of a key in a keyring.
public enum KeyState: String, Sendable, Codable, Hashable {
    /// Seals new data. A keyring has exactly one primary key.
    case primary
    /// Opens data sealed with it, but seals nothing new.
    case active
}
