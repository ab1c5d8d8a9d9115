import Foundation

/// Encodes fixlog's JSON documents: sorted keys, two-space indentation, no escaped slashes, a final newline.
public enum JSONOutput {
    /// The same bytes as Foundation's `JSONEncoder` with these options; written by `FastJSON` when it can
    /// reproduce them exactly (about 20 times faster on a large parse document), by `JSONEncoder` otherwise.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        if let fast = FastJSON.encode(value) { return fast + "\n" }
        return try foundationEncode(value)
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
