import Foundation

/// The plaintext of a format-2 vault (docs/FORMAT.md): binary entry records behind an index
/// sorted by entry name, so that one entry is found by binary search and decoded alone, and one
/// entry is replaced by copying the other records as they are.
///
///     count (u32) ‖ count × (offset u32, length u32) ‖ records
///
/// Offsets count from the first record. Names are unique and the index is in strictly
/// increasing bytewise order of the names' UTF-8. The bytes live in memory that is zeroed when
/// the table is released.
package struct EntryTable: Sendable {
    private let plaintext: SecretBytes
    /// The number of entries.
    package let count: Int
    private let path: String

    /// The table in `plaintext` (which the caller cleanses); checks that the index fits.
    package init(plaintext: [UInt8], path: String) throws {
        guard plaintext.count >= 4 else { throw VaultError.malformed(path: path, reason: "entry table truncated") }
        let count = Int(plaintext[0]) << 24 | Int(plaintext[1]) << 16 | Int(plaintext[2]) << 8 | Int(plaintext[3])
        guard count <= (plaintext.count - 4) / 8 else {
            throw VaultError.malformed(path: path, reason: "entry index larger than the table")
        }
        self.plaintext = SecretBytes(plaintext)
        self.count = count
        self.path = path
    }

    /// The empty table.
    package static func empty(path: String) -> EntryTable {
        try! EntryTable(plaintext: [0, 0, 0, 0], path: path)
    }

    /// The entry named `name`, decoding only it (binary search over the index).
    package func entry(named name: String) throws -> VaultEntry? {
        try plaintext.withUnsafeBytes { bytes in
            guard let index = try index(of: Array(name.utf8), in: bytes) else { return nil }
            var reader = RecordReader(try record(index, in: bytes), path: path)
            _ = try reader.field()  // the name
            return try reader.entry()
        }
    }

    /// The index of the record named `key`, comparing names only (binary search).
    private func index(of key: [UInt8], in bytes: UnsafeRawBufferPointer) throws -> Int? {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            var reader = RecordReader(try record(middle, in: bytes), path: path)
            let order = compare(try reader.field(), key)
            if order == 0 { return middle }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Every entry, decoded; checks that the names are unique and in order.
    package func allEntries() throws -> [String: VaultEntry] {
        try plaintext.withUnsafeBytes { bytes in
            var entries: [String: VaultEntry] = [:]
            entries.reserveCapacity(count)
            var previous: [UInt8]?
            for index in 0..<count {
                var reader = RecordReader(try record(index, in: bytes), path: path)
                let name = try reader.field()
                if let previous, compare(previous, Array(name)) >= 0 {
                    throw VaultError.malformed(path: path, reason: "entry names repeated or out of order")
                }
                previous = Array(name)
                guard let text = String(validating: name, as: UTF8.self) else {
                    throw VaultError.malformed(path: path, reason: "entry name is not UTF-8")
                }
                // Distinct bytes can still be equal Strings (canonical equivalence: "é", "e\u{301}").
                guard entries.updateValue(try reader.entry(), forKey: text) == nil else {
                    throw VaultError.malformed(path: path, reason: "entry names repeated or out of order")
                }
            }
            return entries
        }
    }

    /// The plaintext of this table with `changes` applied (a `nil` value removes the entry);
    /// records that do not change are copied as they are. The caller cleanses the result.
    package func applying(_ changes: [String: VaultEntry?]) throws -> [UInt8] {
        let changed = changes.map { (name: Array($0.key.utf8), entry: $0.value) }.sorted { compare($0.name, $1.name) < 0 }
        return try plaintext.withUnsafeBytes { bytes in
            var count = self.count
            for change in changed {
                let present = try index(of: change.name, in: bytes) != nil
                count += (change.entry == nil ? 0 : 1) - (present ? 1 : 0)
            }
            var writer = TableWriter(count: count, recordsCapacity: bytes.count + 512 * changed.count)
            var next = changed.startIndex
            for index in 0..<self.count {
                let record = try self.record(index, in: bytes)
                var reader = RecordReader(record, path: path)
                let name = try reader.field()
                while next < changed.endIndex, compare(changed[next].name, name) < 0 {
                    if let entry = changed[next].entry { writer.append(entry, named: changed[next].name) }
                    next += 1
                }
                if next < changed.endIndex, compare(changed[next].name, name) == 0 {
                    if let entry = changed[next].entry { writer.append(entry, named: changed[next].name) }
                    next += 1
                } else {
                    writer.append(record: record)
                }
            }
            for change in changed[next...] {
                if let entry = change.entry { writer.append(entry, named: change.name) }
            }
            return try writer.finish(path: path)
        }
    }

    /// The plaintext of a table holding `entries`. The caller cleanses the result.
    package static func encode(_ entries: [String: VaultEntry]) -> [UInt8] {
        var writer = TableWriter(count: entries.count, recordsCapacity: 256 * entries.count)
        for (name, entry) in entries.map({ (Array($0.key.utf8), $0.value) }).sorted(by: { compare($0.0, $1.0) < 0 }) {
            writer.append(entry, named: name)
        }
        return try! writer.finish(path: "")  // exactly `entries.count` records were appended
    }

    /// The bytes of record `index`, bounds-checked.
    private func record(_ index: Int, in bytes: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
        let slot = 4 + index * 8
        let recordsStart = 4 + count * 8
        let offset = Int(bytes.loadBigEndianUInt32(at: slot))
        let length = Int(bytes.loadBigEndianUInt32(at: slot + 4))
        guard offset <= bytes.count - recordsStart, length <= bytes.count - recordsStart - offset else {
            throw VaultError.malformed(path: path, reason: "entry \(index) lies outside the table")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[(recordsStart + offset)..<(recordsStart + offset + length)])
    }
}

/// Bytewise order of UTF-8 names: negative, zero or positive.
private func compare(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Int {
    a.withUnsafeBytes { compare($0, b) }
}

private func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBytes { x in b.withUnsafeBytes { y in compare(x, y) } }
}

private func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
    -compare(b, a)
}

