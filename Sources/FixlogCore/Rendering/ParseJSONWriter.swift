import Dispatch
import Foundation

/// Writes the parse document (schema version 1, docs/schema.md) straight into UTF-8 bytes, without going
/// through `Encodable`: the output is byte-identical to `JSONOutput.encodeUTF8(ParseDocumentV1(log))`
/// (sorted keys, two-space indentation, `" : "` separators, slashes and non-ASCII unescaped, `null` for
/// absent values, a final newline).
///
/// Why: on a 26 MB log (130 MB of JSON) the `Encodable` path (``FastJSON``'s boxed tree, then printing it,
/// then freeing it) took about 2.6 s of CPU and 160 MB of extra memory; this writer walks the model once,
/// appends to a reused byte buffer and hands it over in pieces: about 0.1 s, no extra memory to speak of
/// (docs/performance.md). Large documents are written in parallel: the incidents are split into contiguous
/// index ranges, each range is written into its own buffer, and the buffers are handed over in index order,
/// so the bytes never depend on scheduling.
///
/// The key order of every object is fixed by the schema and written out below in Foundation's
/// `.sortedKeys` order; the only keys that come from the input (a verification's `options`) are ordered the
/// way ``FastJSON`` orders them, confirmed against `JSONEncoder` once per key set. A key set whose order
/// cannot be confirmed makes the writer fall back to `JSONOutput.encodeUTF8` for the whole document.
public enum ParseJSONWriter {
    /// Documents with at least this many incidents are written on several threads.
    public static let parallelThreshold = 64

    /// Incidents per range in the parallel path (about 1 MB of JSON for typical records).
    static let incidentsPerRange = 64

    /// The sequential path hands its buffer to the sink when it holds this many bytes.
    static let flushSize = 1 << 20

    /// The parse document of `log` as UTF-8 bytes (final newline included), in one buffer.
    ///
    /// - Parameter parallel: write the incidents on several threads when there are at least
    ///   ``parallelThreshold`` of them (the bytes are the same either way).
    public static func encode(_ log: FixLog, parallel: Bool = true) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(estimate(log))
        try write(log, parallel: parallel) { out.append(contentsOf: $0) }
        return out
    }

    /// Writes the same bytes as ``encode(_:parallel:)`` to `sink`, in consecutive pieces (their concatenation
    /// is the document; each piece is valid only during the call). Pieces are about a megabyte: the whole
    /// document is never held in memory.
    ///
    /// Large documents are written in parallel: the incidents are split into contiguous index ranges, a wave
    /// of ranges (one per core) is written concurrently into per-range buffers, the buffers go to `sink` in
    /// index order, and the buffers are reused for the next wave. `sink` is only called on the calling thread.
    public static func write(
        _ log: FixLog, parallel: Bool = true, to sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard let orders = OptionOrders(log) else {
            try JSONOutput.encodeUTF8(ParseDocumentV1(log)).withUnsafeBytes(sink)
            return
        }
        var w = JSONByteWriter(capacity: flushSize + flushSize / 4)
        defer { w.deallocate() }
        w.head(log)
        let incidents = log.incidents
        if parallel && incidents.count >= parallelThreshold {
            try sink(w.bytes)
            w.removeAll()
            try writeInParallel(incidents, orders: orders, to: sink)
        } else {
            for i in incidents.indices {
                w.incidentItem(incidents[i], index: i, orders: orders)
                if w.count >= flushSize {
                    try sink(w.bytes)
                    w.removeAll()
                }
            }
        }
        w.tail(log)
        try sink(w.bytes)
    }

    /// The incidents in waves of contiguous ranges, one range per core, each into its own reused buffer.
    static func writeInParallel(
        _ incidents: [Incident], orders: OptionOrders, to sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let rangeCount = (incidents.count + incidentsPerRange - 1) / incidentsPerRange
        let width = Swift.min(rangeCount, Swift.max(2, ProcessInfo.processInfo.activeProcessorCount))
        let buffers = BufferSlots(count: width, capacity: flushSize + flushSize / 4)
        defer { buffers.deallocateAll() }
        var first = 0
        while first < rangeCount {
            let wave = Swift.min(width, rangeCount - first)
            let firstRange = first
            DispatchQueue.concurrentPerform(iterations: wave) { k in
                let r = firstRange + k
                let lower = r * incidentsPerRange
                let upper = Swift.min(lower + incidentsPerRange, incidents.count)
                var w = buffers.take(k)
                w.removeAll()
                for i in lower..<upper { w.incidentItem(incidents[i], index: i, orders: orders) }
                buffers.put(k, w)
            }
            for k in 0..<wave { try sink(buffers.peek(k).bytes) }
            first += wave
        }
    }

    /// A guess at the document's size, to reserve the buffer of ``encode(_:parallel:)`` once.
    static func estimate(_ log: FixLog) -> Int {
        4096 + log.diagnostics.count * 400 + log.interludes.count * 400 + log.incidents.reduce(0) { $0 + estimate($1) }
    }

    /// A guess at the size of one incident's JSON (a little above the typical size).
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

