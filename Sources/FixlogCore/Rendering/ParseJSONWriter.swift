import Dispatch
import Foundation

/// Writes the parse document (schema version 1, docs/schema.md) straight into UTF-8 bytes, without going
/// through `Encodable`: the output is byte-identical to `JSONOutput.encodeUTF8(ParseDocumentV1(log))`
/// (sorted keys, two-space indentation, `" : "` separators, slashes and non-ASCII unescaped, `null` for
/// absent values, a final newline).
///
/// Why: on a 26 MB log the `Encodable` path (``FastJSON``'s boxed tree, then printing it, then freeing it)
/// took about 1.8 s; this writer walks the model once and appends to a byte buffer. Large documents are
/// written in parallel: the incidents are split into contiguous index ranges, each range is written into its
/// own buffer, and the buffers are joined in index order, so the bytes never depend on scheduling.
///
/// The key order of every object is fixed by the schema and written out below in Foundation's
/// `.sortedKeys` order; the only keys that come from the input (a verification's `options`) are ordered the
/// way ``FastJSON`` orders them, confirmed against `JSONEncoder` once per key set. A key set whose order
/// cannot be confirmed makes the writer fall back to `JSONOutput.encodeUTF8` for the whole document.
public enum ParseJSONWriter {
    /// Documents with at least this many incidents are written on several threads.
    public static let parallelThreshold = 64

    /// The parse document of `log` as UTF-8 bytes (final newline included), in one contiguous buffer.
    ///
    /// - Parameter parallel: write the incidents on several threads when there are at least
    ///   ``parallelThreshold`` of them (the bytes are the same either way).
    public static func encode(_ log: FixLog, parallel: Bool = true) throws -> [UInt8] {
        guard let orders = OptionOrders(log) else { return try JSONOutput.encodeUTF8(ParseDocumentV1(log)) }
        if parallel && log.incidents.count >= parallelThreshold {
            let chunks = parallelChunks(log, orders: orders)
            var out: [UInt8] = []
            out.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
            for chunk in chunks { out.append(contentsOf: chunk) }
            return out
        }
        var w = JSONByteWriter(capacity: estimate(log))
        w.head(log)
        for i in log.incidents.indices { w.incidentItem(log.incidents[i], index: i, orders: orders) }
        w.tail(log)
        return w.out
    }

    /// The same bytes as ``encode(_:parallel:)`` in consecutive pieces (their concatenation is the document),
    /// for writing a large document out without first copying the pieces into one buffer.
    public static func encodeChunks(_ log: FixLog, parallel: Bool = true) throws -> [[UInt8]] {
        guard let orders = OptionOrders(log) else { return [try JSONOutput.encodeUTF8(ParseDocumentV1(log))] }
        if parallel && log.incidents.count >= parallelThreshold { return parallelChunks(log, orders: orders) }
        return [try encode(log, parallel: false)]
    }

    /// Head, incident ranges written concurrently into per-range slots, tail — in document order.
    static func parallelChunks(_ log: FixLog, orders: OptionOrders) -> [[UInt8]] {
        let incidents = log.incidents
        // Several ranges per core so that a core slowed by other work does not hold up the rest.
        let rangeCount = Swift.max(1, Swift.min(incidents.count / 32, 8 * ProcessInfo.processInfo.activeProcessorCount))
        let bounds = (0...rangeCount).map { incidents.count * $0 / rangeCount }
        let slots = ChunkSlots(count: rangeCount)
        DispatchQueue.concurrentPerform(iterations: rangeCount) { k in
            let range = bounds[k]..<bounds[k + 1]
            var w = JSONByteWriter(capacity: range.reduce(0) { $0 + estimate(incidents[$1]) })
            for i in range { w.incidentItem(incidents[i], index: i, orders: orders) }
            slots.set(k, w.out)
        }
        var head = JSONByteWriter(capacity: 4096 + log.diagnostics.count * 400)
        head.head(log)
        var tail = JSONByteWriter(capacity: 4096 + log.interludes.count * 400)
        tail.tail(log)
        return [head.out] + slots.take() + [tail.out]
    }

