import Foundation

/// Reads a fix log (Markdown) into a ``FixLog``: records, their sections, documented changes and verification
/// steps, every node located in the source. Problems are collected as diagnostics; ingesting never fails.
public enum FixLogIngester {
    /// What happens to the Markdown tree of a long log once the model is read from it.
    public enum Scratch: Sendable {
        /// Freed on another core while the caller goes on (a library's choice).
        case freeInBackground
        /// Never freed: for a command that exits soon after, where freeing a million small values is work for
        /// nothing that competes for the cores with the rest of the command.
        case keepUntilExit

        /// Lets `value` go as this choice says.
        public func dispose<Value>(_ value: consuming Value) {
            switch self {
            case .freeInBackground: Discarded.release(value)
            case .keepUntilExit: _ = Unmanaged.passRetained(Discarded(value))
            }
        }
    }

    /// Loads and ingests a file. A missing, unreadable or oversized file gives an empty log with an error.
    public static func load(path: String, displayPath: String? = nil, scratch: Scratch = .freeInBackground) -> FixLog {
        let shown = displayPath ?? path
        let (text, diagnostics) = SourceText.load(path: path, displayPath: shown)
        guard let text else {
            let empty = SourceRange(line: 1)
            return FixLog(source: shown, preamble: Preamble(title: nil, range: empty), incidents: [],
                          diagnostics: diagnostics,
                          layout: TextLayout(lineEnding: .lf, hasBOM: false, endsWithNewline: false, lineCount: 0))
        }
        var log = ingest(text, validated: true, scratch: scratch)
        log.diagnostics = (diagnostics + log.diagnostics)
        return log
    }

    /// Ingests text already in memory.
    public static func ingest(_ source: SourceText) -> FixLog {
        ingest(source, validated: false)
    }

    /// Ingests `source` and fills `memo` with what an ingest of an edited copy can reuse.
    static func ingest(_ source: SourceText, keeping memo: IngestMemo, scratch: Scratch = .freeInBackground) -> FixLog {
        ingest(source, validated: false, memo: memo, scratch: scratch)
    }

    /// Ingests `source`, a copy of the text `memo` was filled from in which only the lines `edited` changed
    /// (within themselves: the same lines, the same number of them). Gives exactly what ``ingest(_:)`` gives,
    /// reading again only the Markdown runs and records that hold an edit.
    /// With `lastUse`, the memo is not used again: its Markdown tree is taken apart (its blocks are moved into the
    /// new tree rather than copied).
    static func ingest(_ source: SourceText, editedLines edited: Set<Int>, since memo: IngestMemo, lastUse: Bool = false,
                       scratch: Scratch = .freeInBackground) -> FixLog {
        ingest(source, validated: false, previous: (memo, edited), lastUse: lastUse, scratch: scratch)
    }