/// The writers of one wave of the parallel path, by position: a worker takes its writer, fills it and puts
/// it back (its buffer may have moved while growing); the calling thread then reads them in order.
final class BufferSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var writers: [JSONByteWriter]

    init(count: Int, capacity: Int) {
        writers = (0..<count).map { _ in JSONByteWriter(capacity: capacity) }
    }

    func take(_ k: Int) -> JSONByteWriter {
        lock.lock()
        defer { lock.unlock() }
        return writers[k]
    }

    func put(_ k: Int, _ writer: JSONByteWriter) {
        lock.lock()
        writers[k] = writer
        lock.unlock()
    }

    func peek(_ k: Int) -> JSONByteWriter { take(k) }

    func deallocateAll() {
        lock.lock()
        defer { lock.unlock() }
        for i in writers.indices { writers[i].deallocate() }
        writers = []
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
/// `level` arguments are the nesting level of the value being written (its members sit one level deeper).
///
/// The buffer is raw memory (`malloc`/`realloc`), not an array: appends are a bounds check and a copy. A writer
/// is a plain value that owns its buffer by convention — exactly one copy is used at a time, and
/// ``deallocate()`` is called once, by whoever holds it last.
struct JSONByteWriter: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 64)
        guard let memory = malloc(self.capacity) else { fatalError("out of memory (\(self.capacity) bytes)") }
        base = memory.assumingMemoryBound(to: UInt8.self)
    }

    /// The bytes written so far (valid until the next write).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// A copy of the bytes written so far.
    var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    mutating func removeAll() { count = 0 }

    func deallocate() { free(base) }

    @inline(never) mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        guard let memory = realloc(base, newCapacity) else { fatalError("out of memory (\(newCapacity) bytes)") }
        base = memory.assumingMemoryBound(to: UInt8.self)
        capacity = newCapacity
    }

    // MARK: primitives

    @inline(__always) mutating func byte(_ b: UInt8) {
        if count == capacity { grow(count + 1) }
        base[count] = b
        count += 1
    }

    @inline(__always) mutating func append(_ source: UnsafePointer<UInt8>, _ n: Int) {
        if count + n > capacity { grow(count + n) }
        (base + count).update(from: source, count: n)
        count += n
    }

    @inline(__always) mutating func raw(_ s: StaticString) {
        append(s.utf8Start, s.utf8CodeUnitCount)
    }

    /// A newline and two spaces per level.
    @inline(__always) mutating func newline(_ level: Int) {
        // A literal: no reference counting, no lazy global.
        let padding: StaticString = "\n                                                                "
        let n = 1 + 2 * level
        if n <= padding.utf8CodeUnitCount {
            append(padding.utf8Start, n)
        } else {
            byte(0x0A)
            for _ in 0..<(2 * level) { byte(0x20) }
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
            byte(0x30 &+ UInt8(truncatingIfNeeded: v))
            return
        }
        if v < 0 { byte(UInt8(ascii: "-")) }
        var n = v.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            guard let start = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            var i = buffer.count
            repeat {
                i -= 1
                start[i] = 0x30 &+ UInt8(truncatingIfNeeded: n % 10)
                n /= 10
            } while n > 0
            append(start + i, buffer.count - i)
        }
    }

    mutating func string(_ s: String) {
        // Native strings are contiguous UTF-8: no copy (and no retain) of the string.
        if s.utf8.withContiguousStorageIfAvailable({ quote($0) }) != nil { return }
        var s = s
        s.withUTF8 { quote($0) }
    }

    mutating func string(_ s: String?) {
        if let s { string(s) } else { null() }
    }

    mutating func int(_ v: Int?) {
        if let v { int(v) } else { null() }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`;
    /// slashes, DEL and non-ASCII (U+2028 included) written as they are — what Foundation writes.
    mutating func quote(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        byte(UInt8(ascii: "\""))
        guard let source = bytes.baseAddress else {
            byte(UInt8(ascii: "\""))
            return
        }
        var start = 0
        var i = 0
        while i < n {
            // Eight bytes at a time while none of them needs escaping.
            if i + 8 <= n {
                let word = UInt64(littleEndian: UnsafeRawPointer(source + i).loadUnaligned(as: UInt64.self))
                if !Self.needsEscape(word) {
                    i += 8
                    continue
                }
            }
            let end = Swift.min(i + 8, n)
            while i < end {
                let b = source[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C {
                    i += 1
                    continue
                }
                if start < i { append(source + start, i - start) }
                escape(b)
                i += 1
                start = i
            }
        }
        if start < n { append(source + start, n - start) }
        byte(UInt8(ascii: "\""))
    }

    /// The escape sequence for a byte below 0x20, a quote or a backslash.
    @inline(never) mutating func escape(_ b: UInt8) {
        byte(0x5C)
        switch b {
        case 0x22: byte(0x22)
        case 0x5C: byte(0x5C)
        case 0x0A: byte(UInt8(ascii: "n"))
        case 0x0D: byte(UInt8(ascii: "r"))
        case 0x09: byte(UInt8(ascii: "t"))
        case 0x08: byte(UInt8(ascii: "b"))
        case 0x0C: byte(UInt8(ascii: "f"))
        default:
            let hex: StaticString = "0123456789abcdef"
            raw("u00")
            byte(hex.utf8Start[Int(b >> 4)])
            byte(hex.utf8Start[Int(b & 0xF)])
        }
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
    /// when empty. Elements are written in place (a closure taking each element would copy it first).
    @inline(__always) mutating func array<T: ParseJSONElement>(_ items: [T], _ level: Int) {
        byte(UInt8(ascii: "["))
        if items.isEmpty {
            byte(0x0A)
            newline(level)
            byte(UInt8(ascii: "]"))
            return
        }
        items.withUnsafeBufferPointer { items in
            for i in items.indices {
                if i > 0 { byte(UInt8(ascii: ",")) }
                newline(level + 1)
                items[i].writeJSON(&self, level + 1)
            }
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
        array(log.diagnostics, 1)
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
        array(log.interludes, 1)
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
        array(d.notes, level + 1)
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
        array(i.alternatives, inner)
        key("changes", level)
        array(i.changes, inner)
        key("date", level)
        string(i.date)
        key("dateSource", level)
        string(i.dateSource?.rawValue)
        key("fields", level)
        array(i.fields, inner)
        key("group", level)
        string(i.group)
        key("heading", level)
        heading(i.heading, inner)
        key("impact", level)
        array(i.impact, inner)
        key("lessons", level)
        array(i.lessons, inner)
        key("number", level)
        int(i.number)
        key("problems", level)
        array(i.problems, inner)
        key("range", level)
        range(i.range, inner)
        key("result", level)
        array(i.result, inner)
        key("rootCauses", level)
        array(i.rootCauses, inner)
        key("sections", level)
        array(i.sections, inner)
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
        byte(UInt8(ascii: "["))
        for n in i.verifications.indices {
            if n > 0 { byte(UInt8(ascii: ",")) }
            newline(inner + 1)
            verification(i.verifications[n], inner + 1, orders)
        }
        if i.verifications.isEmpty { byte(0x0A) }
        newline(inner)
        byte(UInt8(ascii: "]"))
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
        array(c.annotations, inner)
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
        // Blank lines are left out.
        byte(UInt8(ascii: "["))
        var written = 0
        for n in c.lines.indices where c.lines[n].role != .blank {
            if written > 0 { byte(UInt8(ascii: ",")) }
            written += 1
            newline(inner + 1)
            codeLine(c.lines[n], inner + 1)
        }
        if written == 0 { byte(0x0A) }
        newline(inner)
        byte(UInt8(ascii: "]"))
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
        array(v.expectedOutput, inner)
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

/// A type written as an element of a JSON array of the parse document.
protocol ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int)
}

extension Diagnostic: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.diagnostic(self, level) }
}

extension Diagnostic.Note: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.note(self, level) }
}

extension Interlude: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.interlude(self, level) }
}

extension Item: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.item(self, level) }
}

extension DocumentedChange: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.change(self, level) }
}

extension Field: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.field(self, level) }
}

extension ImpactMetric: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.impact(self, level) }
}

extension Section: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.section(self, level) }
}

extension Annotation: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.annotation(self, level) }
}

extension ExpectedLine: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.expected(self, level) }
}

extension String: ParseJSONElement {
    func writeJSON(_ w: inout JSONByteWriter, _ level: Int) { w.string(self) }
}