    /// A guess at the document's size, to reserve the buffer once.
    static func estimate(_ log: FixLog) -> Int {
        4096 + log.diagnostics.count * 400 + log.interludes.count * 400 + log.incidents.reduce(0) { $0 + estimate($1) }
    }

    /// A guess at the size of one incident's JSON (a little above the typical size, so that buffers rarely grow).
    static func estimate(_ i: Incident) -> Int {
        var n = 2048 + i.title.utf8.count + (i.summary?.utf8.count ?? 0) + (i.solution?.utf8.count ?? 0)
        n += i.fields.reduce(0) { $0 + 300 + $1.name.utf8.count + $1.value.utf8.count }
        n += i.sections.count * 330
        for items in [i.problems, i.rootCauses, i.alternatives, i.lessons] {
            n += items.reduce(0) { $0 + 300 + $1.title.utf8.count + $1.detail.utf8.count }
        }
        n += i.impact.reduce(0) { $0 + 300 + $1.metric.utf8.count + $1.value.utf8.count }
        n += i.result.reduce(0) { $0 + 16 + $1.utf8.count }
        for c in i.changes {
            n += 1200 + c.label.utf8.count + 2 * c.code.utf8.count + c.lines.count * 110 + c.annotations.count * 110
        }
        for v in i.verifications {
            n += 900 + v.script.utf8.count + v.expectedOutput.reduce(0) { $0 + 400 + $1.text.utf8.count }
        }
        return n
    }
}

/// Per-index result slots filled from concurrent work.
final class ChunkSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[UInt8]]

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ index: Int, _ bytes: [UInt8]) {
        lock.lock()
        slots[index] = bytes
        lock.unlock()
    }

    /// The slots in index order (the object is empty afterwards).
    func take() -> [[UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        let all = slots
        slots = []
        return all
    }
}

/// The printed order of each distinct `options` key set of the document's verification steps, keyed by the
/// keys in code-point order. Built before writing (so concurrent writers only read it); nil when an order
/// cannot be confirmed against Foundation.
struct OptionOrders: Sendable {
    private var orders: [[String]: [String]] = [:]

    init?(_ log: FixLog) {
        var fast = FastJSON.Writer()
        for incident in log.incidents {
            for step in incident.verifications where step.options.count > 1 {
                let keys = step.options.keys.sorted()
                if orders[keys] != nil { continue }
                guard let order = fast.order(of: keys) else { return nil }
                orders[keys] = order.map { keys[$0] }
            }
        }
    }

    /// The keys of `options` in the order Foundation's `.sortedKeys` prints them.
    func order(of options: [String: String]) -> [String] {
        let keys = options.keys.sorted()
        if keys.count < 2 { return keys }
        return orders[keys] ?? keys.sorted(by: FastJSON.Writer.precedes)
    }
}

/// A pretty-printing JSON writer over a growing byte buffer, with one method per type of the parse document.
/// `indent` arguments are the nesting level of the value being written (its members sit one level deeper).
struct JSONByteWriter {
    var out: [UInt8] = []

    init(capacity: Int) { out.reserveCapacity(capacity) }

    // MARK: primitives

    @inline(__always) mutating func byte(_ b: UInt8) { out.append(b) }

