import Foundation

/// `fixlog regenerate`: rewrites only what fixlog manages in a log — stale line references, one status
/// block under each record's heading, and (when asked) a summary table near the top — and keeps every
/// other byte, the line endings, the BOM and the final-newline state.
///
/// The output is a pure function of the log's bytes, the check results and the results file: nothing
/// reads the clock or the environment, and regenerating the output again gives the same bytes.
public enum Regenerator {
    /// What to manage.
    public struct Options: Sendable, Hashable {
        /// Rewrite stale line references to `check`'s suggestions.
        public var fixLineReferences: Bool
        /// Insert a summary table near the top when there is none (an existing one is always kept current).
        public var summary: Bool
        /// Overwrite blocks edited by hand.
        public var force: Bool
        /// What becomes of the intermediate readings (Markdown trees, the first model and check).
        public var scratch: FixLogIngester.Scratch

        public init(fixLineReferences: Bool = true, summary: Bool = false, force: Bool = false,
                    scratch: FixLogIngester.Scratch = .freeInBackground) {
            self.fixLineReferences = fixLineReferences
            self.summary = summary
            self.force = force
            self.scratch = scratch
        }
    }

    /// The result of a regeneration.
    public struct Outcome: Sendable {
        /// The log as it was.
        public var original: [UInt8]
        /// The log as regeneration would write it (equal to `original` when it is current, or when it failed).
        public var bytes: [UInt8]
        /// Line references rewritten.
        public var fixedReferences: [LineReferenceFixer.Edit]
        /// Number of status blocks written (inserted or replaced).
        public var statusBlocks: Int
        /// Errors (hand-edited or unterminated blocks) and notes (records without a status block).
        public var diagnostics: [Diagnostic]
        /// The check report the status blocks were written from (of the log after line-reference fixes).
        public var report: CheckReport?

