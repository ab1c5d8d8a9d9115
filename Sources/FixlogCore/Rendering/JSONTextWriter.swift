/// Writes JSON text straight into a byte buffer in exactly the layout of ``JSONValue/rendered(newline:)``
/// (two-space indent, `"key": value`, `{}` / `[]` when empty, the same string escapes and number forms),
/// without building a ``JSONValue`` tree first. The caller gives object keys in the order they are to appear
/// (for fixlog's sorted-key documents: code-point order).
struct JSONTextWriter {
    private(set) var bytes: [UInt8] = []
    /// Items written so far in each open container, innermost last.
    private var counts: [Int] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// The text (with a final newline when `newline`).
    mutating func finish(newline: Bool) -> String {
        if newline { bytes.append(UInt8(ascii: "\n")) }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: containers

    mutating func beginObject() { bytes.append(UInt8(ascii: "{")); counts.append(0) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { bytes.append(UInt8(ascii: "[")); counts.append(0) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Starts the next member of the open object: its key; the value follows.
    mutating func key(_ key: StaticString) {
        item()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: " ")])
    }

    /// Starts the next member of the open object with a key known only at run time.
    mutating func key(_ key: String) {
        item()
        quote(key)
        bytes.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
    }

    /// Starts the next element of the open array; the value follows.
    mutating func element() { item() }

    // MARK: values

    mutating func null() { append("null") }
    mutating func bool(_ b: Bool) { append(b ? "true" : "false") }
    mutating func int(_ i: Int) { append(String(i)) }
    mutating func int(_ i: Int?) { if let i { int(i) } else { null() } }
    mutating func string(_ s: String) { quote(s) }
    mutating func string(_ s: String?) { if let s { quote(s) } else { null() } }

    /// As ``JSONValue/double(_:)`` prints it.
    mutating func double(_ d: Double) {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 { append(String(Int(d))) } else if d.isFinite { append(String(d)) } else { null() }
    }

    // MARK: internals

    private mutating func item() {
        guard let last = counts.indices.last else { return }
        bytes.append(contentsOf: counts[last] == 0 ? [UInt8(ascii: "\n")] : [UInt8(ascii: ","), UInt8(ascii: "\n")])
        counts[last] += 1
        pad(counts.count)
    }

    private mutating func close(_ bracket: UInt8) {
        let n = counts.removeLast()
        if n > 0 {
            bytes.append(UInt8(ascii: "\n"))
            pad(counts.count)
        }
        bytes.append(bracket)
    }

    private mutating func pad(_ depth: Int) {
        for _ in 0..<(2 * depth) { bytes.append(UInt8(ascii: " ")) }
    }

    private mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// As ``JSONValue/quote(_:)``: `"` `\` newline, return and tab escaped by name, other control characters as
    /// `\u00xx`, everything else (slashes, non-ASCII) as it is.
    private mutating func quote(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 10: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 13: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 9: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