    static func ingest(_ source: SourceText, validated: Bool, memo: IngestMemo? = nil,
                       previous: (memo: IngestMemo, edited: Set<Int>)? = nil, lastUse: Bool = false,
                       scratch: Scratch = .freeInBackground) -> FixLog {
        var diagnostics = validated ? [] : source.validateText()
        let whole = SourceRange(start: SourceLocation(line: 1, column: 1), end: source.endLocation)
        let layout = TextLayout(source)
        if source.bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 || $0 == 12 }) {
            diagnostics.append(.error(.emptyInput, source.bytes.isEmpty ? "the file is empty" : "the file holds only white space",
                                      file: source.path, range: SourceRange(line: 1)))
            return FixLog(source: source.path, preamble: Preamble(title: nil, range: whole), incidents: [],
                          diagnostics: diagnostics, layout: layout)
        }
        // Invalid UTF-8 and NUL (already reported) are read as `?`: decoding them would shift every later
        // column of the line (fuzz regression ingest/invalid-utf8-shifts-columns.md).
        if let cr = source.firstLoneCarriageReturn {
            let at = source.location(ofOffset: cr)
            diagnostics.append(.warning(.loneCarriageReturn,
                "carriage return without a line feed at byte offset \(cr); read as a space",
                file: source.path, range: SourceRange(start: at, end: source.location(ofOffset: cr + 1))))
        }
        // fixlog's own status and summary blocks are read as blank lines (same offsets, same line numbers),
        // so re-ingesting a regenerated log never takes them for records, changes or steps.
        let masked = ManagedRegions.masked(source.replacingInvalidBytes())
        // What was read before is trusted only when the text differs from it in the edited lines alone.
        var previous = previous
        if let p = previous, p.memo.document.map({ !Self.differOnlyIn(p.edited, masked, $0.source) }) ?? true {
            previous = nil
        }
        var reparsedDocument: MarkdownDocument?
        var reparsedRuns: [ClosedRange<Int>]?
        if let previous {
            var old = previous.memo.document
            // On its last use the memo lets go of its tree, so that the tree's blocks move rather than copy.
            if lastUse { previous.memo.document = nil }
            if let tree = old.take(),
                let reparsed = ChunkedParse.reparse(masked, previous: consume tree,
                                                    previousMayDefineLinks: previous.memo.mayDefineLinks,
                                                    edited: previous.edited, known: previous.memo.known)
            {
                reparsedDocument = MarkdownDocument(source: masked, root: reparsed.root)
                reparsedRuns = reparsed.runs
                scratch.dispose(reparsed.leftover)
            }
        }
        let document = reparsedDocument.take() ?? MarkdownDocument(source: masked)
        if document.flattened {
            diagnostics.append(.warning(.nestingTooDeep,
                "lists or block quotes nest more than \(CMarkConverter.maximumDepth) levels deep; deeper levels are flattened",
                file: source.path, range: SourceRange(line: 1)))
        }
        let large = source.bytes.count >= ChunkedParse.minimumSize
        if let memo {
            memo.document = document
            // A text parsed in pieces was found free of link reference definitions on the way.
            memo.mayDefineLinks = document.pieces > 1
                ? false : ChunkedParse.mayDefineAnyLink(masked, lines: 1...max(1, masked.lineStarts.count))
        }
        var builder = LogBuilder(document: consume document, memo: memo, previous: previous, reparsedRuns: reparsedRuns)
        builder.run()
        diagnostics += builder.diagnostics
        let log = FixLog(source: source.path, preamble: builder.preamble, incidents: builder.incidents,
                         interludes: builder.interludes, diagnostics: diagnostics, layout: layout)
        if memo != nil {
            // The tree and the headings stay in the memo: letting the builder go frees only its own arrays, and
            // leaves the memo the tree's only owner (a reading of an edited copy on its last use moves the blocks).
            _ = consume builder
        } else if large || previous != nil {
            // The Markdown tree of a long log is a million small values: not freed on the caller's core.
            scratch.dispose(consume builder)
        }
        return log
    }
}

extension FixLogIngester {
    /// Whether `new` and `old` have as many lines and the same bytes on every line not in `edited`.
    static func differOnlyIn(_ edited: Set<Int>, _ new: SourceText, _ old: SourceText) -> Bool {
        let count = new.lineStarts.count
        guard count == old.lineStarts.count else { return false }
        // A line runs from its start to the next line's start (its line break included).
        func next(_ text: SourceText, _ line: Int) -> Int { line < count ? text.lineStarts[line] : text.bytes.count }
        return new.bytes.withUnsafeBufferPointer { a in
            old.bytes.withUnsafeBufferPointer { b in
                var fromA = 0, fromB = 0  // where the current stretch of unedited lines starts
                for line in edited.filter({ $0 >= 1 && $0 <= count }).sorted() + [count + 1] {
                    let toA = line <= count ? new.lineStarts[line - 1] : a.count
                    let toB = line <= count ? old.lineStarts[line - 1] : b.count
                    guard toA - fromA == toB - fromB else { return false }
                    if toA > fromA, let pa = a.baseAddress, let pb = b.baseAddress,
                        memcmp(pa + fromA, pb + fromB, toA - fromA) != 0
                    {
                        return false
                    }
                    if line <= count { fromA = next(new, line); fromB = next(old, line) }
                }
                return true
            }
        }
    }
}

/// What one ingest keeps so that an edited copy of the same text can be ingested again cheaply (regenerate reads
/// a log, corrects some line references, and must read the result again): the Markdown tree, the reading of
/// every heading and every record. Filled by the ingest it is given to (``FixLogIngester/ingest(_:keeping:scratch:)``, or
/// regenerate's, which passes it as `memo:`).
final class IngestMemo: @unchecked Sendable {
    var document: MarkdownDocument?
    var mayDefineLinks = true
    /// The headings of the reading (in document order).
    var headings: [HeadingInfo] = []
    /// The start line of every top-level block of the tree.
    var blockStartLines: [Int] = []
    /// What each record's reading depended on, and the reading, in document order (by start).
    var recordKeys: [RecordKey] = []
    var records: [RecordRead] = []
    /// How many records the last ingest made from this memo took over unread (for tests).
    var reusedRecords = 0
    init() {}

    /// What the tree's blocks and headings are known to be, for its re-parse.
    var known: ChunkedParse.Known? {
        blockStartLines.isEmpty ? nil
            : ChunkedParse.Known(blockStartLines: blockStartLines, headingStarts: headings.map(\.range.start))
    }

