import Foundation

/// `fixlog check --fix`: rewrites stale line-reference texts in the log (`(line 21)` → `(line 25)`) and
/// nothing else, atomically (temporary file in the same directory, flushed, then renamed over the log,
/// keeping its permissions). Running it again changes nothing.
public enum LineReferenceFixer {
    /// One rewrite: the bytes at `range` (which read `original`) become `replacement`.
    public struct Edit: Sendable, Hashable {
        public var range: SourceRange
        public var original: String
        public var replacement: String
    }

    /// The rewrites a report asks for: one per distinct reference text in the log (several changes may share
    /// one `**File:** \`Dockerfile:15\`` field). References whose changes disagree are left alone.
    public static func edits(for report: CheckReport) -> [Edit] {
        // Per reference: its text and the one suggestion its changes make, or that they disagree.
        var byRange: [SourceRange: Int] = [:]
        var entries: [(range: SourceRange, original: String, suggestion: String?, disagree: Bool)] = []
        // Results are read in place (iterating them would copy each one).
        let results = report.results
        byRange.reserveCapacity(results.count)
        entries.reserveCapacity(results.count)
        for i in results.indices {
            guard let range = results[i].lineRefRange, results[i].lineRef != nil else { continue }
            let suggestion = results[i].needsLineRefFix ? results[i].suggestedLineRef : nil
            // Consecutive changes sharing one reference are the common case of sharing.
            let known = entries.last.flatMap { $0.range == range ? entries.count - 1 : nil } ?? byRange[range]
            if let e = known {
                if let suggestion, !entries[e].disagree {
                    if let current = entries[e].suggestion {
                        if current != suggestion { entries[e].disagree = true }
                    } else {
                        entries[e].suggestion = suggestion
                    }
                }
                continue
            }
            byRange[range] = entries.count
            entries.append((range, results[i].lineRef ?? "", suggestion, false))
        }
        var edits: [Edit] = []
        for e in entries.indices where !entries[e].disagree {
            guard let s = entries[e].suggestion else { continue }
            edits.append(Edit(range: entries[e].range, original: entries[e].original, replacement: s))
        }
        return edits
    }

    /// Apply edits to the log's bytes. Edits are chosen walking from the end of the log: one whose range
    /// overlaps an edit already chosen, or no longer reads `original`, is skipped. The new bytes are written front
    /// to back in one pass (the rest of the log is not shifted once per edit); `applied` is in log order.
    public static func apply(_ edits: [Edit], to source: SourceText) -> (bytes: [UInt8], applied: [Edit]) {
        var chosen: [(range: Range<Int>, edit: Edit)] = []
        var lastStart = Int.max
        for edit in edits.sorted(by: { $0.range.start > $1.range.start }) {
            let r = source.byteRange(of: edit.range)
            guard r.upperBound <= lastStart, source.holds(edit.original, at: r) else { continue }
            lastStart = r.lowerBound
            chosen.append((r, edit))
        }
        guard !chosen.isEmpty else { return (source.bytes, []) }
        chosen.reverse()
        let replacements = chosen.map { Array($0.edit.replacement.utf8) }
        let bytes = SplicedCopy.apply(source.bytes, ranges: chosen.map(\.range), sizes: replacements.map(\.count)) { k, at in
            replacements[k].withUnsafeBufferPointer { if let base = $0.baseAddress { at.initialize(from: base, count: $0.count) } }
        }
        return (bytes, chosen.map(\.edit))
    }

    /// Rewrite the log file at `path` in place. Returns the edits applied, or a diagnostic when the file
    /// could not be written (the original is then untouched).
    public static func fix(logPath path: String, report: CheckReport) -> (applied: [Edit], diagnostics: [Diagnostic]) {
        let loaded = SourceText.load(path: path)
        guard let source = loaded.text else { return ([], loaded.diagnostics) }
        let (bytes, applied) = apply(edits(for: report), to: source)
        guard !applied.isEmpty, bytes != source.bytes else { return ([], []) }
        do {
            try writeAtomically(bytes, to: path)
        } catch {
            return ([], [.error(.fixWriteFailed, "cannot rewrite '\(path)': \(error)", file: path)])
        }
        return (applied, [])
    }

    /// Write to a temporary file beside `path`, fsync, copy the original's mode, rename over `path`.
    /// A symbolic link is followed, so the link stays a link and its target gets the new bytes.
    /// (See ``AtomicFile/write(_:to:injecting:)``, which this calls.)
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try AtomicFile.write(bytes, to: path)
    }
}
