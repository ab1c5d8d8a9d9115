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
        var byRange: [SourceRange: (original: String, suggestions: Set<String>)] = [:]
        var order: [SourceRange] = []
        // Results are read in place (iterating them would copy each one).
        let results = report.results
        byRange.reserveCapacity(results.count)
        for i in results.indices {
            guard let range = results[i].lineRefRange, results[i].lineRef != nil else { continue }
            let needsFix = results[i].needsLineRefFix
            if let index = byRange.index(forKey: range) {
                if needsFix, let s = results[i].suggestedLineRef { byRange.values[index].suggestions.insert(s) }
                continue
            }
            order.append(range)
            var suggestions = Set<String>()
            if needsFix, let s = results[i].suggestedLineRef { suggestions.insert(s) }
            byRange[range] = (results[i].lineRef ?? "", suggestions)
        }
        return order.compactMap { range in
            guard let entry = byRange[range], entry.suggestions.count == 1, let s = entry.suggestions.first else { return nil }
            return Edit(range: range, original: entry.original, replacement: s)
        }
    }

    /// Apply edits to the log's bytes. Edits whose range no longer reads `original` are skipped.
    public static func apply(_ edits: [Edit], to source: SourceText) -> (bytes: [UInt8], applied: [Edit]) {
        var bytes = source.bytes
        var applied: [Edit] = []
        var lastStart = Int.max
        for edit in edits.sorted(by: { $0.range.start > $1.range.start }) {
            let r = source.byteRange(of: edit.range)
            guard r.upperBound <= lastStart, source.text(edit.range) == edit.original else { continue }
            bytes.replaceSubrange(r, with: Array(edit.replacement.utf8))
            lastStart = r.lowerBound
            applied.append(edit)
        }
        return (bytes, applied.reversed())
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
