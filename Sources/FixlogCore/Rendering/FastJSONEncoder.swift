import Foundation

/// A fast `Encodable` → JSON writer whose output is byte-identical to `JSONEncoder` with
/// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` for the values fixlog writes (strings, integers,
/// booleans, nulls, arrays, keyed objects). `JSONOutput.encode` uses it; Foundation's encoder is kept as the
/// reference and as the fallback: a value it cannot reproduce exactly (floating-point numbers, `Date`, `Data`,
/// `URL`, `Decimal`) or an object whose key order it cannot confirm makes `encode` return nil.
///
/// Why: on a 27 MB log Foundation's encoder spent about 13 s on the parse document (issue 7); this writer
/// builds a light tree and prints it into one byte buffer.
enum FastJSON {
    /// The pretty-printed text (without the final newline), or nil when Foundation must do it.
    static func encode<T: Encodable>(_ value: T) -> String? {
        encodeBytes(value).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The same text as UTF-8 bytes (no copy into a `String`), or nil when Foundation must do it.
    static func encodeBytes<T: Encodable>(_ value: T) -> [UInt8]? {
        var writer = Writer()
        do {
            // The tree lives only in this scope: it is released before the caller copies or writes the bytes.
            let encoder = TreeEncoder(codingPath: [])
            try value.encode(to: encoder)
            guard writer.write(encoder.root ?? .object(ObjectBox()), indent: 0) else { return nil }
        } catch {
            return nil
        }
        return writer.out
    }

    /// A value the fast path leaves to Foundation.
    struct Unsupported: Error {}

    indirect enum Node {
        case null
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case string(String)
        case array(ArrayBox)
        case object(ObjectBox)
        case slot(SlotBox)
    }

    final class ArrayBox { var items: [Node] = [] }
    final class SlotBox { var node: Node? }
    /// An object's members in insertion order. A repeated key is kept twice here; the printer then finds
    /// that Foundation's order differs and leaves the document to Foundation.
    final class ObjectBox {
        var keys: [String] = []
        var values: [Node] = []

        func set(_ key: String, _ node: Node) {
            keys.append(key)
            values.append(node)
        }
    }

    // MARK: building the tree

    final class TreeEncoder: Encoder {
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var root: Node?
        let slot: SlotBox?

        init(codingPath: [any CodingKey], slot: SlotBox? = nil) {
            self.codingPath = codingPath
            self.slot = slot
        }

        private func store(_ node: Node) {
            root = node
            slot?.node = node
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if case .object(let box) = root { return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath)) }
            let box = ObjectBox()
            store(.object(box))
            return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if case .array(let box) = root { return Unkeyed(box: box, codingPath: codingPath) }
            let box = ArrayBox()
            store(.array(box))
            return Unkeyed(box: box, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

        fileprivate func set(_ node: Node) { store(node) }
    }

    /// The node for one value: scalars directly, anything else through its `encode(to:)`.
    static func node<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> Node {
        // Type identity checks are cheaper than dynamic casts on every value.
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return .int(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Double.self || T.self == Float.self || T.self == Date.self || T.self == Data.self
            || T.self == URL.self || T.self == Decimal.self
        {
            throw Unsupported()
        }
        if T.self == Int64.self { return .int(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Int32.self { return .int(Int64(unsafeBitCast(value, to: Int32.self))) }
        if T.self == Int16.self { return .int(Int64(unsafeBitCast(value, to: Int16.self))) }
        if T.self == Int8.self { return .int(Int64(unsafeBitCast(value, to: Int8.self))) }
        if T.self == UInt.self { return .uint(UInt64(unsafeBitCast(value, to: UInt.self))) }
        if T.self == UInt64.self { return .uint(unsafeBitCast(value, to: UInt64.self)) }
        if T.self == UInt32.self { return .uint(UInt64(unsafeBitCast(value, to: UInt32.self))) }
        if T.self == UInt16.self { return .uint(UInt64(unsafeBitCast(value, to: UInt16.self))) }
        if T.self == UInt8.self { return .uint(UInt64(unsafeBitCast(value, to: UInt8.self))) }
        let encoder = TreeEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.root ?? .object(ObjectBox())
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: ObjectBox
        var codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { box.set(key.stringValue, .null) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { box.set(key.stringValue, .bool(value)) }
        mutating func encode(_ value: String, forKey key: Key) throws { box.set(key.stringValue, .string(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { box.set(key.stringValue, .int(Int64(value))) }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw Unsupported() }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            box.set(key.stringValue, try FastJSON.node(value, codingPath: codingPath))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            let nested = ObjectBox()
            box.set(key.stringValue, .object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(box: nested, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayBox()
            box.set(key.stringValue, .array(nested))
            return Unkeyed(box: nested, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

        private func superEncoder(named name: String) -> any Encoder {
            let slot = SlotBox()
            box.set(name, .slot(slot))
            return TreeEncoder(codingPath: codingPath, slot: slot)
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: ArrayBox
        var codingPath: [any CodingKey]
        var count: Int { box.items.count }

        mutating func encodeNil() throws { box.items.append(.null) }
        mutating func encode(_ value: Bool) throws { box.items.append(.bool(value)) }
        mutating func encode(_ value: String) throws { box.items.append(.string(value)) }
        mutating func encode(_ value: Int) throws { box.items.append(.int(Int64(value))) }
        mutating func encode(_ value: Double) throws { throw Unsupported() }
        mutating func encode(_ value: Float) throws { throw Unsupported() }
        mutating func encode<T: Encodable>(_ value: T) throws {
            box.items.append(try FastJSON.node(value, codingPath: codingPath))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            let nested = ObjectBox()
            box.items.append(.object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(box: nested, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayBox()
            box.items.append(.array(nested))
            return Unkeyed(box: nested, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder {
            let slot = SlotBox()
            box.items.append(.slot(slot))
            return TreeEncoder(codingPath: codingPath, slot: slot)
        }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: TreeEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.set(.null) }
        mutating func encode(_ value: Bool) throws { encoder.set(.bool(value)) }
        mutating func encode(_ value: String) throws { encoder.set(.string(value)) }
        mutating func encode(_ value: Int) throws { encoder.set(.int(Int64(value))) }
        mutating func encode(_ value: Double) throws { throw Unsupported() }
        mutating func encode(_ value: Float) throws { throw Unsupported() }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.set(try FastJSON.node(value, codingPath: codingPath))
        }
    }

    // MARK: printing

    struct Writer {
        var out: [UInt8] = []
        /// Key orders already confirmed against Foundation, by the keys in insertion order.
        var orders: [[String]: [Int]] = [:]

        init() { out.reserveCapacity(1 << 20) }

        /// Writes `node`; false when an object's key order could not be confirmed.
        mutating func write(_ node: Node, indent: Int) -> Bool {
            switch node {
            case .null: append("null")
            case .bool(let b): append(b ? "true" : "false")
            case .int(let i): append(String(i))
            case .uint(let u): append(String(u))
            case .string(let s): quote(s)
            case .slot(let slot): return write(slot.node ?? .object(ObjectBox()), indent: indent)
            case .array(let box):
                out.append(UInt8(ascii: "["))
                out.append(0x0A)
                if box.items.isEmpty {
                    out.append(0x0A)
                    pad(indent)
                    out.append(UInt8(ascii: "]"))
                    return true
                }
                for (i, item) in box.items.enumerated() {
                    pad(indent + 1)
                    guard write(item, indent: indent + 1) else { return false }
                    if i + 1 < box.items.count { out.append(UInt8(ascii: ",")) }
                    out.append(0x0A)
                }
                pad(indent)
                out.append(UInt8(ascii: "]"))
            case .object(let box):
                out.append(UInt8(ascii: "{"))
                out.append(0x0A)
                if box.keys.isEmpty {
                    out.append(0x0A)
                    pad(indent)
                    out.append(UInt8(ascii: "}"))
                    return true
                }
                guard let order = order(of: box.keys) else { return false }
                for (n, i) in order.enumerated() {
                    pad(indent + 1)
                    quote(box.keys[i])
                    append(" : ")
                    guard write(box.values[i], indent: indent + 1) else { return false }
                    if n + 1 < order.count { out.append(UInt8(ascii: ",")) }
                    out.append(0x0A)
                }
                pad(indent)
                out.append(UInt8(ascii: "}"))
            }
            return true
        }

        /// The positions of `keys` in Foundation's sorted-keys order; computed once per key set and confirmed
        /// by encoding a dictionary of those keys with `JSONEncoder` itself.
        mutating func order(of keys: [String]) -> [Int]? {
            if let known = orders[keys] { return known }
            let order = keys.indices.sorted { Writer.precedes(keys[$0], keys[$1]) }
            var dictionary: [String: Int] = [:]
            for (i, k) in keys.enumerated() { dictionary[k] = i }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(dictionary) else { return nil }
            var mine = Writer()
            mine.out.append(UInt8(ascii: "{"))
            for (n, i) in order.enumerated() {
                if n > 0 { mine.out.append(UInt8(ascii: ",")) }
                mine.quote(keys[i])
                mine.out.append(UInt8(ascii: ":"))
                mine.append(String(i))
            }
            mine.out.append(UInt8(ascii: "}"))
            guard Array(data) == mine.out else { return nil }
            orders[keys] = order
            return order
        }

        /// The order Foundation's `.sortedKeys` uses for the keys fixlog writes: numeric, case-insensitive,
        /// then forced (code-point) ordering.
        static func precedes(_ a: String, _ b: String) -> Bool {
            a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering]) == .orderedAscending
        }

        mutating func pad(_ indent: Int) {
            for _ in 0..<(indent * 2) { out.append(0x20) }
        }

        mutating func append(_ s: String) {
            out.append(contentsOf: s.utf8)
        }

        private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

        /// A JSON string: quote, backslash and control characters escaped, slashes and non-ASCII kept.
        mutating func quote(_ s: String) {
            out.append(UInt8(ascii: "\""))
            var s = s
            s.withUTF8 { bytes in
                var start = 0
                for i in 0..<bytes.count {
                    let b = bytes[i]
                    if b >= 0x20 && b != 0x22 && b != 0x5C { continue }
                    if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i])) }
                    start = i + 1
                    out.append(0x5C)
                    switch b {
                    case 0x22: out.append(0x22)
                    case 0x5C: out.append(0x5C)
                    case 0x0A: out.append(UInt8(ascii: "n"))
                    case 0x0D: out.append(UInt8(ascii: "r"))
                    case 0x09: out.append(UInt8(ascii: "t"))
                    case 0x08: out.append(UInt8(ascii: "b"))
                    case 0x0C: out.append(UInt8(ascii: "f"))
                    default:
                        out.append(contentsOf: Array("u00".utf8))
                        out.append(Writer.hex[Int(b >> 4)])
                        out.append(Writer.hex[Int(b & 0xF)])
                    }
                }
                if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count])) }
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}