    /// The reading of the record whose key is `key`, if one was kept.
    func record(_ key: RecordKey) -> RecordRead? {
        guard key.shape != .singleDocument, recordKeys.count == records.count else { return nil }
        var lo = 0, hi = recordKeys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if recordKeys[mid].range.start < key.range.start { lo = mid + 1 } else { hi = mid }
        }
        return lo < recordKeys.count && recordKeys[lo] == key ? records[lo] : nil
    }
}

/// What a record's reading depends on besides its own lines: equal keys and unedited lines give equal readings.
struct RecordKey: Equatable, Sendable {
    var range: SourceRange
    var shape: RecordShape
    var number: Int?
    var sameLevelSections: Bool
    var heading: String
    /// The line of the document's first heading.
    var firstHeadingLine: Int
    /// The enclosing headings the reader looks at (up to two).
    var outer: [Outer]

    struct Outer: Equatable, Sendable {
        var line: Int
        var level: Int
        var text: String
    }
}

/// A record as its reader left it (before problems of paired lists are added).
struct RecordRead: Sendable {
    var incident: Incident
    var diagnostics: [Diagnostic]
    /// Taken over from a previous reading rather than read.
    var reused = false
}

/// A value handed to another thread to be freed there.
final class Discarded<Value>: @unchecked Sendable {
    private var value: Value?
    init(_ value: consuming Value) { self.value = value }
    func drop() { value = nil }

    /// Frees `value` on another core (a large model or tree is millions of small frees).
    static func release(_ value: consuming Value) {
        let box = Discarded(value)
        DispatchQueue.global(qos: .utility).async { box.drop() }
    }
}

/// A top-level heading with what its text says. A class: record readers look headings up all the time, and
/// a reference is one retain where the value would be a dozen.
final class HeadingInfo: Sendable {
    let blockIndex: Int
    let level: Int
    let text: String
    /// What the text says (read once per distinct text by each worker).
    let read: HeadingRead
    let range: SourceRange
    /// Index (into the headings array) of the nearest enclosing heading of a lower level.
    let parent: Int?

    init(blockIndex: Int, level: Int, text: String, read: HeadingRead, range: SourceRange, parent: Int?) {
        self.blockIndex = blockIndex
        self.level = level
        self.text = text
        self.read = read
        self.range = range
        self.parent = parent
    }

    var parsed: TitleReader.Parsed { read.parsed }
    var kind: SectionKind { read.kind }
    var listKind: SectionClassifier.ListKind { read.listKind }
    var label: String { read.label }
    var stage: String? { read.stage }
    var dockerfile: String? { read.dockerfile }
}

/// What a heading's text says (read once per distinct text by each worker).
struct HeadingRead: Sendable {
    var parsed: TitleReader.Parsed
    /// What the title names as a section, and as a list of records.
    var kind: SectionKind
    var listKind: SectionClassifier.ListKind
    /// What a section heading contributes to the changes under it: its label (title without line references),
    /// a stage hint and a Dockerfile it names.
    var label: String
    var stage: String?
    var dockerfile: String?

    init(_ text: String) {
        parsed = TitleReader.parse(text)
        kind = SectionClassifier.kind(of: parsed.title)
        listKind = SectionClassifier.listKind(of: parsed.title)
        label = RecordReader.labelText(parsed.title)
        stage = RecordReader.stageHint(in: text)
        dockerfile = FieldReader.dockerfileName(in: text)
    }
}

/// What every record reader needs to see of the document, indexed once (a class: read everywhere, never copied).
final class LogContext: Sendable {
    let source: SourceText
    let blocks: [MarkdownNode]
    let headings: [HeadingInfo]
    /// Top-level block index → heading index.
    private let headingIndexAtBlock: [Int32]
    /// Section kinds of field names and labels, shared by the record readers.
    let sectionKinds = SectionKindCache()

    init(source: SourceText, blocks: [MarkdownNode], headings: [HeadingInfo]) {
        self.source = source
        self.blocks = blocks
        self.headings = headings
        var map = [Int32](repeating: -1, count: blocks.count)
        for (i, h) in headings.enumerated() where h.blockIndex < blocks.count { map[h.blockIndex] = Int32(i) }
        headingIndexAtBlock = map
    }

    /// The heading index of a top-level block that is a heading.
    func headingAtBlock(_ block: Int) -> Int? {
        guard block >= 0, block < headingIndexAtBlock.count, headingIndexAtBlock[block] >= 0 else { return nil }
        return Int(headingIndexAtBlock[block])
    }
}

