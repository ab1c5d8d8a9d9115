import Foundation

/// Encodes fixlog's JSON documents: sorted keys, two-space indentation, no escaped slashes, a final newline.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
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