private func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let common = min(a.count, b.count)
    if common > 0 {
        let order = memcmp(a.baseAddress!, b.baseAddress!, common)
        if order != 0 { return Int(order) }
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

/// Builds a table of a known number of records in one buffer: the index in front, filled in
/// as the records are appended behind it.
private struct TableWriter {
    private var bytes: [UInt8]
    private let count: Int
    private let recordsStart: Int
    private var appended = 0
    private var overflowed = false

    init(count: Int, recordsCapacity: Int) {
        self.count = count
        recordsStart = 4 + 8 * count
        bytes = [UInt8](repeating: 0, count: recordsStart)
        bytes.reserveCapacity(recordsStart + recordsCapacity)
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(count).bigEndian, toByteOffset: 0, as: UInt32.self) }
    }

    mutating func append(record: UnsafeRawBufferPointer) {
        let start = bytes.count
        bytes.append(contentsOf: record.assumingMemoryBound(to: UInt8.self))  // typed: one memcpy
        fillSlot(from: start)
    }

    /// Encodes one record (docs/FORMAT.md, "Entry record").
    mutating func append(_ entry: VaultEntry, named name: [UInt8]) {
        let start = bytes.count
        let token = entry.token
        string(name)
        string(token.accessToken.utf8)
        string(token.tokenType.utf8)
        if let expiresIn = token.expiresIn {
            bytes.append(1)
            int64(Int64(expiresIn))
        } else {
            bytes.append(0)
        }
        optional(token.scope)
        int64(token.obtainedAt.milliseconds)
        int64(token.expiresAt.milliseconds)
        optional(token.appId)
        optional(token.nonce)
        int64(entry.storedAt.milliseconds)
        optional(entry.tokenURL)
        optional(entry.clientID)
        optional(entry.requestedScope)
        fillSlot(from: start)
    }

    /// The table's bytes, once exactly `count` records were appended.
    consuming func finish(path: String) throws -> [UInt8] {
        guard appended == count, !overflowed else {
            bytes.cleanse()
            throw VaultError.malformed(path: path, reason: "entry names repeated or out of order")
        }
        return bytes
    }

    private mutating func fillSlot(from start: Int) {
        guard appended < count else {
            overflowed = true  // a table with repeated names: refused by finish(path:)
            return
        }
        let slot = 4 + 8 * appended
        let offset = UInt32(start - recordsStart)
        let length = UInt32(bytes.count - start)
        bytes.withUnsafeMutableBytes {
            $0.storeBytes(of: offset.bigEndian, toByteOffset: slot, as: UInt32.self)
            $0.storeBytes(of: length.bigEndian, toByteOffset: slot + 4, as: UInt32.self)
        }
        appended += 1
    }

    private mutating func string(_ value: some Collection<UInt8>) {
        bytes.appendBigEndian(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    private mutating func optional(_ value: String?) {
        guard let value else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        string(value.utf8)
    }

    private mutating func int64(_ value: Int64) {
        let bits = UInt64(bitPattern: value)
        bytes.appendBigEndian(UInt32(truncatingIfNeeded: bits >> 32))
        bytes.appendBigEndian(UInt32(truncatingIfNeeded: bits))
    }
}

/// Decodes one record, bounds-checked.
private struct RecordReader {
    private let bytes: UnsafeRawBufferPointer
    private let path: String
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    mutating func field() throws -> UnsafeRawBufferPointer {
        let length = Int(try uint32())
        guard length <= bytes.count - offset else { throw truncated }
        defer { offset += length }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
    }

    mutating func string() throws -> String {
        let raw = try field()
        guard let string = String(validating: raw, as: UTF8.self) else {
            throw VaultError.malformed(path: path, reason: "entry text is not UTF-8")
        }
        return string
    }

    mutating func optionalString() throws -> String? {
        try flag() ? try string() : nil
    }

    /// The rest of the record after its name.
    mutating func entry() throws -> VaultEntry {
        let accessToken = try string()
        let tokenType = try string()
        let expiresIn = try flag() ? Int(exactly: try int64()) : nil
        let scope = try optionalString()
        let obtainedAt = try date()
        let expiresAt = try date()
        let appId = try optionalString()
        let nonce = try optionalString()
        let storedAt = try date()
        let tokenURL = try optionalString()
        let clientID = try optionalString()
        let requestedScope = try optionalString()
        let token = OAuthToken(
            accessToken: accessToken, tokenType: tokenType, expiresIn: expiresIn, scope: scope, obtainedAt: obtainedAt,
            expiresAt: expiresAt, appId: appId, nonce: nonce)
        var entry = VaultEntry(token: token, storedAt: storedAt)
        entry.tokenURL = tokenURL
        entry.clientID = clientID
        entry.requestedScope = requestedScope
        return entry
    }

    private var truncated: VaultError { VaultError.malformed(path: path, reason: "entry record truncated") }

    private mutating func flag() throws -> Bool {
        guard offset < bytes.count else { throw truncated }
        defer { offset += 1 }
        switch bytes[offset] {
        case 0: return false
        case 1: return true
        default: throw VaultError.malformed(path: path, reason: "entry record has an invalid flag")
        }
    }

    private mutating func uint32() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw truncated }
        defer { offset += 4 }
        return bytes.loadBigEndianUInt32(at: offset)
    }

    private mutating func int64() throws -> Int64 {
        let high = UInt64(try uint32())
        let low = UInt64(try uint32())
        return Int64(bitPattern: high << 32 | low)
    }

    /// A date as the writer stores it: whole milliseconds from year 1 to year 9999, the range it
    /// clamps to, where every millisecond survives the trip through `Date` (found by the vault
    /// fuzz target: a date near ±2^53 ms read back as another date).
    private mutating func date() throws -> Date {
        let milliseconds = try int64()
        guard Date.millisecondsRange.contains(milliseconds) else {
            throw VaultError.malformed(path: path, reason: "entry record has a date out of range")
        }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension UnsafeRawBufferPointer {
    /// The big-endian `UInt32` at `offset`; the caller checks the bounds.
    fileprivate func loadBigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }
}

extension Date {
    /// The dates format 2 stores, in whole milliseconds since 1970:
    /// 0001-01-01T00:00:00.000Z through 9999-12-31T23:59:59.999Z.
    fileprivate static let millisecondsRange: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999

    /// Whole milliseconds since 1970, as format 2 stores dates; a date outside
    /// ``millisecondsRange`` is clamped to it rather than trapping.
    fileprivate var milliseconds: Int64 {
        let value = (timeIntervalSince1970 * 1000).rounded()
        guard !value.isNaN else { return 0 }
        let range = Self.millisecondsRange
        return Int64(min(max(value, Double(range.lowerBound)), Double(range.upperBound)))
    }
}