/// Finds the records of a log and assembles the ``FixLog``.
struct LogBuilder {
    let document: MarkdownDocument
    var source: SourceText { document.source }
    var blocks: [MarkdownNode] { document.root.children }

    var headings: [HeadingInfo] = []
    var diagnostics: [Diagnostic] = []
    var incidents: [Incident] = []
    var interludes: [Interlude] = []
    var preamble = Preamble(title: nil, range: SourceRange(line: 1))
    /// Problems of a list-form problem list, by number (shape 5 with a Markdown list).
    var listProblems: [Int: Item] = [:]

    /// Start line of every top-level block, for binary search.
    var blockStartLines: [Int] = []
    /// Filled with the readings of headings and records, when given.
    var memo: IngestMemo?
    /// Readings of the text before an edit, and the edited lines: reused where nothing they depend on changed.
    var previous: (memo: IngestMemo, edited: Set<Int>)?

    /// The lines of the runs of the document parsed again from the previous reading's tree (nil: parsed afresh);
    /// headings outside them are the previous reading's blocks.
    var reparsedRuns: [ClosedRange<Int>]?

    init(document: MarkdownDocument, memo: IngestMemo? = nil, previous: (memo: IngestMemo, edited: Set<Int>)? = nil,
         reparsedRuns: [ClosedRange<Int>]? = nil) {
        self.document = document
        self.memo = memo
        self.previous = previous
        self.reparsedRuns = reparsedRuns
        blockStartLines = document.root.children.map { $0.range?.start.line ?? 0 }
    }

    var context: LogContext {
        LogContext(source: source, blocks: blocks, headings: headings)
    }

    struct RecordStart {
        var heading: Int  // index into headings
        var shape: RecordShape
        var number: Int?
        var sameLevelSections = false
    }

    /// A cut in the file: the start of a record or of an interlude.
    enum Cut {
        case record(Int)  // index into starts
        case interlude(heading: Int?, role: Interlude.Role)
    }

    mutating func run() {
        collectHeadings()
        checkLooksLikeMarkdown()
        var (starts, interludeHeadings) = detectRecords()
        var cuts: [(line: Int, cut: Cut)] = []
        if starts.isEmpty, let single = detectSingleDocument() {
            starts = [single]
        }
        let paired = pairProblemAndFixLists(&starts)
        for (i, s) in starts.enumerated() { cuts.append((headings[s.heading].range.start.line, .record(i))) }
        for p in paired { cuts.append((headings[p].range.start.line, .interlude(heading: p, role: .pairedProblem))) }
        for h in interludeHeadings {
            let role: Interlude.Role = headings[h].listKind == .group ? .group : .other
            cuts.append((headings[h].range.start.line, .interlude(heading: h, role: role)))
        }
        cuts.sort { $0.line < $1.line }
        let end = source.endLocation
        let firstLine = cuts.first?.line
        let preambleEnd = firstLine.map { SourceLocation(line: $0, column: 1) } ?? end
        let title = headings.first(where: { $0.range.start.line < (firstLine ?? Int.max) && $0.level == 1 })?.parsed.title
            ?? headings.first(where: { $0.range.start.line < (firstLine ?? Int.max) })?.parsed.title
        preamble = Preamble(title: title, range: SourceRange(start: SourceLocation(line: 1, column: 1), end: preambleEnd))
        var records: [(start: RecordStart, range: SourceRange, endBlock: Int)] = []
        for (k, c) in cuts.enumerated() {
            let startLoc = SourceLocation(line: c.line, column: 1)
            let endLoc = k + 1 < cuts.count ? SourceLocation(line: cuts[k + 1].line, column: 1) : end
            let range = SourceRange(start: startLoc, end: endLoc)
            switch c.cut {
            case .record(let i):
                records.append((starts[i], range, blockIndex(atOrAfterLine: endLoc.line, limit: endLoc == end)))
            case .interlude(let h, let role):
                interludes.append(Interlude(heading: h.map { headings[$0].parsed.title }, role: role, range: range))
            }
        }
        let pairedProblems = paired.map { headings[$0] }
        let context = self.context
        // Records are read independently (the context is read-only), on all cores for long logs; results
        // are joined in record order, so the log is the same whatever the scheduling.
        let keys = memo != nil || previous != nil ? records.map { recordKey($0.start, range: $0.range) } : nil
        let found = records
        let reuse = previous.map { (memo: $0.memo, edited: $0.edited.sorted()) }
        var read = Parallel.map(Array(records.indices), minimumCount: 64) { i -> RecordRead in
            let r = found[i]
            if let reuse, let key = keys?[i], var known = reuse.memo.record(key),
                !Self.holdsEdit(reuse.edited, from: r.range.start.line, through: r.range.end.line)
            {
                known.reused = true
                return known
            }
            var reader = RecordReader(context: context, start: r.start, range: r.range, endBlock: r.endBlock)
            reader.read()
            return RecordRead(incident: reader.incident, diagnostics: reader.diagnostics)
        }
        if let previous { previous.memo.reusedRecords = read.reduce(0) { $0 + ($1.reused ? 1 : 0) } }
        incidents.reserveCapacity(read.count)
        if let memo, let keys {
            // The memo keeps the readings (the same array): each incident is copied once, into the log.
            memo.recordKeys = keys
            memo.records = read
            for r in read { append(r.incident, r.diagnostics, pairedProblems: pairedProblems, cuts: cuts) }
        } else {
            // Moved out of the readings, not copied (a copy retains each of a record's references).
            let empty = SourceRange(line: 1)
            read.withUnsafeMutableBufferPointer { b in
                for i in b.indices {
                    var r = RecordRead(incident: Incident(number: nil, title: "", shape: .fixHeading,
                                                          heading: HeadingRef(text: "", level: 0, range: empty), range: empty),
                                       diagnostics: [])
                    swap(&r, &b[i])
                    append(r.incident, r.diagnostics, pairedProblems: pairedProblems, cuts: cuts)
                }
            }
        }
        finishDiagnostics()
    }