    @inline(__always) mutating func raw(_ s: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// A newline and two spaces per level.
    @inline(__always) mutating func newline(_ level: Int) {
        // A literal: no reference counting, no lazy global.
        let padding: StaticString = "\n                                                                "
        let count = 1 + 2 * level
        if count <= padding.utf8CodeUnitCount {
            out.append(contentsOf: UnsafeBufferPointer(start: padding.utf8Start, count: count))
        } else {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: 2 * level))
        }
    }

    /// Starts a member of an object at `level`: `{` (first member) or `,`, a new line, `"name" : `.
    @inline(__always) mutating func key(_ name: StaticString, _ level: Int, first: Bool = false) {
        byte(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        newline(level + 1)
        byte(UInt8(ascii: "\""))
        raw(name)
        raw("\" : ")
    }

    /// Ends an object at `level` that has at least one member.
    @inline(__always) mutating func close(_ level: Int) {
        newline(level)
        byte(UInt8(ascii: "}"))
    }

    mutating func null() { raw("null") }

    mutating func bool(_ b: Bool) { b ? raw("true") : raw("false") }

    mutating func int(_ v: Int) {
        if v >= 0 && v < 10 {
            out.append(0x30 &+ UInt8(truncatingIfNeeded: v))
            return
        }
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var n = v.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = 0x30 &+ UInt8(truncatingIfNeeded: n % 10)
                n /= 10
            } while n > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[i...]))
        }
    }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { quote($0) }
    }

    mutating func string(_ s: String?) {
        if let s { string(s) } else { null() }
    }

    mutating func int(_ v: Int?) {
        if let v { int(v) } else { null() }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`;
    /// slashes, DEL and non-ASCII (U+2028 included) written as they are — what Foundation writes.
    mutating func quote(_ bytes: UnsafeBufferPointer<UInt8>) {
        out.append(UInt8(ascii: "\""))
        guard let base = bytes.baseAddress else {
            out.append(UInt8(ascii: "\""))
            return
        }
        let count = bytes.count
        var start = 0
        var i = 0
        while i < count {
            // Eight bytes at a time while none of them needs escaping.
            if i + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                if !Self.needsEscape(word) {
                    i += 8
                    continue
                }
            }
            let end = Swift.min(i + 8, count)
            while i < end {
                let b = base[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C {
                    i += 1
                    continue
                }
                if start < i { out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: i - start)) }
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
                    raw("u00")
                    out.append(Self.hex[Int(b >> 4)])
                    out.append(Self.hex[Int(b & 0xF)])
                }
                i += 1
                start = i
            }
        }
        if start < count { out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: count - start)) }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes is below 0x20, a quote or a backslash (exact for "any").
    @inline(__always) static func needsEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let below = (w &- ones &* 0x20) & ~w & high
        let q = w ^ (ones &* 0x22)
        let quote = (q &- ones) & ~q & high
        let s = w ^ (ones &* 0x5C)
        let backslash = (s &- ones) & ~s & high
        return (below | quote | backslash) != 0
    }

    /// An array at `level`: `[`, each element on its own line one level deeper, `]`; `[`, an empty line, `]`
    /// when empty.
    @inline(__always) mutating func array<C: Collection>(_ items: C, _ level: Int, _ element: (inout JSONByteWriter, C.Element) -> Void) {
        byte(UInt8(ascii: "["))
        if items.isEmpty {
            byte(0x0A)
            newline(level)
            byte(UInt8(ascii: "]"))
            return
        }
        var first = true
        for item in items {
            if !first { byte(UInt8(ascii: ",")) }
            first = false
            newline(level + 1)
            element(&self, item)
        }
        newline(level)
        byte(UInt8(ascii: "]"))
    }

    /// An object with no members: `{`, an empty line, `}`.
    mutating func emptyObject(_ level: Int) {
        byte(UInt8(ascii: "{"))
        byte(0x0A)
        newline(level)
        byte(UInt8(ascii: "}"))
    }

    // MARK: the document

    /// Everything before the first incident: `{`, `"diagnostics"`, and `"incidents" : [`.
    mutating func head(_ log: FixLog) {
        key("diagnostics", 0, first: true)
        array(log.diagnostics, 1) { $0.diagnostic($1, 2) }
        key("incidents", 0)
        byte(UInt8(ascii: "["))
    }

    /// One element of the incidents array, with its separator.
    mutating func incidentItem(_ incident: Incident, index: Int, orders: OptionOrders) {
        if index > 0 { byte(UInt8(ascii: ",")) }
        newline(2)
        self.incident(incident, 2, orders)
    }

    /// Everything after the last incident: `]` and the remaining members.
    mutating func tail(_ log: FixLog) {
        if log.incidents.isEmpty { byte(0x0A) }
        newline(1)
        byte(UInt8(ascii: "]"))
        key("interludes", 0)
        array(log.interludes, 1) { $0.interlude($1, 2) }
        key("layout", 0)
        layout(log.layout, 1)
        key("preamble", 0)
        preamble(log.preamble, 1)
        key("schemaVersion", 0)
        int(ParseDocumentV1.schemaVersion)
        key("source", 0)
        string(log.source)
        close(0)
        byte(0x0A)
    }

    mutating func location(_ l: SourceLocation, _ level: Int) {
        key("column", level, first: true)
        int(l.column)
        key("line", level)
        int(l.line)
        close(level)
    }

    mutating func range(_ r: SourceRange, _ level: Int) {
        key("end", level, first: true)
        location(r.end, level + 1)
        key("start", level)
        location(r.start, level + 1)
        close(level)
    }

    mutating func range(_ r: SourceRange?, _ level: Int) {
        if let r { range(r, level) } else { null() }
    }

    mutating func layout(_ l: TextLayout, _ level: Int) {
        key("endsWithNewline", level, first: true)
        bool(l.endsWithNewline)
        key("hasBOM", level)
        bool(l.hasBOM)
        key("lineCount", level)
        int(l.lineCount)
        key("lineEnding", level)
        string(l.lineEnding.rawValue)
        close(level)
    }

    mutating func preamble(_ p: Preamble, _ level: Int) {
        key("range", level, first: true)
        range(p.range, level + 1)
        key("title", level)
        string(p.title)
        close(level)
    }

    mutating func interlude(_ i: Interlude, _ level: Int) {
        key("heading", level, first: true)
        string(i.heading)
        key("range", level)
        range(i.range, level + 1)
        key("role", level)
        string(i.role.rawValue)
        close(level)
    }

    /// `DiagnosticJSON`: every key present, `null` for a missing file or range.
    mutating func diagnostic(_ d: Diagnostic, _ level: Int) {
        key("file", level, first: true)
        string(d.file)
        key("id", level)
        string(d.id.rawValue)
        key("message", level)
        string(d.message)
        key("notes", level)
        array(d.notes, level + 1) { $0.note($1, level + 2) }
        key("range", level)
        range(d.range, level + 1)
        key("severity", level)
        string(d.severity.rawValue)
        close(level)
    }

    /// `Diagnostic.Note` through its synthesized conformance: a missing file or range is left out.
    mutating func note(_ n: Diagnostic.Note, _ level: Int) {
        if let file = n.file {
            key("file", level, first: true)
            string(file)
            key("message", level)
        } else {
            key("message", level, first: true)
        }
        string(n.message)
        if let r = n.range {
            key("range", level)
            range(r, level + 1)
        }
        close(level)
    }

    mutating func incident(_ i: Incident, _ level: Int, _ orders: OptionOrders) {
        let inner = level + 1
        key("alternatives", level, first: true)
        array(i.alternatives, inner) { $0.item($1, inner + 1) }
        key("changes", level)
        array(i.changes, inner) { $0.change($1, inner + 1) }
        key("date", level)
        string(i.date)
        key("dateSource", level)
        string(i.dateSource?.rawValue)
        key("fields", level)
        array(i.fields, inner) { $0.field($1, inner + 1) }
        key("group", level)
        string(i.group)
        key("heading", level)
        heading(i.heading, inner)
        key("impact", level)
        array(i.impact, inner) { $0.impact($1, inner + 1) }
        key("lessons", level)
        array(i.lessons, inner) { $0.item($1, inner + 1) }
        key("number", level)
        int(i.number)
        key("problems", level)
        array(i.problems, inner) { $0.item($1, inner + 1) }
        key("range", level)
        range(i.range, inner)
        key("result", level)
        array(i.result, inner) { $0.string($1) }
        key("rootCauses", level)
        array(i.rootCauses, inner) { $0.item($1, inner + 1) }
        key("sections", level)
        array(i.sections, inner) { $0.section($1, inner + 1) }
        key("shape", level)
        string(i.shape.rawValue)
        key("solution", level)
        string(i.solution)
        key("status", level)
        string(i.status)
        key("summary", level)
        string(i.summary)
        key("title", level)
        string(i.title)
        key("verifications", level)
        array(i.verifications, inner) { $0.verification($1, inner + 1, orders) }
        close(level)
    }

    mutating func heading(_ h: HeadingRef, _ level: Int) {
        key("level", level, first: true)
        int(h.level)
        key("range", level)
        range(h.range, level + 1)
        key("text", level)
        string(h.text)
        close(level)
    }

    mutating func item(_ item: Item, _ level: Int) {
        key("detail", level, first: true)
        string(item.detail)
        key("range", level)
        range(item.range, level + 1)
        key("title", level)
        string(item.title)
        close(level)
    }

    mutating func field(_ f: Field, _ level: Int) {
        key("name", level, first: true)
        string(f.name)
        key("range", level)
        range(f.range, level + 1)
        key("value", level)
        string(f.value)
        close(level)
    }

    mutating func section(_ s: Section, _ level: Int) {
        key("heading", level, first: true)
        string(s.heading)
        key("kind", level)
        string(s.kind.rawValue)
        key("level", level)
        int(s.level)
        key("range", level)
        range(s.range, level + 1)
        close(level)
    }

    mutating func impact(_ m: ImpactMetric, _ level: Int) {
        key("metric", level, first: true)
        string(m.metric)
        key("range", level)
        range(m.range, level + 1)
        key("value", level)
        string(m.value)
        close(level)
    }

    /// `ChangeJSON`: blank lines are left out of `lines`.
    mutating func change(_ c: DocumentedChange, _ level: Int) {
        let inner = level + 1
        key("annotations", level, first: true)
        array(c.annotations, inner) { $0.annotation($1, inner + 1) }
        key("code", level)
        string(c.code)
        key("file", level)
        string(c.file)
        key("label", level)
        string(c.label)
        key("language", level)
        string(c.language)
        key("languageGuessed", level)
        bool(c.languageGuessed)
        key("lineRef", level)
        lineReference(c.lineRef, inner)
        key("lines", level)
        array(c.lines.lazy.filter { $0.role != .blank }, inner) { $0.codeLine($1, inner + 1) }
        key("previousLineRef", level)
        lineReference(c.previousLineRef, inner)
        key("range", level)
        range(c.range, inner)
        key("replacement", level)
        if let r = c.replacement { replacement(r, inner) } else { null() }
        key("role", level)
        string(c.role.rawValue)
        key("stage", level)
        string(c.stage)
        close(level)
    }

    mutating func annotation(_ a: Annotation, _ level: Int) {
        key("kind", level, first: true)
        string(a.kind.rawValue)
        key("line", level)
        int(a.line)
        key("text", level)
        string(a.text)
        close(level)
    }

    mutating func codeLine(_ l: CodeLine, _ level: Int) {
        key("content", level, first: true)
        string(l.content)
        key("line", level)
        int(l.line)
        key("role", level)
        string(l.role.rawValue)
        close(level)
    }

    mutating func lineReference(_ ref: LineReference?, _ level: Int) {
        guard let ref else { return null() }
        key("first", level, first: true)
        int(ref.first)
        key("last", level)
        int(ref.last)
        key("origin", level)
        string(ref.origin.rawValue)
        key("range", level)
        range(ref.range, level + 1)
        key("text", level)
        string(ref.text)
        close(level)
    }

    mutating func replacement(_ r: Replacement, _ level: Int) {
        key("from", level, first: true)
        string(r.from)
        key("range", level)
        range(r.range, level + 1)
        key("subject", level)
        string(r.subject)
        key("to", level)
        string(r.to)
        close(level)
    }

    mutating func verification(_ v: VerificationStep, _ level: Int, _ orders: OptionOrders) {
        let inner = level + 1
        key("expectedOutput", level, first: true)
        array(v.expectedOutput, inner) { $0.expected($1, inner + 1) }
        key("label", level)
        string(v.label)
        key("language", level)
        string(v.language)
        key("options", level)
        if v.options.isEmpty {
            emptyObject(inner)
        } else {
            var first = true
            for name in orders.order(of: v.options) {
                byte(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
                first = false
                newline(inner + 1)
                string(name)
                raw(" : ")
                string(v.options[name] ?? "")
            }
            close(inner)
        }
        key("range", level)
        range(v.range, inner)
        key("script", level)
        string(v.script)
        close(level)
    }

    mutating func expected(_ e: ExpectedLine, _ level: Int) {
        key("condition", level, first: true)
        string(e.condition)
        key("range", level)
        range(e.range, level + 1)
        key("text", level)
        string(e.text)
        close(level)
    }
}
