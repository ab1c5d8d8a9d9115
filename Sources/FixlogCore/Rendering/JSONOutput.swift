import Foundation

/// Encodes fixlog's JSON documents: sorted keys, two-space indentation, no escaped slashes, a final newline.
public enum JSONOutput {
    /// The same bytes as Foundation's `JSONEncoder` with these options; written by `FastJSON` when it can
    /// reproduce them exactly (about 20 times faster on a large parse document), by `JSONEncoder` otherwise.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        if let fast = FastJSON.encode(value) { return fast + "\n" }
        return try foundationEncode(value)
    }

    /// `encode` as UTF-8 bytes with the final newline, without the copies into a `String` (for large documents
    /// written straight to standard output).
    public static func encodeUTF8<T: Encodable>(_ value: T) throws -> [UInt8] {
        if var fast = FastJSON.encodeBytes(value) {
            fast.append(0x0A)
            return fast
        }
        return Array(try foundationEncode(value).utf8)
    }

    /// The reference encoding through Foundation's `JSONEncoder` (tests compare `encode` against it).
    public static func foundationEncode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// A keyed container helper that writes `null` for nil instead of leaving the key out, so that every
/// documented key is always present.
struct NullEncoding {
    static func put<K: CodingKey, T: Encodable>(_ c: inout KeyedEncodingContainer<K>, _ value: T?, _ key: K) throws {
        if let value { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
    }
}