    /// Adds a record as its reader left it to the log, with the problems of paired lists it takes.
    mutating func append(_ incident: consuming Incident, _ readDiagnostics: [Diagnostic], pairedProblems: [HeadingInfo],
                         cuts: [(line: Int, cut: Cut)]) {
        var incident = incident
        if incident.shape == .problemFixPair, let n = incident.number {
            for p in pairedProblems where p.parsed.numbering?.number == n {
                let endBlock = blockIndex(atOrAfterLine: nextCutLine(after: p.range.start.line, cuts: cuts) ?? Int.max, limit: false)
                incident.problems.insert(problemItem(heading: p, endBlock: endBlock), at: 0)
            }
            if let p = listProblems[n] { incident.problems.insert(p, at: 0) }
        }
        incidents.append(incident)
        diagnostics += readDiagnostics
    }

    /// What the reading of the record starting at `start` depends on outside its own lines.
    func recordKey(_ start: RecordStart, range: SourceRange) -> RecordKey {
        let h = headings[start.heading]
        var outer: [RecordKey.Outer] = []
        var p = h.parent
        for _ in 0..<2 {
            guard let k = p else { break }
            outer.append(RecordKey.Outer(line: headings[k].range.start.line, level: headings[k].level, text: headings[k].text))
            p = headings[k].parent
        }
        return RecordKey(range: range, shape: start.shape, number: start.number, sameLevelSections: start.sameLevelSections,
                         heading: h.text, firstHeadingLine: headings.first?.range.start.line ?? 0, outer: outer)
    }