        /// True when nothing prevents writing.
        public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }
        /// True when the output differs from the input.
        public var changed: Bool { bytes != original }
    }

    /// Regenerates `source` (refused, bytes untouched, when it is not UTF-8 text or its managed blocks are broken).
    /// `check` cross-links an ingested log (normally
    /// `CrossLinker.check(log:logPath:root:…)`); it is called once, or twice when line references were fixed
    /// (the status blocks describe the corrected log).
    public static func regenerate(
        source: SourceText, results: VerificationResults?, options: Options = Options(),
        check: (FixLog) -> CheckReport
    ) -> Outcome {
        var outcome = Outcome(original: source.bytes, bytes: source.bytes, fixedReferences: [], statusBlocks: 0,
                              diagnostics: [], report: nil)
        // A log that is not UTF-8 text (invalid bytes, NUL) is refused, as the CLI refuses it: the ingester reads
        // such bytes as `?`, and rewriting a line from that reading would change bytes the user wrote.
        let invalid = source.validateText()
        if !invalid.isEmpty {
            outcome.diagnostics = invalid
            return outcome
        }
        let scanned = ManagedRegions.scan(source)
        if !scanned.diagnostics.isEmpty {
            outcome.diagnostics = scanned.diagnostics
            return outcome
        }
        var current = source
        let memo = IngestMemo()
        // Validated above.
        var log = FixLogIngester.ingest(current, validated: true, memo: memo, scratch: options.scratch)
        var report = check(log)
        if options.fixLineReferences {
            let (bytes, applied) = LineReferenceFixer.apply(LineReferenceFixer.edits(for: report), to: current)
            if !applied.isEmpty, bytes != current.bytes {
                outcome.fixedReferences = applied
                current = SourceText(path: source.path, bytes: bytes, editing: source, with: applied.map { (source.byteRange(of: $0.range), $0.replacement) })
                // The first reading is let go on another core.
                options.scratch.dispose((consume log, consume report))
                // Corrections stay within their lines: only the records holding them are read again. (They are
                // Swift strings, so the corrected text stays valid UTF-8; one holding a NUL — never one of
                // LineReferenceFormatter's — would have the text validated again.)
                let inLine = applied.allSatisfy { edit in
                    edit.range.start.line == edit.range.end.line
                        && !(edit.original + edit.replacement).utf8.contains { $0 == 0x0A || $0 == 0x0D }
                }
                let valid = applied.allSatisfy { !$0.replacement.utf8.contains(0) }
                log = inLine
                    ? FixLogIngester.ingest(current, validated: valid, previous: (memo, Set(applied.map(\.range.start.line))),
                                            lastUse: true, scratch: options.scratch)
                    : FixLogIngester.ingest(current)
                report = check(log)
            }
        }
        let blocks = renderBlocks(source: current, log: log, report: report, results: results, options: options)
        outcome.diagnostics = blocks.diagnostics
        outcome.statusBlocks = blocks.statusBlocks
        outcome.report = report
        if outcome.succeeded { outcome.bytes = blocks.bytes }
        options.scratch.dispose((consume memo, consume log))
        return outcome
    }

    /// One replacement of whole lines (or an insertion when `range` is empty), in byte offsets.
    struct Splice {
        var range: Range<Int>
        /// The block's lines joined with the log's line break, without a line break after the last one.
        var block: [UInt8]
        /// Insert a blank line before the block (a new block).
        var blankLineBefore = false
        /// Add a line break before the first line (inserting after a last line that has none).
        var leadingBreak = false
        /// Omit the line break after the last line (the file has no final newline there).
        var omitFinalBreak = false
    }

    /// Writes (or replaces) the status blocks and the summary table of `source`, whose model is `log` and
    /// whose check is `report`. Pure.
    ///
    /// Each record's block is rendered straight into bytes (``StatusBlockWriter``) on all cores; the output is
    /// built in one buffer, front to back.
    public static func renderBlocks(
        source: SourceText, log: FixLog, report: CheckReport, results: VerificationResults?, options: Options
    ) -> (bytes: [UInt8], statusBlocks: Int, diagnostics: [Diagnostic]) {
        let (existing, scanDiagnostics) = ManagedRegions.scan(source)
        var diagnostics = scanDiagnostics
        guard diagnostics.isEmpty else { return (source.bytes, 0, diagnostics) }
        let byOpenLine = Dictionary(existing.map { ($0.openLine, $0) }, uniquingKeysWith: { a, _ in a })
        let incidents = log.incidents
        let changesByRecord = ChangeIndex(report.results, records: incidents.count)
        let stepsByRecord = steps(of: results, for: log)
        let nl: [UInt8] = source.usesCRLF ? [0x0D, 0x0A] : [0x0A]

        var splices: [Splice] = []
        var statusBlocks = 0

        func place(_ kind: ManagedRegions.Kind, afterLine line: Int, block: [UInt8], insertIfMissing: Bool) {
            // An existing block directly below (blank lines allowed in between).
            var n = line + 1
            while n <= source.lineCount, isBlank(n, in: source) { n += 1 }
            if !byOpenLine.isEmpty, let b = byOpenLine[n], b.kind == kind {
                if b.isEdited && !options.force {
                    diagnostics.append(.error(.managedBlockEdited,
                        "the fixlog:\(kind.rawValue) block starting here was edited by hand (its content no longer matches sha256=\(b.recordedChecksum ?? "none")); use --force to overwrite it, or move your text outside the markers",
                        file: source.path, range: SourceRange(line: b.openLine)))
                    return
                }
                let r = source.byteRange(of: source.range(ofLines: b.openLine, through: b.closeLine))
                let atEOF = r.upperBound == source.bytes.count && !source.endsWithNewline
                splices.append(Splice(range: r, block: block, omitFinalBreak: atEOF))
                if kind == .status { statusBlocks += 1 }
                return
            }
            guard insertIfMissing else { return }
            let at: Int
            var leading = false
            if line < source.lineCount {
                at = source.lineStarts[line]
            } else {
                at = source.bytes.count
                leading = !source.endsWithNewline
            }
            let atEOF = at == source.bytes.count && !source.endsWithNewline
            splices.append(Splice(range: at..<at, block: block, blankLineBefore: true, leadingBreak: leading, omitFinalBreak: atEOF))
            if kind == .status { statusBlocks += 1 }
        }

        // The summary: after the document's title heading, before the first record.
        if options.summary || existing.contains(where: { $0.kind == .summary }) {
            let content = SummaryTable.lines(log: log, report: report, steps: stepsByRecord)
            let block = Array(Self.block(.summary, content).joined(separator: String(decoding: nl, as: UTF8.self)).utf8)
            if let s = existing.first(where: { $0.kind == .summary }) {
                place(.summary, afterLine: s.openLine - 1, block: block, insertIfMissing: false)
            } else if let line = summaryLine(source: source, log: log) {
                place(.summary, afterLine: line, block: block, insertIfMissing: true)
            }
        }

        // Each record's block on all cores, rendered into bytes; placed in record order.
        let allResults = report.results
        let blocks = Parallel.map(Array(incidents.indices), minimumCount: 256, state: { StatusBlockWriter() }) {
            writer, i -> (line: Int, block: [UInt8])? in
            guard let line = headingLastLine(incidents[i], source: source) else { return nil }
            let block = writer.block(documented: incidents[i].verifications.count, changes: changesByRecord[i],
                                     results: allResults, steps: stepsByRecord[i], nl: nl)
            return (line, block)
        }
        splices.reserveCapacity(splices.count + blocks.count)
        for (i, placed) in blocks.enumerated() {
            guard let placed else {
                diagnostics.append(.note(.statusBlockSkipped,
                    "record '\(incidents[i].title)' does not start with a Markdown heading line; no status block is placed under it",
                    file: source.path, range: SourceRange(line: incidents[i].heading.range.start.line)))
                continue
            }
            place(.status, afterLine: placed.line, block: placed.block, insertIfMissing: true)
        }
        if diagnostics.contains(where: { $0.severity == .error }) { return (source.bytes, 0, diagnostics) }
        return (assemble(source.bytes, splices: splices, nl: nl), statusBlocks, diagnostics)
    }

    /// The bytes with the splices applied (sorted by start; a splice starting inside an earlier one is dropped),
    /// built front to back in one buffer sized first.
    static func assemble(_ bytes: [UInt8], splices unsorted: [Splice], nl: [UInt8]) -> [UInt8] {
        var splices = unsorted
        if !splices.indices.dropFirst().allSatisfy({ splices[$0 - 1].range.lowerBound <= splices[$0].range.lowerBound }) {
            splices.sort { $0.range.lowerBound < $1.range.lowerBound }
        }
        var kept: [Splice] = []
        kept.reserveCapacity(splices.count)
        var copied = 0
        for s in splices where s.range.lowerBound >= copied {
            kept.append(s)
            copied = s.range.upperBound
        }
        let pieces = kept
        let sizes = pieces.map { s in
            s.block.count + nl.count * ((s.leadingBreak ? 1 : 0) + (s.blankLineBefore ? 1 : 0) + (s.omitFinalBreak ? 0 : 1))
        }
        return SplicedCopy.apply(bytes, ranges: pieces.map(\.range), sizes: sizes) { k, at in
            var p = at
            func put(_ b: [UInt8]) {
                b.withUnsafeBufferPointer { if let base = $0.baseAddress { p.initialize(from: base, count: $0.count) } }
                p += b.count
            }
            let s = pieces[k]
            if s.leadingBreak { put(nl) }
            if s.blankLineBefore { put(nl) }
            put(s.block)
            if !s.omitFinalBreak { put(nl) }
        }
    }

    /// The check results of each record, as indices into the report's results in report order (grouped by a
    /// stable counting pass when the results do not come grouped by record, as `check` makes them).
    struct ChangeIndex: Sendable {
        private var order: [Int]
        private var ranges: [Range<Int>]

        init(_ results: [ChangeResult], records: Int) {
            var counts = [Int](repeating: 0, count: records + 1)
            var ordered = true
            var previous = Int.min
            for j in results.indices {
                let r = results[j].record
                if r < previous { ordered = false }
                previous = r
                if r >= 0, r < records { counts[r + 1] += 1 } else { ordered = false }
            }
            for r in 0..<records { counts[r + 1] += counts[r] }
            ranges = (0..<records).map { counts[$0]..<counts[$0 + 1] }
            if ordered {
                order = Array(results.indices)
            } else {
                var next = counts
                order = [Int](repeating: 0, count: counts[records])
                for j in results.indices {
                    let r = results[j].record
                    guard r >= 0, r < records else { continue }
                    order[next[r]] = j
                    next[r] += 1
                }
            }
        }

        /// The indices of record `i`'s results.
        subscript(i: Int) -> ArraySlice<Int> { order[ranges[i]] }
    }

    /// Whether line `n` holds only spaces and tabs (or nothing).
    static func isBlank(_ n: Int, in source: SourceText) -> Bool {
        source.bytes[source.lineByteRange(n)].allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// A managed block: the opening marker with the content's checksum, the content, the closing marker.
    static func block(_ kind: ManagedRegions.Kind, _ content: [String]) -> [String] {
        [kind.openMarker(checksum: ManagedRegions.checksum(ofLines: content))] + content + [kind.closeMarker]
    }

    /// The last line of the record's heading when it is a Markdown heading (ATX `## …`, or a setext
    /// heading's underline); nil otherwise (list items, bold lines).
    static func headingLastLine(_ incident: Incident, source: SourceText) -> Int? {
        let first = incident.heading.range.start.line
        if let fast = headingLastLineFast(first, source: source) { return fast }
        return headingLastLinePlain(first, source: source)
    }

    /// ``headingLastLine(_:source:)`` read from the bytes when its answer depends on ASCII bytes only:
    /// `.some(answer)`, or nil when the plain path (on `String` lines) must decide.
    static func headingLastLineFast(_ first: Int, source: SourceText) -> Int?? {
        let bytes = source.bytes
        let line = source.lineByteRange(first)
        var k = line.lowerBound
        if first == 1, source.hasBOM { k += 3 }
        // Everything that decides an ATX heading lies in the first 12 bytes (≤ 3 spaces, ≤ 7 `#`, the byte
        // after them and the next): when those are ASCII, bytes and characters agree.
        guard k <= line.upperBound else { return nil }
        let window = k..<min(line.upperBound, k + 16)
        guard !bytes[window].contains(where: { $0 >= 0x80 }) else { return nil }
        var i = k
        while i < line.upperBound, bytes[i] == 0x20 { i += 1 }
        if i - k <= 3, i < line.upperBound, bytes[i] == 0x23 {
            var h = i
            while h < line.upperBound, bytes[h] == 0x23 { h += 1 }
            if h - i <= 6, h == line.upperBound || bytes[h] == 0x20 || bytes[h] == 0x09 { return .some(first) }
        }
        // Setext: the text line followed by === or ---.
        guard first + 1 <= source.lineCount else { return .some(nil) }
        let next = source.lineByteRange(first + 1)
        guard !bytes[next].contains(where: { $0 >= 0x80 }) else { return nil }
        var a = next.lowerBound, b = next.upperBound
        while a < b, bytes[a] == 0x20 || bytes[a] == 0x09 { a += 1 }
        while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 { b -= 1 }
        if a < b, bytes[a..<b].allSatisfy({ $0 == 0x3D }) || bytes[a..<b].allSatisfy({ $0 == 0x2D }) { return .some(first + 1) }
        return .some(nil)
    }

    /// ``headingLastLine(_:source:)`` on `String` lines (the reference for the byte path).
    static func headingLastLinePlain(_ first: Int, source: SourceText) -> Int? {
        var text = source.line(first)
        if first == 1, text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let trimmed = text.drop { $0 == " " }
        if text.count - trimmed.count <= 3, trimmed.hasPrefix("#") {
            let hashes = trimmed.prefix { $0 == "#" }
            let rest = trimmed.dropFirst(hashes.count)
            if hashes.count <= 6, rest.isEmpty || rest.first == " " || rest.first == "\t" { return first }
        }
        // Setext: the text line followed by === or ---.
        let next = source.line(first + 1).trimmingCharacters(in: .whitespaces)
        if first + 1 <= source.lineCount, !next.isEmpty, next.allSatisfy({ $0 == "=" }) || next.allSatisfy({ $0 == "-" }) {
            return first + 1
        }
        return nil
    }

    /// Where a new summary goes: below the preamble's first heading line, or (no heading) at the top.
    /// Nil for a single-record document, whose title is the record.
    static func summaryLine(source: SourceText, log: FixLog) -> Int? {
        if log.incidents.first?.shape == .singleDocument { return nil }
        let preamble = log.preamble.range
        var n = preamble.start.line
        let last = preamble.end.column == 1 ? preamble.end.line - 1 : preamble.end.line
        while n <= min(last, source.lineCount) {
            var text = source.line(n)
            if n == 1, text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            if text.hasPrefix("# ") || text == "#" { return n }
            n += 1
        }
        return nil
    }

    /// The results file's steps for each record of `log` (by position; a step whose recorded title is not
    /// the record's title belongs to another version of the log and is left out). Nil entries when no
    /// results file was given.
    public static func steps(of results: VerificationResults?, for log: FixLog) -> [[StepResult]?] {
        guard let results else { return Array(repeating: nil, count: log.incidents.count) }
        var out: [[StepResult]?] = Array(repeating: [], count: log.incidents.count)
        for s in results.steps {
            let i = s.record - 1
            guard i >= 0, i < log.incidents.count else { continue }
            if let t = s.title, t != log.incidents[i].title { continue }
            out[i]?.append(s)
        }
        return out.map { $0?.sorted { $0.step < $1.step } }
    }
}