    /// Whether a sorted list of lines holds one in `first...last`.
    static func holdsEdit(_ lines: [Int], from first: Int, through last: Int) -> Bool {
        var lo = 0, hi = lines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lines[mid] < first { lo = mid + 1 } else { hi = mid }
        }
        return lo < lines.count && lines[lo] <= last
    }

    func nextCutLine(after line: Int, cuts: [(line: Int, cut: Cut)]) -> Int? {
        cuts.first { $0.line > line }?.line
    }

    /// Index of the first top-level block starting at or after `line` (blocks.count when none).
    func blockIndex(atOrAfterLine line: Int, limit: Bool) -> Int {
        if limit { return blocks.count }
        var lo = 0, hi = blockStartLines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if blockStartLines[mid] >= line { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }


    /// Per level: how many headings are numberless keyword headings / date-led headings with a title.
    var keywordHeadingCount: [Int: Int] = [:]
    var datedHeadingCount: [Int: Int] = [:]

    mutating func collectHeadings() {
        defer {
            for h in headings {
                if case .keywordOnly = h.parsed.numbering { keywordHeadingCount[h.level, default: 0] += 1 }
                if h.parsed.numbering == nil, h.parsed.date != nil, !h.parsed.title.isEmpty, startsWithDate(h.text) {
                    datedHeadingCount[h.level, default: 0] += 1
                }
            }
        }
        let all = blocks
        // Heading blocks with their level, range and parent (the nearest earlier heading of a lower level), read in
        // place: a copy of a node retains each of its references.
        var found: [(block: Int, level: Int, range: SourceRange, parent: Int?)] = []
        var stack: [Int] = []
        all.withUnsafeBufferPointer { b in
            for i in b.indices where b[i].kind == .heading {
                guard let range = b[i].range else { continue }
                let level = b[i].headingLevel
                while let top = stack.last, found[top].level >= level { stack.removeLast() }
                found.append((i, level, range, stack.last))
                stack.append(found.count - 1)
            }
        }
        // Headings the previous reading saw in the same blocks (outside the runs parsed again) keep their text,
        // their reading and, when nothing about their place changed, their HeadingInfo.
        let taken = takenOverHeadings(found.map(\.block))
        // Reading titles (numbers, dates, status words) is the costly part: on all cores for long logs, each worker
        // reading each distinct text once (section headings repeat: "Problem", "Solution").
        let places = found
        headings = Parallel.map(Array(found.indices), minimumCount: 4096, state: { [String: HeadingRead]() }) { seen, k in
            let place = places[k]
            if let t = taken[k] {
                if t.blockIndex == place.block && t.parent == place.parent { return t }
                return HeadingInfo(blockIndex: place.block, level: place.level, text: t.text, read: t.read,
                                   range: place.range, parent: place.parent)
            }
            let text = all.withUnsafeBufferPointer { $0[place.block].plainText }
            let read: HeadingRead
            if let known = seen[text] {
                read = known
            } else {
                read = HeadingRead(text)
                seen[text] = read
            }
            return HeadingInfo(blockIndex: place.block, level: place.level, text: text, read: read, range: place.range,
                               parent: place.parent)
        }
        memo?.headings = headings
        memo?.blockStartLines = blockStartLines
    }

    /// For each heading block in `found`: the previous reading's heading of the same block, when the block is the
    /// previous tree's own (outside every run parsed again) and the heading was seen at the same place, level and
    /// range. Only then are its text and reading sure to be the same. All nil without a previous reading.
    func takenOverHeadings(_ found: [Int]) -> [HeadingInfo?] {
        var out = [HeadingInfo?](repeating: nil, count: found.count)
        guard let old = previous?.memo.headings, !old.isEmpty, let runs = reparsedRuns else { return out }
        var p = 0, r = 0
        blocks.withUnsafeBufferPointer { b in
            for (k, i) in found.enumerated() {
                guard let range = b[i].range else { continue }
                let line = range.start.line
                while r < runs.count, runs[r].upperBound < line { r += 1 }
                if r < runs.count, runs[r].contains(line) { continue }
                while p < old.count, old[p].range.start < range.start { p += 1 }
                if p < old.count, old[p].range == range, old[p].level == b[i].headingLevel { out[k] = old[p] }
            }
        }
        return out
    }

    mutating func checkLooksLikeMarkdown() {
        guard headings.isEmpty else { return }
        let structural = blocks.contains { [.list, .codeBlock, .blockQuote, .thematicBreak].contains($0.kind) }
        if structural { return }
        let text = String(decoding: source.bytes, as: UTF8.self).trimmedSpaces
        var reason: String?
        if let first = text.first, first == "{" || first == "[",
            (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
        {
            reason = "it is JSON"
        } else if text.hasPrefix("<?xml") || text.hasPrefix("<!DOCTYPE") || text.lowercased().hasPrefix("<html") {
            reason = "it is XML or HTML"
        } else {
            let controls = source.bytes.filter { $0 < 32 && $0 != 9 && $0 != 10 && $0 != 13 && $0 != 12 }.count
            if controls > 0 { reason = "it holds binary control bytes" }
        }
        if let reason {
            diagnostics.append(.error(.notMarkdown, "this does not look like a Markdown fix log: \(reason)",
                                      file: source.path, range: SourceRange(line: 1)))
        }
    }

    /// Record headings, by shape; a record's deeper headings are its sections. Also returns the headings
    /// after the first record that belong to no record (each starts an interlude).
    func detectRecords() -> (starts: [RecordStart], interludes: [Int]) {
        var starts: [RecordStart] = []
        var interludes: [Int] = []
        var current: (start: Int, level: Int, sameLevel: Bool)?
        for (i, h) in headings.enumerated() {
            if let c = current, h.level > c.level { continue }
            // A numberless "## Fix: …" inside a record written with same-level sections is one of its sections.
            if let c = current, c.sameLevel, case .keywordOnly = h.parsed.numbering, starts[c.start].number != nil {
                continue
            }
            if let candidate = recordCandidate(i) {
                starts.append(RecordStart(heading: i, shape: candidate.shape, number: candidate.number))
                current = (starts.count - 1, h.level, false)
                continue
            }
            if let c = current, h.level == c.level {
                // `## Problem` right after `## Fix #1` belongs to Fix #1 (same-level sections), unless the record
                // already used deeper headings for its sections and this one is not a known section.
                let kind = h.kind
                let usedDeeper = headings[(starts[c.start].heading + 1)..<i].contains { $0.level > c.level }
                if c.sameLevel || (kind != .other && !usedDeeper) {
                    starts[c.start].sameLevelSections = true
                    current = (c.start, c.level, true)
                    continue
                }
            }
            current = nil
            if !starts.isEmpty { interludes.append(i) }
        }
        return (starts, interludes)
    }

    /// Whether heading `i` starts a record, and how.
    func recordCandidate(_ i: Int) -> (shape: RecordShape, number: Int?)? {
        let h = headings[i]
        guard let numbering = h.parsed.numbering else { return datedCandidate(i) }
        switch numbering {
        case .keywordOnly:
            // Only as one of a series: at least two keyword headings at this level.
            if let p = h.parent, isDecoyParent(p) { return nil }
            let siblings = keywordHeadingCount[h.level] ?? 0
            return siblings >= 2 ? (.keywordHeading, nil) : nil
        case .hashNumber(_, let n):
            return (.fixHeading, n)
        case .keywordNumber(_, let n):
            // "### Step 1" is not a keyword; only record keywords reach here. Under a decoy parent it is not a record.
            if let p = h.parent, isDecoyParent(p) { return nil }
            return (.keywordHeading, n)
        case .plainNumber(let n):
            guard let p = h.parent else { return nil }
            switch headings[p].listKind {
            case .fixes, .problems, .group: return (.numberedItem, n)
            case .decoy, .none: return nil
            }
        }
    }

    /// `## 2025-01-09: Fixed numpy conflict`, `## [2025-01-09] Pin torch`: a record led by its date, when at
    /// least two such headings share a level and this one does not group records of its own.
    func datedCandidate(_ i: Int) -> (shape: RecordShape, number: Int?)? {
        let h = headings[i]
        guard h.parsed.date != nil, !h.parsed.title.isEmpty, startsWithDate(h.text),
            (datedHeadingCount[h.level] ?? 0) >= 2
        else { return nil }
        if let next = headings.indices.first(where: { $0 > i && headings[$0].level > h.level }),
            next == i + 1, headings[next].parsed.numbering != nil
        {
            return nil  // it groups numbered records
        }
        return (.datedHeading, nil)
    }

    func startsWithDate(_ text: String) -> Bool {
        let t = text.drop { $0 == " " || $0 == "[" || $0 == "(" || $0.unicodeScalars.allSatisfy(TitleReader.isDecorativeScalar) }
        guard let m = DateReader.firstDate(in: String(t)).match else { return false }
        return m.byteRange.lowerBound == 0
    }

    func isDecoyParent(_ p: Int) -> Bool {
        let kind = headings[p].kind
        return [.verification, .lessons, .nextSteps, .alternatives, .expectedOutput].contains(kind)
            && headings[p].listKind == .none
    }

    /// Shape 4: the whole document is one record, titled by its first heading.
    func detectSingleDocument() -> RecordStart? {
        guard let first = headings.first(where: { $0.level == 1 }) ?? headings.first,
            let index = headings.firstIndex(where: { $0.blockIndex == first.blockIndex })
        else { return nil }
        let sectionKinds = headings.dropFirst(index + 1).map { $0.kind }
        let fixish = sectionKinds.contains { [.problem, .rootCause, .solution, .changes, .verification].contains($0) }
        let fields = blocks.contains { block in
            block.kind == .paragraph && FieldReader.fields(in: block, source: source).contains {
                ["date", "issue", "problem", "status", "solution", "root cause", "fix"].contains($0.name.lowercased())
            }
        }
        guard fixish || fields else { return nil }
        return RecordStart(heading: index, shape: .singleDocument, number: first.parsed.numbering?.number,
                           sameLevelSections: true)
    }

    /// Shape 5: a numbered problem list and a numbered fix list side by side. Fix items become records and
    /// take the problem of the same number; problems without a fix stay records of their own. Returns the
    /// headings of paired problems (now interludes).
    mutating func pairProblemAndFixLists(_ starts: inout [RecordStart]) -> [Int] {
        var byParent: [Int: [Int]] = [:]  // parent heading -> indices into starts
        for (k, s) in starts.enumerated() where s.shape == .numberedItem || s.shape == .keywordHeading {
            if let p = headings[s.heading].parent { byParent[p, default: []].append(k) }
        }
        let problemParents = byParent.keys.filter { headings[$0].listKind == .problems }.sorted()
        let fixParents = byParent.keys.filter { headings[$0].listKind == .fixes }.sorted()
        guard let fp = fixParents.first else { return [] }
        guard let pp = problemParents.first else {
            pairWithProblemList(&starts, fixes: byParent[fp] ?? [], fixParent: fp)
            return []
        }
        let problems = byParent[pp] ?? [], fixes = byParent[fp] ?? []
        let fixNumbers = Set(fixes.compactMap { starts[$0].number })
        var pairedHeadings: [Int] = []
        var remove: Set<Int> = []
        for k in problems {
            if let n = starts[k].number, fixNumbers.contains(n) {
                pairedHeadings.append(starts[k].heading)
                remove.insert(k)
            } else {
                starts[k].shape = .problemFixPair
            }
        }
        for k in fixes { starts[k].shape = .problemFixPair }
        if problems.count != fixes.count {
            diagnostics.append(.note(.unmatchedProblemFix,
                "\(problems.count) problem(s) under '\(headings[pp].parsed.title)' and \(fixes.count) fix(es) under '\(headings[fp].parsed.title)'; linked by number",
                file: source.path, range: headings[fp].range))
        }
        starts = starts.enumerated().filter { !remove.contains($0.offset) }.map(\.element)
        return pairedHeadings
    }

    /// A problem list written as a Markdown list (`## Problems` + `1. **…**: …`) beside a fix list of headings.
    mutating func pairWithProblemList(_ starts: inout [RecordStart], fixes: [Int], fixParent: Int) {
        let recordHeadings = Set(starts.map(\.heading))
        guard let ph = headings.indices.first(where: { i in
            headings[i].listKind == .problems
                && headings[i].blockIndex < headings[fixParent].blockIndex && !recordHeadings.contains(i)
        }) else { return }
        let next = headings.first { $0.blockIndex > headings[ph].blockIndex }?.blockIndex ?? blocks.count
        guard let list = blocks[(headings[ph].blockIndex + 1)..<next].first(where: { $0.kind == .list }) else { return }
        let base = list.listStart ?? 1
        var items: [Int: Item] = [:]
        for (offset, item) in list.children.enumerated() where item.kind == .item {
            guard let range = item.range else { continue }
            let (title, detail) = RecordReader.titleAndDetail(item)
            items[base + offset] = Item(title: title, detail: detail, range: range)
        }
        guard !items.isEmpty else { return }
        listProblems = items
        for k in fixes { starts[k].shape = .problemFixPair }
        if items.count != fixes.count {
            diagnostics.append(.note(.unmatchedProblemFix,
                "\(items.count) problem(s) under '\(headings[ph].parsed.title)' and \(fixes.count) fix(es) under '\(headings[fixParent].parsed.title)'; linked by number",
                file: source.path, range: headings[fixParent].range))
        }
    }

    func problemItem(heading: HeadingInfo, endBlock: Int) -> Item {
        var detail: [String] = []
        var k = heading.blockIndex + 1
        while k < min(endBlock, blocks.count), blocks[k].kind != .heading {
            if blocks[k].kind == .paragraph || blocks[k].kind == .list { detail.append(blocks[k].plainText) }
            k += 1
        }
        let last = k > heading.blockIndex + 1 ? blocks[k - 1].range ?? heading.range : heading.range
        return Item(title: heading.parsed.title, detail: detail.joined(separator: "\n"), range: heading.range.union(last))
    }

    mutating func finishDiagnostics() {
        var seen: [Int: Int] = [:]  // record number -> index of the first record with it
        seen.reserveCapacity(incidents.count)
        for i in incidents.indices {
            if let n = incidents[i].number {
                if let first = seen[n] {
                    diagnostics.append(.warning(.duplicateRecordNumber,
                        "record number \(n) is used again ('\(incidents[i].title)'); both records are kept",
                        file: source.path, range: incidents[i].heading.range,
                        notes: [.init(message: "first used here by '\(incidents[first].title)'", file: source.path,
                                      range: incidents[first].heading.range)]))
                } else {
                    seen[n] = i
                }
            }
            if incidents[i].date == nil {
                let name = incidents[i].number.map { "record #\($0)" } ?? "record '\(incidents[i].title)'"
                diagnostics.append(.warning(.recordWithoutDate,
                    "\(name) has no date; add one to the heading, e.g. '(2025-10-13)', or a '**Date:**' field",
                    file: source.path, range: incidents[i].heading.range))
            }
        }
        if incidents.isEmpty && !diagnostics.hasErrors {
            diagnostics.append(.warning(.noRecords,
                "no fix records found; expected headings such as '## Fix #1: Title (2025-01-13)' or '### 1. Title' under 'Issues Fixed'",
                file: source.path, range: SourceRange(line: 1)))
        }
    }
}
